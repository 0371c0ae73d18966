/**
 * The trustee console's browser side: the very TrusteeClient `mvid trustee` runs
 * (src/disclosure/trustee-client.ts), fed the trustee's state file and, to approve, their
 * share file and passphrase — all opened here and never sent anywhere. Every request this
 * page makes goes through TrusteeClient (the token from the state file, JSON bodies it
 * builds: decisions, and partial decryptions sealed to the authority).
 */
import { decryptShareFile, type TrusteeShare } from '../../crypto/index.ts';
import { type DenialReason, TrusteeClient, type TrusteeClientState } from '../../disclosure/index.ts';
import { byId, create, type El, origin, wire } from './dom.ts';

interface FileInput extends El {
  files: { length: number; [i: number]: { text(): Promise<string>; name: string } } | null;
}

let client: TrusteeClient | null = null;
let current: string | null = null;

const status = (text: string) => {
  byId('status').textContent = text;
};

function fail(error: unknown): void {
  const e = error as { code?: string; message: string };
  status(`Refused${e.code ? ` (${e.code})` : ''}: ${e.message}`);
}

async function readJsonFile(id: string, what: string): Promise<unknown> {
  return (await readJsonFiles(id, what))[0];
}

/** Every file chosen in a (multiple) file input, parsed as JSON. */
async function readJsonFiles(id: string, what: string): Promise<unknown[]> {
  const input = byId(id) as FileInput;
  const files = Array.from({ length: input.files?.length ?? 0 }, (_, i) => input.files?.[i] as { text(): Promise<string>; name: string });
  if (files.length === 0) throw new Error(`choose your ${what} first`);
  const out: unknown[] = [];
  for (const file of files) {
    try {
      out.push(JSON.parse(await file.text()));
    } catch {
      throw new Error(`${file.name} is not a ${what}`);
    }
  }
  return out;
}

/** The updated state (new last-seen checkpoint) as a download, replacing the file the trustee keeps. */
function offerState(state: TrusteeClientState): void {
  const link = byId('save-state') as El & { href: string };
  const old = link.href;
  link.href = URL.createObjectURL(new Blob([`${JSON.stringify(state, null, 2)}\n`], { type: 'application/json' }));
  if (old.startsWith('blob:')) URL.revokeObjectURL(old);
  byId('save-state-row').hidden = false;
}

async function load(): Promise<void> {
  try {
    const state = (await readJsonFile('state-file', 'trustee state file')) as TrusteeClientState;
    if (state?.version !== 1 || typeof state.token !== 'string')
      throw new Error('this is not a trustee state file (mvid trustee enrol writes one)');
    // The console talks to the server that served it, whatever URL the CLI used.
    client = new TrusteeClient({ ...state, url: origin() }, { fetch: (url, init) => fetch(url, init), save: offerState });
    const me = state.trustee;
    byId('who').textContent = `Trustee ${me.trusteeId} (#${me.trusteeIndex}) of set ${me.trusteeSetId}; log key pinned: ${state.log.vkey}`;
    const { requests } = (await client.queue()) as {
      requests: Array<{ id: string; emergency: boolean; status: string; expiresAt: string; myDecision: string | null }>;
    };
    const queue = byId('queue');
    queue.replaceChildren();
    for (const r of requests) {
      const tr = create('tr');
      for (const text of [r.id, r.emergency ? 'EMERGENCY' : 'ordinary', r.status, r.expiresAt, r.myDecision ?? 'undecided'])
        tr.append(create('td', text));
      const button = create('button', 'Review');
      button.setAttribute('type', 'button');
      button.addEventListener('click', () => void review(r.id));
      const cell = create('td');
      cell.append(button);
      tr.append(cell);
      queue.append(tr);
    }
    status(requests.length === 0 ? 'No open request.' : `${requests.length} request(s) in your queue.`);
  } catch (error) {
    fail(error);
  }
}

const STEPS = [
  ['request_mismatch', 'The request as shown opens the commitments of its logged entry'],
  ['note_unverified', 'Checkpoint signature (the pinned log key)'],
  ['witness_quorum_not_met', 'Witness cosignatures'],
  ['checkpoint_inconsistent', 'Consistency with the last checkpoint you saw'],
  ['log_entry_missing', 'Inclusion of the request in the log'],
  ['request_expired', 'The request is inside its validity window'],
] as const;

