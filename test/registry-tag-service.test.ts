/**
 * The uniqueness check without an offline oracle, on both engines: the enrolment
 * server gets its tags from a separate tag service (a real HTTP server on loopback
 * with its own key directory). A duplicate is still refused; the main data directory
 * (database + key directory) alone cannot recompute the stored tag, while the tag
 * service's key can; evaluations are rate-limited and their count is logged.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fromBase64Url, toBase64Url } from '../src/core/index.ts';
import { blindIdentifier, evaluateBlinded, finalizeTag, tagServicePublicKey, uniquenessTag } from '../src/crypto/index.ts';
import { createTagServiceApp } from '../src/http/index.ts';
import { generateHolderKey } from '../src/registry/index.ts';
import { TAG_SERVICE_FILES, TagService } from '../src/tagservice/index.ts';
import type { Engine } from '../src/store/index.ts';
import { ENGINES } from './support/engines.ts';
import { personClaims } from './support/registry.ts';
import { devKeyOf, presentation, problem, publishTrustees } from './support/registry-http.ts';
import { startTestRuntime, type TestRuntime } from './support/runtime.ts';

async function startTagService(ratePerMinute = 60) {
  const keyDir = mkdtempSync(join(tmpdir(), 'mvid-tag-service-'));
  const service = new TagService({ keyDir, ratePerMinute });
  const app = createTagServiceApp(service, { publicUrl: 'http://tag.test' });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  return {
    keyDir,
    service,
    url,
    async stop() {
      await app.close();
      service.close();
      rmSync(keyDir, { recursive: true, force: true });
    },
  };
}

/** Every file under `dir`, recursively. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

/** Every 32-byte value an operator finds in a directory: raw files, base64url/hex/base64 text, JSON string fields. */
function secretsIn(dir: string): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (const file of filesUnder(dir)) {
    const bytes = readFileSync(file);
    if (bytes.length === 32) out.push(new Uint8Array(bytes));
    for (const token of bytes.toString('utf8').match(/[A-Za-z0-9_+/=-]{40,}/g) ?? []) {
      for (const decoded of [Buffer.from(token, 'base64url'), Buffer.from(token, 'hex')])
        if (decoded.length >= 32) out.push(new Uint8Array(decoded.subarray(0, 32)));
    }
  }
  return out;
}

/** An mvid whose tags come from `tags`, its public key pinned. */
function runtimeWith(engine: Engine, tags: Awaited<ReturnType<typeof startTagService>>): Promise<TestRuntime> {
  const { publicKey } = tags.service.status();
  return startTestRuntime(engine, { tagServiceUrl: tags.url, tagServicePublicKey: publicKey, tagServiceToken: tags.service.token });
}

async function enrol(rt: TestRuntime, claims: ReturnType<typeof personClaims>) {
  const { presentation: p } = await presentation(rt, devKeyOf(rt), claims, generateHolderKey());
  return rt.app.inject({ method: 'POST', url: '/registry/v1/enrolments', payload: { presentation: p } });
}

async function logText(rt: TestRuntime): Promise<string> {
  const queued = await rt.store.db.selectFrom('log_outbox').select('entry').execute();
  const leaves = await rt.store.db.selectFrom('tlog_leaves').select('entry').execute();
  return [...leaves, ...queued].map((row) => Buffer.from(row.entry).toString()).join('\n');
}

