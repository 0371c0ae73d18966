/**
 * The authority's pages, browser side: the AuthorityClient of `mvid authority` run in the
 * page. Filing encrypts the court order here (to the trustees' document keys) and sends
 * only its ciphertext and hash; fetching a release opens it here with the authority key
 * from the key file, after the same checks the CLI makes (the subject-binding chain
 * against the log, every trustee's share proof). The key file is never uploaded.
 */
import { fromBase64Url } from '../../core/index.ts';
import { AuthorityClient, type DisclosureFieldGroup } from '../../disclosure/index.ts';
import { byId, create, type El, origin, wire } from './dom.ts';

type Input = El & {
  value: string;
  checked?: boolean;
  files?: { length: number; [i: number]: { name: string; text(): Promise<string>; arrayBuffer(): Promise<ArrayBuffer> } } | null;
};
const input = (id: string) => byId(id) as Input;

function say(id: string, text: string, ok = true): void {
  const el = byId(id);
  el.textContent = text;
  el.className = ok ? '' : 'error';
}

function clientOf(): AuthorityClient {
  const token = input('token').value.trim();
  if (token === '') throw new Error('give your authority token first');
  return new AuthorityClient({ url: origin(), token, fetch: (url, init) => fetch(url, init) });
}

function message(error: unknown): string {
  const e = error as { code?: string; message: string };
  return `Refused${e.code ? ` (${e.code})` : ''}: ${e.message}`;
}

async function file(): Promise<void> {
  const button = byId('file');
  button.disabled = true;
  try {
    const doc = input('order-document').files?.[0];
    if (!doc) throw new Error('choose the court order document');
    say('file-status', 'Encrypting the court order to the trustees in your browser and filing…');
    const groups = ['name_birth', 'identifier', 'document', 'contact'].filter((g) => input(`group-${g}`).checked) as DisclosureFieldGroup[];
    const logKey = input('log-key').value.trim();
    const accepted = await clientOf().file(
      {
        target: { worldId: input('world').value.trim(), pseudonym: input('target').value.trim() },
        offence: { category: input('category').value, statute: input('statute').value },
        courtOrder: {
          court: input('court').value,
          reference: input('reference').value,
          date: input('order-date').value,
          fieldGroups: groups,
        },
        fieldGroups: groups,
        emergency: input('emergency').checked === true,
        notificationDelayDays: Number(input('delay').value),
        document: new Uint8Array(await doc.arrayBuffer()),
      },
      logKey === '' ? undefined : { origin: logKey.split('+')[0] as string, vkey: logKey },
    );
    input('request-id').value = accepted.requestId;
    say(
      'file-status',
      `Filed: request ${accepted.requestId} for pseudonym ${accepted.target.pseudonym}, logged at entry ${accepted.logIndex}${logKey === '' ? '' : ' (inclusion proof verified against your log key)'}; open until ${accepted.expiresAt}.`,
    );
  } catch (error) {
    say('file-status', message(error), false);
  } finally {
    button.disabled = false;
  }
}

async function progress(): Promise<void> {
  try {
    const id = input('request-id').value.trim();
    const r = await clientOf().status(id);
    const list = byId('progress');
    list.replaceChildren();
    for (const [k, v] of [
      ['Status', `${r.status}${r.outcome ? ` (${r.outcome})` : ''}`],
      ['Trustees', `${r.approvals} approvals, ${r.denials} denials, ${r.shares} shares of ${r.threshold} needed`],
      ['Open until', r.expiresAt],
      ['Released', r.releasedAt ?? '—'],
      ['Log', r.events.map((e) => `${e.type.replaceAll('_', ' ')} @${e.index ?? 'pending'}`).join(', ')],
    ] as const) {
      list.append(create('dt', k), create('dd', String(v)));
    }
    say('progress-status', `Request ${id}: ${r.status}.`);
  } catch (error) {
    say('progress-status', message(error), false);
  }
}

async function release(): Promise<void> {
  const button = byId('release');
  button.disabled = true;
  let secret: Uint8Array | undefined;
  try {
    const keyFile = input('key-file').files?.[0];
    if (!keyFile) throw new Error('choose your authority key file (mvid authority keygen wrote it)');
    const key = JSON.parse(await keyFile.text()) as { format?: string; secretKey?: string };
    if (key.format !== 'mvid-authority-key' || typeof key.secretKey !== 'string')
      throw new Error(`${keyFile.name} is not an authority key file`);
    secret = fromBase64Url(key.secretKey);
    const id = input('request-id').value.trim();
    say(
      'release-status',
      'Fetching the release, checking the chain from the pseudonym to the logged envelopes, and opening it in your browser…',
    );
    const client = clientOf();
    const opened = await client.fetchRelease(id, secret);
    const out = byId('released');
    out.replaceChildren();
    for (const e of opened.envelopes) {
      out.append(create('dt', e.fieldGroup.replaceAll('_', ' ')));
      for (const [k, v] of Object.entries(e.fields)) out.append(create('dd', `${k}: ${String(v)}`));
    }
    const bad = opened.badTrustees.map(
      (b) => `trustee ${b.trusteeId ?? `#${b.index}`} sent an invalid share (${b.reason}); opened without it`,
    );
    let receipt = '';
    if (input('receipt').checked) receipt = ` Receipt logged at ${(await client.receipt(id, opened)).indices.join(', ')}.`;
    say(
      'release-status',
      `Opened ${opened.envelopes.length} field group(s) in your browser.${bad.length ? ` ${bad.join('; ')}.` : ''}${receipt}`,
    );
  } catch (error) {
    say('release-status', message(error), false);
  } finally {
    secret?.fill(0);
    button.disabled = false;
  }
}

wire('authority-console', { file, check: progress, release });
