/**
 * The authority's pages, browser side: the AuthorityClient of `mvid authority` run in the
 * page. Filing encrypts the court order here (to the trustees' document keys) and sends
 * only its ciphertext and hash; fetching a release opens it here with the authority key
 * from the key file, after the same checks the CLI makes (the subject-binding chain
 * against the log, every trustee's share proof). The key file is never uploaded.
 */
import { fromBase64Url } from '../../core/index.ts';
import { AuthorityClient, type DisclosureFieldGroup } from '../../disclosure/index.ts';
import type { Messages } from '../i18n/index.ts';
import { byId, create, type El, fill, messages, origin, pluralOf, wire } from './dom.ts';

/** The page's messages (its language), and the names of field groups and log steps in it. */
const M = messages<Messages['authorityBundle'] & { fieldGroups: Record<string, string>; steps: Record<string, string> }>();

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
  if (token === '') throw new Error(M.tokenFirst);
  return new AuthorityClient({ url: origin(), token, fetch: (url, init) => fetch(url, init) });
}

function message(error: unknown): string {
  const e = error as { code?: string; message: string };
  return e.code ? fill(M.refusedCode, { code: e.code, message: e.message }) : fill(M.refused, { message: e.message });
}

/** Requests filed from this page (kept in memory only): the world and the pseudonym each committed to. */
const filedHere = new Map<string, { worldId: string; pseudonym: string }>();

async function file(): Promise<void> {
  const button = byId('file');
  button.disabled = true;
  try {
    const doc = input('order-document').files?.[0];
    if (!doc) throw new Error(M.chooseDocument);
    say('file-status', M.filing);
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
    filedHere.set(accepted.requestId, { worldId: accepted.target.worldId, pseudonym: accepted.target.pseudonym });
    say(
      'file-status',
      fill(logKey === '' ? M.filed : M.filedVerified, {
        id: accepted.requestId,
        pseudonym: accepted.target.pseudonym,
        index: accepted.logIndex,
        until: accepted.expiresAt,
      }),
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
      [M.status, `${r.status}${r.outcome ? ` (${r.outcome})` : ''}`],
      [M.trustees, fill(M.trusteesValue, { approvals: r.approvals, denials: r.denials, shares: r.shares, threshold: r.threshold })],
      [M.openUntil, r.expiresAt],
      [M.released, r.releasedAt ?? '—'],
      [M.log, r.events.map((e) => `${M.steps[e.type] ?? e.type} @${e.index ?? M.pending}`).join(', ')],
    ] as const) {
      list.append(create('dt', k), create('dd', String(v)));
    }
    say('progress-status', fill(M.requestStatus, { id, status: r.status }));
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
    if (!keyFile) throw new Error(M.chooseKeyFile);
    const key = JSON.parse(await keyFile.text()) as { format?: string; secretKey?: string };
    if (key.format !== 'mvid-authority-key' || typeof key.secretKey !== 'string')
      throw new Error(fill(M.notKeyFile, { name: keyFile.name }));
    secret = fromBase64Url(key.secretKey);
    const id = input('request-id').value.trim();
    say('release-status', M.fetching);
    const client = clientOf();
    // The pseudonym filed for from this page, if it was: a release of anyone else is refused.
    const opened = await client.fetchRelease(id, secret, filedHere.get(id));
    const out = byId('released');
    out.replaceChildren();
    for (const e of opened.envelopes) {
      out.append(create('dt', M.fieldGroups[e.fieldGroup] ?? e.fieldGroup));
      for (const [k, v] of Object.entries(e.fields)) out.append(create('dd', `${k}: ${String(v)}`));
    }
    const bad = opened.badTrustees.map((b) => fill(M.badTrustee, { trustee: b.trusteeId ?? `#${b.index}`, reason: b.reason }));
    let receipt = '';
    if (input('receipt').checked) receipt = ` ${fill(M.receipt, { indices: (await client.receipt(id, opened)).indices.join(', ') })}`;
    const count = opened.envelopes.length;
    say(
      'release-status',
      `${fill(pluralOf(count, { one: M.openedOne, other: M.openedOther }), { n: count })}${bad.length ? ` ${bad.join('; ')}.` : ''}${receipt}`,
    );
  } catch (error) {
    say('release-status', message(error), false);
  } finally {
    secret?.fill(0);
    button.disabled = false;
  }
}

wire('authority-console', { file, check: progress, release });
