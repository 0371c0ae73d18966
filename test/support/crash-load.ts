/**
 * The crash-safety harness (issue 14): mixed load against a real `mvid serve` — enrolments,
 * registry sign-ins, disclosure requests and trustee approvals (each a transparency-log
 * append), moderation reports with evidence — recording every write the client got a 2xx
 * for. The test kills the server with SIGKILL at a random moment, restarts it on the same
 * data dir and database, and `checkAfterRestart` reports (as a list of problems, so a test
 * can show it detects them):
 * - an acknowledged write that is gone (session, person, request, approval, report);
 * - a log that does not verify end to end: the monitor (`verifyLog`) checks the new checkpoint
 *   against the one verified before the crash (consistency proof; equal sizes need equal
 *   roots, so a forked checkpoint is a problem), recomputes the root from every entry, and
 *   each acknowledged entry is proven included in the verified checkpoint;
 * - half-written state: a person without envelopes, a disclosure event (request, approval)
 *   not in the log, a request without its request entry, a report whose evidence is missing.
 */
import { decryptShareFile, type TrusteeShare } from '../../src/crypto/index.ts';
import { AuthorityClient, TrusteeClient } from '../../src/disclosure/index.ts';
import { blobStoreConfigOf, loadConfig } from '../../src/config/index.ts';
import { fromBase64Url, systemClock } from '../../src/core/index.ts';
import { openBlobStore } from '../../src/blobs/index.ts';
import { openStore } from '../../src/store/index.ts';
import { hashLeaf, type MonitorState, parseEntry, verifyInclusion, verifyLog } from '../../src/tlog/index.ts';
import { issueTrusteeCredential, json as expectJson } from '../../src/cli/demo/story.ts';
import { type EnrolledPerson, enrolOverHttp, type Served, signInOverHttp } from './served.ts';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** A write the client got a 2xx for. */
export type Ack =
  | { kind: 'enrol'; person: EnrolledPerson }
  | { kind: 'sign-in'; personId: string; token: string }
  | { kind: 'request'; requestId: string; entry: Uint8Array }
  | { kind: 'approval'; requestId: string; trustee: string; index: number }
  | { kind: 'report'; reportId: string; evidence: string };

/** What the load needs besides the server: the target of requests and reports, and the clients. */
export interface CrashLoadClients {
  /** A person with a handle in the example world: the target of disclosure requests and reports. */
  target: { handle: string; person: EnrolledPerson };
  authority: AuthorityClient;
  logPin: { origin: string; vkey: string };
  /** Two trustees that approve (never a third: no quorum, so no release to follow). */
  trustees: Array<{ name: string; client: TrusteeClient; share: TrusteeShare }>;
}

export interface LoadTally {
  acks: Ack[];
  /** Failures before the kill was ordered: a server that answers errors under load is a problem too. */
  failuresBeforeKill: string[];
  /** `trustee/request` approvals tried (acknowledged or cut by a kill): never tried twice. */
  tried: Set<string>;
}

/** Sets up the clients on a served deployment: the target person and handle, the trustees, the authority. */
export async function prepareClients(served: Served): Promise<CrashLoadClients> {
  const { url, material } = served;
  const person = await enrolOverHttp(served);
  const handle = `target${Math.floor(Math.random() * 1e6)}`;
  await expectJson(
    await fetch(`${url}/worlds/v1/me/worlds/${material.exampleWorld.clientId}/handle`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${person.sessionToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ handle }),
    }),
    200,
    'handle',
  );
  const log = await expectJson<{ origin: string; verifierKey: string; pseudonymKey: string }>(
    await fetch(`${url}/disclosure/v1/log`),
    200,
    'log key',
  );
  const trustees: CrashLoadClients['trustees'] = [];
  const { passphrases, shareFiles } = material.trustees;
  for (const name of Object.keys(shareFiles)) {
    const token = await issueTrusteeCredential(url, material.adminToken, name);
    // Every trustee registers a document key (the order document is sealed to all); two approve.
    const state = await TrusteeClient.enrol({ url, token, fetch, logKey: log.verifierKey, pseudonymKey: log.pseudonymKey });
    if (trustees.length < 2) {
      const file = JSON.parse(readFileSync(join(material.dir, shareFiles[name] as string), 'utf8')) as unknown;
      const share = await decryptShareFile(file, passphrases[name] as string);
      trustees.push({ name, client: new TrusteeClient(state, { fetch, save: () => {} }), share });
    }
  }
  const authority = new AuthorityClient({
    url,
    token: material.authority.token,
    fetch,
    pins: { log: { origin: log.origin, vkey: log.verifierKey }, pseudonymKey: log.pseudonymKey },
  });
  return { target: { handle, person }, authority, logPin: { origin: log.origin, vkey: log.verifierKey }, trustees };
}

