/**
 * Refusals, on both engines. The trustee client refuses a request missing from the
 * log, a checkpoint not signed by the pinned log key, a checkpoint inconsistent with
 * (or older than) the last one it saw, and an expired request. The server refuses
 * requests that cite no criminal offence, strangers, and authorities reading each
 * other's requests — and logs nothing for a refused request.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { toBase64Url } from '../src/core/index.ts';
import type { FetchLike, TrusteeClientState } from '../src/disclosure/index.ts';
import { TrusteeClient } from '../src/disclosure/index.ts';
import { ed25519Signer, generateNoteKey, parseSignerKey, signCheckpoint } from '../src/tlog/index.ts';
import { ENGINES } from './support/engines.ts';
import { plantRequestEvent, registerAuthority, rejects, type Story, startStory, tomRequest } from './support/disclosure.ts';

/** A fetch that rewrites the checkpoint the log serves (what a lying server would do). */
function withCheckpoint(inner: FetchLike, note: () => Promise<string>): FetchLike {
  return async (url, init) => {
    if (new URL(url).pathname !== '/disclosure/v1/log/checkpoint') return inner(url, init);
    const text = await note();
    return { status: 200, headers: { get: () => 'text/plain' }, text: async () => text };
  };
}

for (const engine of ENGINES) {
  describe(`disclosure refusals on ${engine}`, () => {
    let story: Story;
    let requestId: string;
    let origin: string;

    before(async () => {
      story = await startStory(engine);
      requestId = (await story.authority.client.file(tomRequest(story))).requestId;
      origin = story.rt.disclosure.log.origin;
    });
    after(async () => story?.stop());

    /** A throw-away client for trustee `name` over `fetch`, starting from its current state. */
    function clientOf(name: string, fetch: FetchLike, state?: TrusteeClientState): TrusteeClient {
      const t = story.trustees.get(name);
      assert.ok(t);
      return new TrusteeClient(state ?? t.state, { fetch, clock: story.clock, save: () => {} });
    }

    it('a trustee refuses a request that is not in the log', async () => {
      // The operator writes a request straight into the database, with no log entry.
      const row = await story.rt.store.db
        .selectFrom('disclosure_requests')
        .selectAll()
        .where('id', '=', requestId)
        .executeTakeFirstOrThrow();
      const secret = '0a0b0c0d-0000-4000-8000-000000000001';
      await story.rt.store.db
        .insertInto('disclosure_requests')
        .values({ ...row, id: secret })
        .execute();
      await rejects(clientOf('alice', story.fetch).review(secret), 'log_entry_missing');
      // …and pointing it at someone else's log entry does not help: the leaf is not this request.
      const real = await story.rt.store.db
        .selectFrom('disclosure_events')
        .selectAll()
        .where('request_id', '=', requestId)
        .executeTakeFirstOrThrow();
      await plantRequestEvent(story, secret, {
        leafHash: `${real.leaf_hash.slice(0, -2)}AA`,
        entry: real.entry,
        time: real.time,
        index: real.log_index,
      });
      await rejects(clientOf('alice', story.fetch).review(secret), 'log_entry_missing');
      // Nor can a shown fact differ from the logged one (here: the target).
      const tampered: FetchLike = async (url, init) => {
        const res = await story.fetch(url, init);
        if (!new URL(url).pathname.endsWith(`/trustee/requests/${requestId}`)) return res;
        const view = JSON.parse(await res.text()) as { subject: { target: string } };
        view.subject.target = 'someone_else';
        return { ...res, text: async () => JSON.stringify(view) };
      };
      await rejects(clientOf('alice', tampered).review(requestId), 'log_entry_missing');
      await story.rt.store.db.deleteFrom('disclosure_events').where('request_id', '=', secret).execute();
      await story.rt.store.db.deleteFrom('disclosure_requests').where('id', '=', secret).execute();
    });

    it('a trustee refuses a checkpoint not signed by the pinned log key', async () => {
      const real = await story.rt.disclosure.log.checkpoint();
      const { skey } = generateNoteKey(origin, {
        bytes: (n) => crypto.getRandomValues(new Uint8Array(n)),
        uuid: () => crypto.randomUUID(),
      });
      const forger = parseSignerKey(skey);
      const text = real.note.slice(0, real.note.indexOf('\n\n') + 1);
      const lines = text.split('\n');
      const forged = new TextDecoder().decode(
        signCheckpoint({ origin, size: BigInt(lines[1] as string), root: Buffer.from(lines[2] as string, 'base64'), extensions: [] }, [
          forger,
        ]),
      );
      await rejects(
        clientOf(
          'alice',
          withCheckpoint(story.fetch, async () => forged),
        ).review(requestId),
        'note_unverified',
      );
      await rejects(
        clientOf(
          'alice',
          withCheckpoint(story.fetch, async () => text),
        ).review(requestId),
        'note_malformed',
        'note_unverified',
      );
    });

    it('a trustee refuses a checkpoint inconsistent with the last one it saw (split view), even if signed by the log key', async () => {
      const alice = story.trustees.get('alice');
      assert.ok(alice);
      await alice.client.review(requestId); // alice has now seen a tree that holds the request
      assert.ok(alice.state.lastCheckpoint && alice.state.lastCheckpoint.size !== '0');
      // The operator holds the log key and signs a different tree of the very size alice saw.
      const signer = ed25519Signer(origin, story.rt.keys.logSigning.seed);
      const seen = alice.state.lastCheckpoint;
      const fork = new TextDecoder().decode(
        signCheckpoint({ origin, size: BigInt(seen.size), root: new Uint8Array(32).fill(9), extensions: [] }, [signer]),
      );
      await rejects(
        clientOf(
          'alice',
          withCheckpoint(story.fetch, async () => fork),
          alice.state,
        ).review(requestId),
        'checkpoint_inconsistent',
      );
      // A larger forked tree fails its consistency proof from what alice saw.
      const current = await story.rt.disclosure.log.checkpoint();
      const bigger = new TextDecoder().decode(
        signCheckpoint({ origin, size: current.size, root: new Uint8Array(32).fill(7), extensions: [] }, [signer]),
      );
      const older = { ...alice.state, lastCheckpoint: { size: '1', root: seen.root } };
      await rejects(
        clientOf(
          'alice',
          withCheckpoint(story.fetch, async () => bigger),
          older,
        ).review(requestId),
        'checkpoint_inconsistent',
      );
    });

    it('a trustee refuses a stale checkpoint, older than the last one it saw', async () => {
      // Grow the log past the checkpoints already signed, then let bob see the newest one.
      await story.authority.client.file(tomRequest(story));
      const bob = story.trustees.get('bob');
      assert.ok(bob);
      await bob.client.review(requestId);
      const seen = BigInt(bob.state.lastCheckpoint?.size ?? '0');
      const rows = await story.rt.store.db.selectFrom('tlog_checkpoints').select(['size', 'note']).orderBy('size').execute();
      const older = rows.find((r) => Number(r.size) > 0 && BigInt(r.size) < seen);
      assert.ok(older, `no signed checkpoint older than ${seen}`);
      await rejects(
        clientOf(
          'bob',
          withCheckpoint(story.fetch, async () => older.note),
          bob.state,
        ).review(requestId),
        'checkpoint_stale',
      );
    });

    it('a trustee refuses an expired request (and so does the server)', async () => {
      const saved = story.clock.now();
      const accepted = await story.authority.client.file(tomRequest(story, { emergency: true }));
      story.clock.set(Date.parse(accepted.expiresAt) + 1000);
      await rejects(clientOf('carol', story.fetch).review(accepted.requestId), 'request_expired');
      const res = await story.rt.app.inject({
        method: 'POST',
        url: `/disclosure/v1/trustee/requests/${accepted.requestId}/decisions`,
        headers: { authorization: `Bearer ${story.trustees.get('carol')?.token}` },
        payload: { decision: 'approve', statement: { text: 'late', salt: toBase64Url(new Uint8Array(16)) } },
      });
      assert.equal(res.statusCode, 410, res.body);
      story.clock.set(saved);
    });

    it('refuses requests that cite no criminal offence defined in law, and logs nothing for them', async () => {
      const before = await story.rt.store.db.selectFrom('disclosure_events').select('id').execute();
      const cases: Array<[Parameters<typeof tomRequest>[1], string]> = [
        [{ offence: { category: 'community_rules', statute: 'Moonbase community rule 4' } }, 'offence_not_criminal'],
        [{ offence: { category: 'fraud', statute: 'Section 4.2 of the Moonbase Terms of Service' } }, 'offence_not_criminal'],
        [{ offence: { category: 'jaywalking', statute: 'StVO § 25' } }, 'offence_not_criminal'],
        [{ offence: { category: 'fraud', statute: 'fraud' } }, 'offence_not_criminal'],
        [{ fieldGroups: ['name_birth', 'contact'] }, 'field_groups_not_covered'],
        [{ notificationDelayDays: 365 }, 'notification_delay_invalid'],
        [
          { courtOrder: { court: 'Amtsgericht Tiergarten', reference: 'x', date: '2027-01-01', fieldGroups: ['name_birth'] } },
          'court_order_invalid',
        ],
        [{ target: { worldId: story.worldId, pseudonym: 'nobody_here' } }, 'disclosure_target_unknown'],
      ];
      for (const [overrides, code] of cases) await rejects(story.authority.client.file(tomRequest(story, overrides)), code);
      const after = await story.rt.store.db.selectFrom('disclosure_events').select('id').execute();
      assert.equal(after.length, before.length);
    });

    it('refuses an unregistered or disabled authority, and one authority cannot see another’s requests', async () => {
      const stranger = await story.rt.app.inject({
        url: '/disclosure/v1/requests',
        headers: { authorization: `Bearer mvau_${'A'.repeat(43)}` },
      });
      assert.equal(stranger.statusCode, 401);
      assert.equal((stranger.json() as { code: string }).code, 'unauthenticated');
      const other = await registerAuthority(story, 'Polizia di Stato', 'IT');
      for (const path of ['', '/release']) {
        const res = await story.rt.app.inject({
          url: `/disclosure/v1/requests/${requestId}${path}`,
          headers: { authorization: `Bearer ${other.token}` },
        });
        assert.equal(res.statusCode, 404, path);
      }
      const receipt = await story.rt.app.inject({
        method: 'POST',
        url: `/disclosure/v1/requests/${requestId}/receipt`,
        headers: { authorization: `Bearer ${other.token}` },
        payload: { envelopes: [{ envelopeId: requestId, usedTrustees: [], badTrustees: [], salt: toBase64Url(new Uint8Array(16)) }] },
      });
      assert.equal(receipt.statusCode, 404);
      const list = (
        await story.rt.app.inject({ url: '/disclosure/v1/requests', headers: { authorization: `Bearer ${other.token}` } })
      ).json() as { requests: unknown[] };
      assert.deepEqual(list.requests, []);
      const disabled = await story.rt.app.inject({
        method: 'DELETE',
        url: `/admin/v1/authorities/${encodeURIComponent(other.id)}`,
        headers: { authorization: `Bearer ${story.adminToken}` },
      });
      assert.equal(disabled.statusCode, 200, disabled.body);
      const refused = await story.rt.app.inject({ url: '/disclosure/v1/requests', headers: { authorization: `Bearer ${other.token}` } });
      assert.equal(refused.statusCode, 401);
    });
  });
}
