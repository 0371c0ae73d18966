/**
 * Attack 4 of issue 12, on both engines: the operator holds the log key, so it can sign
 * a fork that extends a trustee's last-seen checkpoint and holds a request the public
 * log never shows. A trustee that pins only the log key accepts it. A trustee enrolled
 * with `--witness` (here a real tlog-witness on loopback, with its state on disk)
 * refuses any checkpoint without the witness's cosignature, and the witness refuses to
 * cosign the fork: it already cosigned the public tree. The checkpoint a trustee uses
 * is fetched without its token and served cacheable, the same answer as the public's.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { randomBytes } from 'node:crypto';
import type { Clock } from '../src/core/index.ts';
import {
  courtOrderCommitment,
  type FetchLike,
  offenceCommitment,
  subjectCommitment,
  TrusteeClient,
  type TrusteeClientState,
} from '../src/disclosure/index.ts';
import {
  addCheckpointRequest,
  cosigner,
  createWitness,
  ed25519Signer,
  emptyRoot,
  encodeEntry,
  fileWitnessStore,
  hashChildren,
  hashLeaf,
  signCheckpoint,
} from '../src/tlog/index.ts';
import { listenWitness } from '../src/cli/commands/witness.ts';
import { ENGINES } from './support/engines.ts';
import { approveAndRelease, plantRequestEvent, type Story, startStory, tomRequest, URL_BASE, rejects } from './support/disclosure.ts';

// RFC 6962 §2.1 over leaf hashes, in memory: the operator's private fork.
const split = (n: number) => 2 ** Math.floor(Math.log2(n - 1));
function mth(leaves: Uint8Array[]): Uint8Array {
  if (leaves.length === 0) return emptyRoot();
  if (leaves.length === 1) return leaves[0] as Uint8Array;
  const k = split(leaves.length);
  return hashChildren(mth(leaves.slice(0, k)), mth(leaves.slice(k)));
}
function path(m: number, leaves: Uint8Array[]): Uint8Array[] {
  if (leaves.length <= 1) return [];
  const k = split(leaves.length);
  return m < k ? [...path(m, leaves.slice(0, k)), mth(leaves.slice(k))] : [...path(m - k, leaves.slice(k)), mth(leaves.slice(0, k))];
}
function subproof(m: number, leaves: Uint8Array[], whole: boolean): Uint8Array[] {
  if (m === leaves.length) return whole ? [] : [mth(leaves)];
  const k = split(leaves.length);
  return m <= k
    ? [...subproof(m, leaves.slice(0, k), whole), mth(leaves.slice(k))]
    : [...subproof(m - k, leaves.slice(k), false), mth(leaves.slice(0, k))];
}

const b64u = (b: Uint8Array) => Buffer.from(b).toString('base64url');
const json = (body: unknown) => ({ status: 200, headers: { get: () => 'application/json' }, text: async () => JSON.stringify(body) });

/**
 * `mvid witness serve`'s HTTP server on loopback, its state in files, its cosignatures
 * dated by the story's clock. It learns the log's key once the story's runtime is up.
 */
