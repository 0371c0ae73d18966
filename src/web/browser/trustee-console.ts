/**
 * The trustee console's browser side: the very TrusteeClient `mvid trustee` runs
 * (src/disclosure/trustee-client.ts), fed the trustee's state file and, to approve, their
 * share file and passphrase — all opened here and never sent anywhere. Every request this
 * page makes goes through TrusteeClient (the token from the state file, JSON bodies it
 * builds: decisions, and partial decryptions sealed to the authority).
 */
import { decryptShareFile, type TrusteeShare } from '../../crypto/index.ts';
import { type DenialReason, TrusteeClient, type TrusteeClientState } from '../../disclosure/index.ts';
import type { Messages } from '../i18n/index.ts';
import { byId, create, type El, fill, messages, origin, pluralOf, wire } from './dom.ts';

interface FileInput extends El {
  files: { length: number; [i: number]: { text(): Promise<string>; name: string } } | null;
}

/** The page's messages (its language), and the names of offences and field groups in it. */
const M = messages<Messages['trusteeBundle'] & { offences: Record<string, string>; fieldGroups: Record<string, string> }>();

let client: TrusteeClient | null = null;
let current: string | null = null;

const status = (text: string) => {
  byId('status').textContent = text;
};

function fail(error: unknown): void {
  const e = error as { code?: string; message: string };
  status(e.code ? fill(M.refusedCode, { code: e.code, message: e.message }) : fill(M.refused, { message: e.message }));
}

async function readJsonFile(id: string, what: string): Promise<unknown> {
  const input = byId(id) as FileInput;
  const file = input.files?.[0];
  if (!file) throw new Error(fill(M.chooseFirst, { what }));
  try {
    return JSON.parse(await file.text());
  } catch {
    throw new Error(fill(M.notA, { name: file.name, what }));
  }
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
    const state = (await readJsonFile('state-file', M.stateFile)) as TrusteeClientState;
    if (state?.version !== 1 || typeof state.token !== 'string') throw new Error(M.notStateFile);
    // The console talks to the server that served it, whatever URL the CLI used.
    client = new TrusteeClient({ ...state, url: origin() }, { fetch: (url, init) => fetch(url, init), save: offerState });
    const me = state.trustee;
    byId('who').textContent = fill(M.who, { id: me.trusteeId, index: me.trusteeIndex, set: me.trusteeSetId, vkey: state.log.vkey });
    const { requests } = (await client.queue()) as {
      requests: Array<{ id: string; emergency: boolean; status: string; expiresAt: string; myDecision: string | null }>;
    };
    const queue = byId('queue');
    queue.replaceChildren();
    for (const r of requests) {
      const tr = create('tr');
      for (const text of [r.id, r.emergency ? M.emergency : M.ordinary, r.status, r.expiresAt, r.myDecision ?? M.undecided])
        tr.append(create('td', text));
      const button = create('button', M.review);
      button.setAttribute('type', 'button');
      button.addEventListener('click', () => void review(r.id));
      const cell = create('td');
      cell.append(button);
      tr.append(cell);
      queue.append(tr);
    }
    status(
      requests.length === 0
        ? M.noRequests
        : fill(pluralOf(requests.length, { one: M.queueOne, other: M.queueOther }), { n: requests.length }),
    );
  } catch (error) {
    fail(error);
  }
}

const STEPS = [
  ['request_mismatch', M.stepRequest],
  ['note_unverified', M.stepSignature],
  ['witness_quorum_not_met', M.stepWitnesses],
  ['checkpoint_inconsistent', M.stepConsistency],
  ['log_entry_missing', M.stepInclusion],
  ['request_expired', M.stepValidity],
] as const;

