/**
 * The operator attack, on both engines. The operator holds the whole database, the
 * key directory and the running server (its in-memory keys and services), but no
 * trustee share: after a complete disclosure has run through this very server, no
 * envelope opens, and neither the released plaintext nor the shared point S = x·C1
 * appears anywhere in the stored or logged data — the combined secret only ever
 * existed on the authority's machine.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { fromBase64Url } from '../src/core/index.ts';
import {
  combinePartials,
  decodePoint,
  type Envelope,
  encodePoint,
  openEnvelopeWithSharedPoint,
  openFromSender,
  scalarFromWideBytes,
} from '../src/crypto/index.ts';
import { type ReleaseMaterial, sharesAad } from '../src/disclosure/index.ts';
import { keyDirOf } from '../src/keys/index.ts';
import { ENGINES } from './support/engines.ts';
import { approveAndRelease, type Story, startStory, tomRequest } from './support/disclosure.ts';

/** Every table, every row, every column, as text (bytes also as hex, base64 and base64url). */
async function dumpDatabase(story: Story): Promise<string> {
  const db = story.rt.store.db;
  const names =
    story.rt.store.engine === 'sqlite'
      ? (await sql<{ name: string }>`select name from sqlite_master where type = 'table'`.execute(db)).rows.map((r) => r.name)
      : (await sql<{ name: string }>`select tablename as name from pg_tables where schemaname = current_schema()`.execute(db)).rows.map(
          (r) => r.name,
        );
  assert.ok(names.includes('disclosure_shares') && names.includes('tlog_leaves'));
  const parts: string[] = [];
  for (const name of names) {
    const rows = (await sql<Record<string, unknown>>`select * from ${sql.table(name)}`.execute(db)).rows;
    for (const row of rows) {
      for (const value of Object.values(row)) {
        if (value instanceof Uint8Array) {
          const b = Buffer.from(value);
          parts.push(b.toString('hex'), b.toString('base64'), b.toString('base64url'), b.toString('latin1'));
        } else parts.push(String(value));
      }
    }
  }
  return parts.join('\n');
}

/** Every 32-byte value the operator could try: key-directory files, in-memory keys, and database values. */
function candidates(story: Story, dump: string): Uint8Array[] {
  const out: Uint8Array[] = [];
  const visit = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) visit(path);
      else {
        const text = readFileSync(path, 'utf8');
        for (const m of text.matchAll(/[A-Za-z0-9_-]{43}/g)) out.push(fromBase64Url(m[0]));
      }
    }
  };
  visit(keyDirOf(story.rt.config.dataDir));
  const walk = (value: unknown, depth: number) => {
    if (depth > 4 || value === null || typeof value !== 'object') return;
    if (value instanceof Uint8Array) {
      if (value.length === 32) out.push(value);
      return;
    }
    for (const v of Object.values(value)) walk(v, depth + 1);
  };
  walk(story.rt.keys, 0);
  for (const m of new Set(dump.match(/[A-Za-z0-9_-]{43}/g) ?? [])) out.push(fromBase64Url(m));
  return out.filter((b) => b.length === 32);
}

for (const engine of ENGINES) {
  describe(`the operator attack on ${engine}`, () => {
    let story: Story;
    let requestId: string;
    let sharedPoint: Uint8Array;

    before(async () => {
      story = await startStory(engine);
      requestId = (await story.authority.client.file(tomRequest(story))).requestId;
      await approveAndRelease(story, requestId, ['alice', 'bob', 'carol']);
      const opened = await story.authority.client.fetchRelease(requestId, story.authority.secretKey);
      // What only the authority computes: S for the released envelope (to look for it in the server's data).
      const m = (
        await story.rt.app.inject({
          url: `/disclosure/v1/requests/${requestId}/release`,
          headers: { authorization: `Bearer ${story.authority.token}` },
        })
      ).json() as ReleaseMaterial;
      const partials = m.shares.flatMap(
        (s) =>
          (
            JSON.parse(
              Buffer.from(openFromSender(story.authority.secretKey, s.sealed, sharesAad(requestId, s.trusteeIndex))).toString(),
            ) as { partials: unknown[] }
          ).partials,
      );
      const envelope = m.envelopes[0] as Envelope;
      // The partials are x_i·C1 for the shares of the envelope's retention-epoch key.
      const key = m.escrowKeys.find((k) => k.id === envelope.escrowKeyId);
      assert.ok(key);
      sharedPoint = combinePartials(partials, {
        threshold: 3,
        verificationKeys: key.trustees,
        c1: envelope.c1,
        requestId,
        envelopeId: envelope.envelopeId,
      }).point;
      await story.authority.client.receipt(requestId, opened);
    });
    after(async () => story?.stop());

    it('the server holds no plaintext identity and no shared point, stored or logged', async () => {
      const dump = await dumpDatabase(story);
      // The scan does see what is there (a positive control): the handle, and the envelope's C1.
      assert.ok(dump.includes(story.tom.handle));
      const point = Buffer.from(sharedPoint);
      for (const form of [point.toString('hex'), point.toString('base64'), point.toString('base64url'), point.toString('latin1')]) {
        assert.ok(!dump.includes(form), 'the shared point x·C1 is stored somewhere');
      }
      for (const plain of [story.tom.familyName, 'Tiddler']) assert.ok(!dump.includes(plain), `${plain} is stored in clear`);
      // The log entries themselves (also in tlog_leaves) name no handle, pseudonym or case.
      const entries = await story.rt.disclosure.ledger.allEntries();
      const text = entries.map((e) => Buffer.from(e).toString('utf8')).join('');
      for (const s of [story.tom.handle, story.tom.pseudonym, '351 Gs 1234/26', story.tom.personId]) assert.ok(!text.includes(s), s);
    });

    it('with the database, the key directory and the server, but no share, no envelope of Tom opens', async () => {
      const dump = await dumpDatabase(story);
      const secrets = candidates(story, dump);
      assert.ok(secrets.length > 50);
      const rows = await story.rt.store.db
        .selectFrom('registry_envelopes')
        .select('envelope_json')
        .where('person_id', '=', story.tom.personId)
        .execute();
      assert.equal(rows.length, 4);
      for (const envelope of rows.map((r) => JSON.parse(r.envelope_json) as Envelope)) {
        const c1 = decodePoint(fromBase64Url(envelope.c1));
        for (const secret of secrets) {
          assert.throws(() => openEnvelopeWithSharedPoint(envelope, secret), { code: 'envelope_invalid' });
          const wide = new Uint8Array(64);
          wide.set(secret);
          const x = scalarFromWideBytes(wide);
          if (x !== 0n)
            assert.throws(() => openEnvelopeWithSharedPoint(envelope, encodePoint(c1.multiply(x))), { code: 'envelope_invalid' });
        }
      }
    });
  });
}