async function review(id: string): Promise<void> {
  if (client === null) return;
  const steps = byId('steps');
  steps.replaceChildren();
  byId('decide').hidden = true;
  status(`Verifying request ${id} against the log…`);
  try {
    const r = await client.review(id);
    current = id;
    const pin = client.state.log;
    const seen = client.state.lastCheckpoint;
    const done: string[] = [
      `✓ Inclusion: the request is entry ${r.logIndex} of the log`,
      `✓ Checkpoint signature: size ${r.checkpointSize} signed by ${pin.origin}`,
      pin.witnesses
        ? `✓ Witness cosignatures: at least ${pin.witnesses.threshold} of ${pin.witnesses.vkeys.length} pinned witnesses`
        : '✓ Witness cosignatures: none pinned in your state file (the log key alone)',
      `✓ Consistency with last seen: the checkpoint you saw before is a prefix of size ${seen?.size ?? r.checkpointSize}`,
      `✓ The court order document decrypts and matches its logged hash (SHA-256 ${r.request.courtOrder.documentSha256})`,
    ];
    for (const line of done) steps.append(create('li', line, 'ok'));
    const q = r.request;
    const facts = byId('facts');
    facts.replaceChildren();
    for (const [k, v] of [
      ['Authority', `${q.authority.name} (${q.authority.jurisdiction}), ${q.authority.contact}`],
      ['Offence', `${q.offence.category.replaceAll('_', ' ')} — ${q.offence.statute}${q.offence.emergency ? ' — EMERGENCY' : ''}`],
      ['Court order', `${q.courtOrder.court}, ${q.courtOrder.reference}, ${q.courtOrder.date}`],
      ['Target', `${q.subject.target} in world ${q.subject.worldId}`],
      ['Field groups', `${q.offence.fieldGroups.join(', ')}; the person is told after ${q.offence.notificationDelayDays} days`],
      ['Progress', `${q.approvals} approvals, ${q.denials} denials, ${q.shares} shares of ${q.threshold} needed`],
    ] as const) {
      facts.append(create('dt', k), create('dd', v));
    }
    const doc = byId('document') as El & { href: string };
    doc.href = URL.createObjectURL(new Blob([r.document.slice().buffer as ArrayBuffer], { type: 'application/octet-stream' }));
    doc.setAttribute('download', `court-order-${id}.bin`);
    const text = new TextDecoder('utf-8', { fatal: false }).decode(r.document);
    byId('document-text').textContent = /^[\P{Cc}\n\r\t]*$/u.test(text) ? text : '(not text: download it to read it)';
    byId('decide').hidden = false;
    byId('decide-heading').textContent = `Decide on ${id}`;
    status(`Request ${id} verified. Read the order, then decide.`);
  } catch (error) {
    const code = (error as { code?: string }).code;
    const failed = STEPS.find(([c]) => c === code);
    steps.append(create('li', `✗ ${failed ? failed[1] : 'Verification'}: ${(error as Error).message}`, 'error'));
    fail(error);
  }
}

/**
 * Opens the share files with the passphrase (in this browser): the trustee's share of the
 * set and its shares of the retention-epoch keys (the client picks, per envelope, the one
 * of the key it is sealed to); runs `use`, then wipes them.
 */
async function withShare(button: string, use: (shares: TrusteeShare[]) => Promise<void>): Promise<void> {
  const passphrase = byId('passphrase') as El & { value: string };
  byId(button).disabled = true;
  const shares: TrusteeShare[] = [];
  try {
    const files = await readJsonFiles('share-file', 'share file');
    status(`Opening your ${files.length} share file(s) (scrypt takes a few seconds each)…`);
    for (const file of files) shares.push(await decryptShareFile(file, passphrase.value));
    passphrase.value = '';
    try {
      await use(shares);
    } finally {
      for (const share of shares) share.secret.fill(0);
    }
  } catch (error) {
    fail(error);
  } finally {
    byId(button).disabled = false;
  }
}

const sent = (u: { shares: number; released: boolean }) =>
  `your partial decryption is sent (${u.shares} so far${u.released ? ', released to the authority' : ''})`;

async function approve(): Promise<void> {
  if (client === null || current === null) return;
  const c = client;
  const id = current;
  await withShare('approve', async (share) => {
    status(
      'Approving: logging the approval and proving it is in the log; your partial decryption is sent once the quorum of approvals is logged…',
    );
    const r = await c.approve(id, share, (byId('statement') as El & { value: string }).value);
    const next =
      r.upload !== undefined
        ? sent(r.upload)
        : r.waiting === 'quorum'
          ? 'your partial decryption waits until enough trustees have approved in the log: come back then and press “Send my partial decryption”'
          : 'your partial decryption was already sent';
    status(`Approved: logged at entry ${r.approvalIndex}; ${next}.`);
  });
}

async function release(): Promise<void> {
  if (client === null || current === null) return;
  const c = client;
  const id = current;
  await withShare('release', async (share) => {
    status('Checking that the quorum of approvals is in the log, then sending your partial decryption sealed to the authority…');
    status(`Sent: ${sent(await c.release(id, share))}.`);
  });
}

async function deny(): Promise<void> {
  if (client === null || current === null) return;
  try {
    status('Denying: logging the denial and proving it is in the log…');
    const reason = (byId('reason') as El & { value: string }).value as DenialReason;
    const r = await client.deny(current, reason, (byId('statement') as El & { value: string }).value);
    status(`Denied: logged at entry ${r.denialIndex}.`);
  } catch (error) {
    fail(error);
  }
}

wire('console', { load, approve, release, deny });