async function review(id: string): Promise<void> {
  if (client === null) return;
  const steps = byId('steps');
  steps.replaceChildren();
  byId('decide').hidden = true;
  status(fill(M.verifying, { id }));
  try {
    const r = await client.review(id);
    current = id;
    const pin = client.state.log;
    const seen = client.state.lastCheckpoint;
    const done: string[] = [
      fill(M.inclusion, { index: r.logIndex }),
      fill(M.signature, { size: r.checkpointSize, origin: pin.origin }),
      pin.witnesses ? fill(M.witnesses, { threshold: pin.witnesses.threshold, count: pin.witnesses.vkeys.length }) : M.noWitnesses,
      fill(M.consistency, { size: seen?.size ?? r.checkpointSize }),
      fill(M.document, { hash: r.request.courtOrder.documentSha256 }),
    ];
    for (const line of done) steps.append(create('li', line, 'ok'));
    const q = r.request;
    const facts = byId('facts');
    facts.replaceChildren();
    const offence = M.offences[q.offence.category] ?? q.offence.category;
    const groups = q.offence.fieldGroups.map((g) => M.fieldGroups[g] ?? g).join(', ');
    for (const [k, v] of [
      [M.authority, `${q.authority.name} (${q.authority.jurisdiction}), ${q.authority.contact}`],
      [M.offence, `${offence} — ${q.offence.statute}${q.offence.emergency ? M.emergencySuffix : ''}`],
      [M.courtOrder, `${q.courtOrder.court}, ${q.courtOrder.reference}, ${q.courtOrder.date}`],
      [M.target, fill(M.targetValue, { target: q.subject.target, world: q.subject.worldId })],
      [M.fieldGroups, fill(M.fieldGroupsValue, { groups, days: q.offence.notificationDelayDays })],
      [M.progress, fill(M.progressValue, { approvals: q.approvals, denials: q.denials, shares: q.shares, threshold: q.threshold })],
    ] as const) {
      facts.append(create('dt', k), create('dd', v));
    }
    const doc = byId('document') as El & { href: string };
    doc.href = URL.createObjectURL(new Blob([r.document.slice().buffer as ArrayBuffer], { type: 'application/octet-stream' }));
    doc.setAttribute('download', `court-order-${id}.bin`);
    const text = new TextDecoder('utf-8', { fatal: false }).decode(r.document);
    byId('document-text').textContent = /^[\P{Cc}\n\r\t]*$/u.test(text) ? text : M.notText;
    byId('decide').hidden = false;
    byId('decide-heading').textContent = fill(M.decideOn, { id });
    status(fill(M.verified, { id }));
  } catch (error) {
    const code = (error as { code?: string }).code;
    const failed = STEPS.find(([c]) => c === code);
    steps.append(
      create('li', fill(M.stepFailed, { step: failed ? failed[1] : M.stepVerification, message: (error as Error).message }), 'error'),
    );
    fail(error);
  }
}

/** Opens the share file with its passphrase (in this browser), runs `use`, then wipes the share. */
async function withShare(button: string, use: (share: TrusteeShare) => Promise<void>): Promise<void> {
  const passphrase = byId('passphrase') as El & { value: string };
  byId(button).disabled = true;
  try {
    const file = await readJsonFile('share-file', M.shareFile);
    status(M.openingShare);
    const share = await decryptShareFile(file, passphrase.value);
    passphrase.value = '';
    try {
      await use(share);
    } finally {
      share.secret.fill(0);
    }
  } catch (error) {
    fail(error);
  } finally {
    byId(button).disabled = false;
  }
}

const sent = (u: { shares: number; released: boolean }) => fill(u.released ? M.sentReleased : M.sent, { shares: u.shares });

async function approve(): Promise<void> {
  if (client === null || current === null) return;
  const c = client;
  const id = current;
  await withShare('approve', async (share) => {
    status(M.approving);
    const r = await c.approve(id, share, (byId('statement') as El & { value: string }).value);
    const next = r.upload !== undefined ? sent(r.upload) : r.waiting === 'quorum' ? M.waitingQuorum : M.alreadySent;
    status(fill(M.approved, { index: r.approvalIndex, next }));
  });
}

async function release(): Promise<void> {
  if (client === null || current === null) return;
  const c = client;
  const id = current;
  await withShare('release', async (share) => {
    status(M.releasing);
    status(fill(M.sentStatus, { what: sent(await c.release(id, share)) }));
  });
}

async function deny(): Promise<void> {
  if (client === null || current === null) return;
  try {
    status(M.denying);
    const reason = (byId('reason') as El & { value: string }).value as DenialReason;
    const r = await client.deny(current, reason, (byId('statement') as El & { value: string }).value);
    status(fill(M.denied, { index: r.denialIndex }));
  } catch (error) {
    fail(error);
  }
}

wire('console', { load, approve, release, deny });