for (const engine of ENGINES) {
  describe(`uniqueness tags from a separate tag service (${engine})`, () => {
    it('refuses a duplicate; the main data directory alone cannot compute the stored tag; the count is logged', async () => {
      const tags = await startTagService();
      const publicKey = tags.service.status().publicKey;
      const rt = await runtimeWith(engine, tags);
      try {
        await publishTrustees(rt);
        const claims = personClaims();
        assert.equal((await enrol(rt, claims)).statusCode, 201);
        problem(
          await enrol(rt, { ...claims, given_name: 'Someone', unique_id: ` ${claims.unique_id.toLowerCase()} ` }),
          409,
          'person_already_enrolled',
        );
        assert.equal(tags.service.status().evaluations, 2, 'both attempts went through the tag service');

        const stored = await rt.store.db.selectFrom('registry_tags').select('tag').execute();
        assert.equal(stored.length, 1);
        const tag = stored[0]?.tag as string;

        // The operator's view: the database and the whole data directory, key directory included.
        const dataDir = rt.config.dataDir;
        assert.equal(
          filesUnder(dataDir).some((f) => f.endsWith(TAG_SERVICE_FILES.key)),
          false,
          'no tag-service key in the main data dir',
        );
        const candidates = secretsIn(dataDir);
        assert.ok(candidates.length >= 6, `found ${candidates.length} candidate secrets`);
        for (const secret of candidates) {
          // The old construction (an HMAC keyed from the key directory) …
          assert.notEqual(toBase64Url(uniquenessTag(secret, claims.unique_id_namespace, claims.unique_id)), tag);
          // … and the new one with any key-directory secret as the OPRF key: neither yields the tag.
          let pub: string | undefined;
          try {
            pub = tagServicePublicKey(secret);
          } catch {
            pub = undefined;
          }
          if (pub === undefined) continue;
          const b = await blindIdentifier(claims.unique_id_namespace, claims.unique_id);
          const guess = await finalizeTag(b, await evaluateBlinded({ secretKey: secret, publicKey: pub }, b.blinded), pub);
          assert.notEqual(toBase64Url(guess), tag);
        }
        // With the tag service's key (its own directory) the tag is what was stored.
        const secretKey = fromBase64Url(readFileSync(join(tags.keyDir, TAG_SERVICE_FILES.key), 'utf8').trim());
        const b = await blindIdentifier(claims.unique_id_namespace, claims.unique_id);
        assert.equal(toBase64Url(await finalizeTag(b, await evaluateBlinded({ secretKey, publicKey }, b.blinded), publicKey)), tag);

        const log = await logText(rt);
        assert.match(log, new RegExp(`type tag_evaluations\\n[^]*service ${publicKey}\\ncount 1`));
      } finally {
        await rt.stop();
        await tags.stop();
      }
    });

    it('a bulk guessing run is slowed by the rate limit and refused without the client token', async () => {
      const tags = await startTagService(3);
      const rt = await runtimeWith(engine, tags);
      try {
        await publishTrustees(rt);
        const noToken = await fetch(`${tags.url}/tag/v1/evaluate`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ blinded: (await blindIdentifier('GB:nino', 'AB123456C')).blinded }),
        });
        assert.equal(noToken.status, 401);
        for (let k = 0; k < 3; k++) assert.equal((await enrol(rt, personClaims())).statusCode, 201);
        problem(await enrol(rt, personClaims()), 429, 'rate_limited');
        assert.equal(tags.service.status().evaluations, 3);
        const bad = await fetch(`${tags.url}/tag/v1/evaluate`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${tags.service.token}` },
          body: JSON.stringify({ blinded: 'not-a-point' }),
        });
        assert.ok(bad.status === 400 || bad.status === 429, String(bad.status));
      } finally {
        await rt.stop();
        await tags.stop();
      }
    });

    it('a tag service answering with another key is refused (the proof is checked against the pinned key)', async () => {
      const tags = await startTagService();
      const impostor = await startTagService();
      const rt = await startTestRuntime(engine, {
        tagServiceUrl: impostor.url,
        tagServicePublicKey: tags.service.status().publicKey,
        tagServiceToken: impostor.service.token,
      });
      try {
        await publishTrustees(rt);
        problem(await enrol(rt, personClaims()), 503, 'service_unavailable');
        assert.equal((await rt.store.db.selectFrom('registry_tags').select('tag').execute()).length, 0);
      } finally {
        await rt.stop();
        await tags.stop();
        await impostor.stop();
      }
    });
  });
}