async function startWitness(clock: { current: Clock }) {
  const dir = mkdtempSync(join(tmpdir(), 'mvid-witness-'));
  const key = cosigner('witness.test', new Uint8Array(randomBytes(32)), { now: () => clock.current.now() });
  let service: ReturnType<typeof createWitness> | undefined;
  const unknownLog = { status: 404 as const, contentType: 'text/plain; charset=utf-8', body: 'unknown log\n' };
  const { url, server } = await listenWitness(
    { addCheckpoint: async (body) => (service ? service.addCheckpoint(body) : unknownLog) },
    '127.0.0.1',
    0,
    () => {},
  );
  return {
    url,
    vkey: key.verifier.vkey,
    serve(logOrigin: string, logVkey: string, parse: (v: string) => Parameters<typeof createWitness>[0]['logs'][number]['verifier']) {
      service = createWitness({ cosigner: key, logs: [{ origin: logOrigin, verifier: parse(logVkey) }], store: fileWitnessStore(dir) });
      return service;
    },
    async stop() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

for (const engine of ENGINES) {
  describe(`a forked log shown to trustees, on ${engine}`, () => {
    let story: Story;
    let witness: Awaited<ReturnType<typeof startWitness>>;
    let service: ReturnType<typeof createWitness>;
    const clock: { current: Clock } = { current: { now: () => new Date('2026-06-01T12:00:00Z') } };

    before(async () => {
      witness = await startWitness(clock);
      const { parseVerifierKey } = await import('../src/tlog/index.ts');
      // The witness must know the log key before the log's first push: start it with a placeholder, then point it at the log.
      story = await startStory(engine, {
        config: { logWitnesses: [{ url: witness.url, vkey: witness.vkey }], logWitnessThreshold: 1 },
        witnesses: { vkeys: [witness.vkey], threshold: 1 },
        beforeEnrol: (rt) => {
          clock.current = rt.clock;
          service = witness.serve(rt.disclosure.log.origin, rt.disclosure.log.verifierKey, (v) => parseVerifierKey(v));
        },
      });
    });
    after(async () => {
      await story?.stop();
      await witness?.stop();
    });

    /** The operator's fork: the first `base` real leaves, then a request the public never sees, signed with the log key. */
    async function fork(base: bigint) {
      const real = await story.rt.store.db.selectFrom('disclosure_requests').selectAll().limit(1).executeTakeFirstOrThrow();
      const secret = '0f0f0f0f-0000-4000-8000-00000000f04c';
      await story.rt.store.db
        .insertInto('disclosure_requests')
        .values({ ...real, id: secret })
        .execute();
      const view = (o: string) => JSON.parse(o);
      const entry = encodeEntry({
        type: 'disclosure_request',
        time: real.created_at,
        request: secret,
        authority: real.authority_id,
        subject: subjectCommitment(view(real.subject_json)),
        courtOrder: courtOrderCommitment(view(real.court_order_json)),
        offence: offenceCommitment(view(real.offence_json)),
        trusteeSet: real.trustee_set_id,
        expires: real.expires_at,
      });
      const leaves = (await story.rt.disclosure.log.entries(0n, base)).map((e) => hashLeaf(e));
      leaves.push(hashLeaf(entry));
      await plantRequestEvent(story, secret, { leafHash: b64u(hashLeaf(entry)), entry, time: real.created_at, index: Number(base) });
      const origin = story.rt.disclosure.log.origin;
      const signer = ed25519Signer(origin, story.rt.keys.logSigning.seed);
      const note = new TextDecoder().decode(
        signCheckpoint({ origin, size: BigInt(leaves.length), root: mth(leaves), extensions: [] }, [signer]),
      );
      const lying: FetchLike = async (url, init) => {
        const u = new URL(url);
        if (u.pathname === '/disclosure/v1/log/checkpoint') return { ...json(null), text: async () => note };
        if (u.pathname === '/disclosure/v1/log/consistency')
          return json({ proof: subproof(Number(u.searchParams.get('from')), leaves, true).map(b64u) });
        if (u.pathname === '/disclosure/v1/log/inclusion' && Number(u.searchParams.get('size')) === leaves.length)
          return json({ proof: path(Number(u.searchParams.get('index')), leaves).map(b64u) });
        return story.fetch(url, init);
      };
      return { secret, note, leaves, lying };
    }

    /**
     * Where the fork branches off: the public tree as it is now (it extends what the trustee
     * saw last, and holds Tom's logged envelopes, which the trustee checks the request against).
     */
    async function forkBase(seen: { size: number | bigint | string }): Promise<bigint> {
      const note = await (await story.fetch(`${URL_BASE}/disclosure/v1/log/checkpoint`)).text();
      const publicSize = BigInt(note.split('\n')[1] ?? '0');
      return publicSize > BigInt(seen.size) ? publicSize : BigInt(seen.size);
    }

    const state = (name: string): TrusteeClientState => {
      const t = story.trustees.get(name);
      assert.ok(t);
      return t.state;
    };

    it('the honest story runs with a witness pinned: every checkpoint a trustee uses is cosigned', async () => {
      const { requestId } = await story.authority.client.file(tomRequest(story));
      await approveAndRelease(story, requestId, ['alice', 'bob', 'carol']);
      const opened = await story.authority.client.fetchRelease(requestId, story.authority.secretKey);
      assert.ok(JSON.stringify(opened.envelopes[0]?.fields).includes(story.tom.givenName));
    });

    it('a trustee pinning only the log key accepts the fork (why production requires witnesses)', async () => {
      const seen = state('dave').lastCheckpoint;
      assert.ok(seen);
      const { secret, lying } = await fork(await forkBase(seen));
      const { witnesses: _w, ...bare } = state('dave').log;
      const unwitnessed = new TrusteeClient({ ...state('dave'), log: bare }, { fetch: lying, clock: story.clock, save: () => {} });
      const reviewed = await unwitnessed.review(secret);
      assert.equal(reviewed.request.id, secret);
      await story.rt.store.db.deleteFrom('disclosure_events').where('request_id', '=', secret).execute();
      await story.rt.store.db.deleteFrom('disclosure_requests').where('id', '=', secret).execute();
    });

    it('a trustee enrolled with --witness refuses the fork, and the witness will not cosign it', async () => {
      const seen = state('erin').lastCheckpoint;
      assert.ok(seen);
      const { secret, note, leaves, lying } = await fork(await forkBase(seen));
      const erin = new TrusteeClient(state('erin'), { fetch: lying, clock: story.clock, save: () => {} });
      await rejects(erin.review(secret), 'witness_quorum_not_met');
      // The operator asks the witness to cosign its fork: the witness has cosigned the public tree already.
      const answer = await service.addCheckpoint(
        addCheckpointRequest(BigInt(seen.size), subproof(Number(seen.size), leaves, true), new TextEncoder().encode(note)),
      );
      assert.notEqual(answer.status, 200, answer.body);
      await story.rt.store.db.deleteFrom('disclosure_events').where('request_id', '=', secret).execute();
      await story.rt.store.db.deleteFrom('disclosure_requests').where('id', '=', secret).execute();
    });

    it('in production a trustee cannot enrol without witnesses', async () => {
      const t = story.trustees.get('alice');
      assert.ok(t);
      await rejects(
        TrusteeClient.enrol({ url: URL_BASE, token: t.token, fetch: story.fetch, clock: story.clock, production: true } as Parameters<
          typeof TrusteeClient.enrol
        >[0]),
        'witness_required',
      );
    });

    it('the checkpoint a trustee uses is fetched without its token and served cacheable, like the public one', async () => {
      const seen: Array<{ path: string; auth: boolean; cache: string | null }> = [];
      const spying: FetchLike = async (url, init) => {
        const res = await story.fetch(url, init);
        const p = new URL(url).pathname;
        if (p.startsWith('/disclosure/v1/log/'))
          seen.push({ path: p, auth: init?.headers?.authorization !== undefined, cache: res.headers.get('cache-control') });
        return res;
      };
      const { requestId } = await story.authority.client.file(tomRequest(story));
      await new TrusteeClient(state('dave'), { fetch: spying, clock: story.clock, save: () => {} }).review(requestId);
      assert.ok(seen.some((s) => s.path === '/disclosure/v1/log/checkpoint'));
      assert.deepEqual(
        seen.filter((s) => s.auth),
        [],
      );
      const checkpoint = seen.find((s) => s.path === '/disclosure/v1/log/checkpoint');
      assert.match(String(checkpoint?.cache), /public/);
    });
  });
}