function pick<T>(list: readonly T[]): T | undefined {
  return list.length === 0 ? undefined : list[Math.floor(Math.random() * list.length)];
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs the mixed load until `stopped()` (the kill), pushing each acknowledged write to
 * `tally.acks`. Six loops: two enrol-or-sign-in, one authority filing requests, one per
 * approving trustee, one world reporting the target with fresh evidence.
 */
export async function runMixedLoad(served: Served, clients: CrashLoadClients, tally: LoadTally, stopped: () => boolean): Promise<void> {
  const { url, material } = served;
  const worldId = material.exampleWorld.clientId;
  const loop = async (what: string, step: () => Promise<unknown>) => {
    while (!stopped()) {
      try {
        if ((await step()) === false) await pause(50);
      } catch (error) {
        if (!stopped()) tally.failuresBeforeKill.push(`${what}: ${(error as Error).message}`);
        await pause(50);
      }
    }
  };
  const people = () => tally.acks.flatMap((a) => (a.kind === 'enrol' ? [a.person] : []));
  const enrolOrSignIn = async () => {
    const person = Math.random() < 0.5 ? pick(people()) : undefined;
    if (person) {
      const token = await signInOverHttp(url, person);
      tally.acks.push({ kind: 'sign-in', personId: person.personId, token });
    } else {
      tally.acks.push({ kind: 'enrol', person: await enrolOverHttp(served) });
    }
  };
  const file = async () => {
    const today = new Date().toISOString().slice(0, 10);
    const reference = `351 Gs ${Math.floor(Math.random() * 1e6)}/26`;
    const accepted = await clients.authority.file(
      {
        target: { worldId, pseudonym: clients.target.handle },
        offence: { category: 'threat_to_life', statute: 'StGB § 241 (Bedrohung)' },
        courtOrder: { court: 'Amtsgericht Tiergarten', reference, date: today, fieldGroups: ['name_birth'] },
        fieldGroups: ['name_birth'],
        notificationDelayDays: 30,
        document: new TextEncoder().encode(`Amtsgericht Tiergarten, ${reference}: identify ${clients.target.handle}.`),
      },
      clients.logPin,
    );
    tally.acks.push({ kind: 'request', requestId: accepted.requestId, entry: fromBase64Url(accepted.entry) });
  };
  const approve = (trustee: CrashLoadClients['trustees'][number]) => async () => {
    const open = tally.acks.find((a) => a.kind === 'request' && !tally.tried.has(`${trustee.name}/${a.requestId}`));
    if (open?.kind !== 'request') return false;
    tally.tried.add(`${trustee.name}/${open.requestId}`);
    const r = await trustee.client.approve(open.requestId, trustee.share, `${trustee.name}: lawful and proportionate`);
    tally.acks.push({ kind: 'approval', requestId: open.requestId, trustee: trustee.name, index: r.approvalIndex });
    return true;
  };
  const report = async () => {
    const world = { authorization: served.worldBasic };
    const bytes = `chat log ${Date.now()} ${Math.random()}: ${clients.target.handle} threatened a resident`;
    const evidence = await expectJson<{ sha256: string }>(
      await fetch(`${url}/moderation/v1/worlds/${worldId}/evidence`, {
        method: 'POST',
        headers: { ...world, 'content-type': 'text/plain' },
        body: bytes,
      }),
      201,
      'evidence',
    );
    const filed = await expectJson<{ reportId: string }>(
      await fetch(`${url}/moderation/v1/worlds/${worldId}/reports`, {
        method: 'POST',
        headers: { ...world, 'content-type': 'application/json' },
        body: JSON.stringify({ subject: clients.target.handle, category: 'harassment', text: bytes, evidence: [evidence.sha256] }),
      }),
      201,
      'report',
    );
    tally.acks.push({ kind: 'report', reportId: filed.reportId, evidence: evidence.sha256 });
  };
  await Promise.all([
    loop('enrol/sign-in', enrolOrSignIn),
    loop('enrol/sign-in', enrolOrSignIn),
    loop('request', file),
    ...clients.trustees.map((t) => loop(`approval by ${t.name}`, approve(t))),
    loop('report', report),
  ]);
}

async function status(url: string, path: string, authorization: string): Promise<number> {
  const response = await fetch(`${url}${path}`, { headers: { authorization } });
  await response.arrayBuffer();
  return response.status;
}

/** Waits (bounded) until the restarted server has integrated everything queued before the crash. */
export async function awaitIntegrated(served: Served, ms = 30_000): Promise<void> {
  const store = openStore(served.db.location);
  try {
    const deadline = Date.now() + ms;
    for (;;) {
      const queued = await store.db.selectFrom('log_outbox').select('id').limit(1).execute();
      if (queued.length === 0) return;
      if (Date.now() > deadline) throw new Error('the restarted server did not integrate the log outbox');
      await pause(100);
    }
  } finally {
    await store.close();
  }
}

export interface CheckResult {
  problems: string[];
  /** The monitor state to check the next restart against (unchanged when the log did not verify). */
  state: MonitorState | null;
  /** Acknowledged writes checked. */
  checked: number;
  logSize: number;
}

/** Checks everything acknowledged so far against the restarted server and its database. */
export async function checkAfterRestart(served: Served, acks: readonly Ack[], previous: MonitorState | null): Promise<CheckResult> {
  const problems: string[] = [];
  const { url, material } = served;
  const worldId = material.exampleWorld.clientId;
  let state = previous;
  let checkpoint: { size: bigint; root: Uint8Array } | undefined;
  try {
    const verified = await verifyLog({ url, fetch, clock: systemClock, state: previous });
    state = verified.state;
    checkpoint = verified.checkpoint;
  } catch (error) {
    problems.push(`the log does not verify against the checkpoint before the crash: ${(error as Error).message}`);
  }
  const store = openStore(served.db.location);
  try {
    const leaves = await store.db.selectFrom('tlog_leaves').select(['idx', 'entry', 'leaf_hash']).orderBy('idx').execute();
    const byHash = new Set(leaves.map((l) => Buffer.from(l.leaf_hash).toString('base64url')));
    const subjects = new Set<string>();
    for (const l of leaves) {
      const event = parseEntry(new Uint8Array(l.entry)) as { type: string; action?: string; subject?: string };
      if (event.type === 'person_event' && event.action === 'enrolled' && event.subject) subjects.add(event.subject);
    }
    const entryAt = (index: number) => leaves[index]?.entry;

    for (const ack of acks) {
      switch (ack.kind) {
        case 'enrol': {
          const response = await fetch(`${url}/registry/v1/me`, { headers: { authorization: `Bearer ${ack.person.sessionToken}` } });
          if (response.status !== 200) {
            problems.push(`acknowledged enrolment ${ack.person.personId} lost (its session answers ${response.status})`);
            await response.arrayBuffer();
            break;
          }
          const me = (await response.json()) as { person: { id: string }; logSubject: string };
          if (me.person.id !== ack.person.personId) problems.push(`enrolment ${ack.person.personId} came back as ${me.person.id}`);
          if (!subjects.has(me.logSubject))
            problems.push(`acknowledged enrolment ${ack.person.personId} has no enrolment entry in the log`);
          break;
        }
        case 'sign-in': {
          const code = await status(url, '/registry/v1/me', `Bearer ${ack.token}`);
          if (code !== 200) problems.push(`acknowledged sign-in of ${ack.personId} lost (its session answers ${code})`);
          break;
        }
        case 'request': {
          const code = await status(url, `/disclosure/v1/requests/${ack.requestId}`, `Bearer ${material.authority.token}`);
          if (code !== 200) problems.push(`acknowledged disclosure request ${ack.requestId} lost (answers ${code})`);
          if (checkpoint) problems.push(...(await included(url, checkpoint, ack.entry, `request ${ack.requestId}`)));
          break;
        }
        case 'approval': {
          const entry = entryAt(ack.index);
          const event = entry ? (parseEntry(new Uint8Array(entry)) as { type: string; request?: string }) : undefined;
          if (event?.type !== 'trustee_approval' || event.request !== ack.requestId)
            problems.push(`acknowledged approval of ${ack.requestId} by ${ack.trustee} is not at log index ${ack.index}`);
          else if (checkpoint)
            problems.push(...(await included(url, checkpoint, new Uint8Array(entry as Uint8Array), `approval at ${ack.index}`)));
          break;
        }
        case 'report': {
          const code = await status(url, `/moderation/v1/worlds/${worldId}/reports/${ack.reportId}`, served.worldBasic);
          if (code !== 200) problems.push(`acknowledged report ${ack.reportId} lost (answers ${code})`);
          break;
        }
      }
    }
    problems.push(...(await halfWritten(served, store, byHash)));
    if (checkpoint && BigInt(leaves.length) !== checkpoint.size)
      problems.push(`the database holds ${leaves.length} leaves, the signed checkpoint ${checkpoint.size}`);
    return { problems, state, checked: acks.length, logSize: leaves.length };
  } finally {
    await store.close();
  }
}

/** An inclusion proof of `entry` in the verified checkpoint, fetched by leaf hash and verified here. */
async function included(url: string, checkpoint: { size: bigint; root: Uint8Array }, entry: Uint8Array, what: string): Promise<string[]> {
  const leafHash = hashLeaf(entry);
  const response = await fetch(
    `${url}/log/v1/proof/inclusion?leaf_hash=${Buffer.from(leafHash).toString('base64url')}&size=${checkpoint.size}`,
  );
  if (response.status !== 200) {
    await response.arrayBuffer();
    return [`${what}: no inclusion proof in checkpoint ${checkpoint.size} (${response.status})`];
  }
  const body = (await response.json()) as { index: number; proof: string[] };
  const proof = body.proof.map((h) => fromBase64Url(h));
  return verifyInclusion(BigInt(body.index), checkpoint.size, leafHash, proof, checkpoint.root)
    ? []
    : [`${what}: the inclusion proof does not verify against checkpoint ${checkpoint.size}`];
}

/** State a crash must never leave visible, read straight from the database. */
async function halfWritten(served: Served, store: ReturnType<typeof openStore>, leafHashes: Set<string>): Promise<string[]> {
  const problems: string[] = [];
  const db = store.db;
  const bare = await db
    .selectFrom('registry_persons as p')
    .leftJoin('registry_envelopes as e', 'e.person_id', 'p.id')
    .select('p.id')
    .where('e.id', 'is', null)
    .execute();
  for (const p of bare) problems.push(`person ${p.id} has no envelope`);
  const events = await db.selectFrom('disclosure_events').select(['request_id', 'type', 'leaf_hash']).execute();
  for (const e of events) if (!leafHashes.has(e.leaf_hash)) problems.push(`${e.type} of ${e.request_id} is not in the log`);
  const requests = await db.selectFrom('disclosure_requests').select('id').execute();
  const logged = new Set(events.filter((e) => e.type === 'disclosure_request').map((e) => e.request_id));
  for (const r of requests) if (!logged.has(r.id)) problems.push(`request ${r.id} has no request entry`);
  const reports = await db.selectFrom('moderation_reports').select(['id', 'world_id', 'evidence_json']).execute();
  const rows = await db.selectFrom('moderation_evidence').select(['world_id', 'sha256']).execute();
  const known = new Set(rows.map((r) => `${r.world_id}/${r.sha256}`));
  const blobs = openBlobStore(blobStoreConfigOf(loadConfig({ env: served.env })));
  for (const report of reports) {
    for (const { sha256 } of JSON.parse(report.evidence_json) as Array<{ sha256: string }>) {
      if (!known.has(`${report.world_id}/${sha256}`)) problems.push(`report ${report.id} cites evidence ${sha256} that was never recorded`);
      else await blobs.get(sha256).catch(() => problems.push(`report ${report.id}: evidence ${sha256} has no bytes`));
    }
  }
  return problems;
}
