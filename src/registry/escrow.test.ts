/**
 * The escrow envelopes made at enrolment, opened (or not) with src/crypto's threshold
 * decryption: exactly M-of-N trustee shares open exactly the requested envelope; the
 * operator, holding the whole database and key directory, opens none.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fromBase64Url, type MvidError } from '../core/index.ts';
import {
  combinePartials,
  decodePoint,
  decryptShareFile,
  type Envelope,
  encodePoint,
  openEnvelopeWithSharedPoint,
  type PartialDecryption,
  partialDecrypt,
  scalarFromWideBytes,
  type TrusteeSet,
  type TrusteeShare,
  thresholdOpen,
  verifyPartial,
} from '../crypto/index.ts';
import { ENGINES } from '../../test/support/engines.ts';
import {
  createRegistryFixture,
  devPid,
  passphraseOf,
  personClaims,
  present,
  type RegistryFixture,
  TRUSTEES,
} from '../../test/support/registry.ts';

function subsets<T>(items: readonly T[], size: number): T[][] {
  if (size === 0) return [[]];
  if (items.length < size) return [];
  const [first, ...rest] = items as [T, ...T[]];
  return [...subsets(rest, size - 1).map((s) => [first, ...s]), ...subsets(rest, size)];
}

function decode(plaintext: Uint8Array): Record<string, unknown> {
  return JSON.parse(Buffer.from(plaintext).toString('utf8')) as Record<string, unknown>;
}

/** Every 32-byte secret an operator finds in the key directory (secrets, private JWK scalars). */
function operatorSecrets(keyDir: string): Uint8Array[] {
  const out: Uint8Array[] = [];
  const visit = (dir: string) => {
    for (const name of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, name.name);
      if (name.isDirectory()) visit(path);
      else if (name.name.endsWith('.jwk')) out.push(fromBase64Url((JSON.parse(readFileSync(path, 'utf8')) as { d: string }).d));
      else out.push(fromBase64Url(readFileSync(path, 'utf8').trim()));
    }
  };
  visit(keyDir);
  return out.filter((b) => b.length === 32);
}

for (const engine of ENGINES) {
  describe(`escrow envelopes on ${engine}`, () => {
    let f: RegistryFixture;
    let shares: Map<string, TrusteeShare>;
    let setShares: Map<string, TrusteeShare>;
    let key: TrusteeSet;
    let envelopes: Envelope[];
    let claims: ReturnType<typeof personClaims>;
    const requestId = 'court-order-2026-17';

    before(async () => {
      f = await createRegistryFixture(engine);
      claims = personClaims();
      const { credential, holder } = await devPid(f, claims);
      const { personId } = await f.registry.enrolments.enrol(await present(f, credential, holder));
      const rows = await f.store.db.selectFrom('registry_envelopes').select('envelope_json').where('person_id', '=', personId).execute();
      envelopes = rows.map((r) => JSON.parse(r.envelope_json) as Envelope);
      // The envelopes are sealed to the retention-epoch key of their expiry: its shares open them.
      const keyId = envelopes[0]?.escrowKeyId as string;
      key = (await f.registry.epochs.byId(keyId))?.key as TrusteeSet;
      shares = new Map([...f.epochShares].map(([t, list]) => [t, list.find((s) => s.trusteeSetId === keyId) as TrusteeShare]));
      setShares = new Map();
      for (const [trustee, file] of f.shareFiles) setShares.set(trustee, await decryptShareFile(file, passphraseOf(trustee)));
    });
    after(async () => {
      for (const share of setShares.values()) share.secret.fill(0);
      await f.close();
    });

    const envelope = (group: string) => envelopes.find((e) => e.fieldGroup === group) as Envelope;
    const partialsFor = (trustees: readonly string[], e: Envelope, request = requestId): PartialDecryption[] =>
      trustees.map((t) => partialDecrypt({ share: shares.get(t) as TrusteeShare, c1: e.c1, requestId: request, envelopeId: e.envelopeId }));

    it('seals one envelope per field group, bound to the person and the active trustee set', () => {
      assert.deepEqual(envelopes.map((e) => e.fieldGroup).sort(), ['contact', 'document', 'identifier', 'name_birth']);
      for (const e of envelopes) {
        assert.equal(e.trusteeSetId, f.trusteeSet?.id);
        assert.equal(e.escrowKeyId, key.id, 'one epoch key for all four: they share an expiry');
      }
    });

    it('the trustee set’s own shares open nothing: the envelopes are sealed to the epoch key', () => {
      const e = envelope('name_birth');
      const partials = ['alice', 'bob', 'carol'].map((t) =>
        partialDecrypt({ share: setShares.get(t) as TrusteeShare, c1: e.c1, requestId, envelopeId: e.envelopeId }),
      );
      // Named as the key, the set's key combines (S = x·C1 for the wrong x), and the envelope refuses to open.
      assert.throws(() => thresholdOpen(e, partials, { trusteeSet: f.trusteeSet!, requestId }), { code: 'envelope_invalid' });
      const combined = combinePartials(partials, {
        threshold: 3,
        verificationKeys: f.trusteeSet!.trustees,
        c1: e.c1,
        requestId,
        envelopeId: e.envelopeId,
        trusteeSetId: f.trusteeSet!.id,
      });
      assert.throws(() => openEnvelopeWithSharedPoint(e, combined.point), { code: 'envelope_invalid' });
    });

    it('every 3-subset of the 5 shares opens the requested envelope', () => {
      const e = envelope('name_birth');
      const all = subsets(TRUSTEES, 3);
      assert.equal(all.length, 10);
      for (const subset of all) {
        const { plaintext, usedTrustees } = thresholdOpen(e, partialsFor(subset, e), { trusteeSet: key, requestId });
        const fields = decode(plaintext);
        assert.equal(fields.given_name, claims.given_name, `subset ${subset.join(',')}`);
        assert.equal(fields.family_name, claims.family_name);
        assert.equal(usedTrustees.length, 3);
      }
      const identifier = decode(
        thresholdOpen(envelope('identifier'), partialsFor(['alice', 'carol', 'erin'], envelope('identifier')), {
          trusteeSet: key,
          requestId,
        }).plaintext,
      );
      assert.deepEqual(identifier, { v: 1, namespace: claims.unique_id_namespace, unique_id: claims.unique_id });
    });

    it('no 2-subset opens it (threshold_not_met)', () => {
      const e = envelope('name_birth');
      for (const subset of subsets(TRUSTEES, 2)) {
        assert.throws(() => thresholdOpen(e, partialsFor(subset, e), { trusteeSet: key, requestId }), {
          code: 'threshold_not_met',
        });
      }
    });

    it('partials for one envelope do not open another: a request opens exactly what it names', () => {
      const asked = envelope('name_birth');
      const other = envelope('contact');
      const partials = partialsFor(['alice', 'bob', 'carol'], asked);
      assert.throws(
        () => thresholdOpen(other, partials, { trusteeSet: key, requestId }),
        (error: MvidError) => error.code === 'share_invalid',
      );
    });

    it('a partial with a forged DLEQ proof is detected and its trustee named', () => {
      const e = envelope('name_birth');
      const [good1, good2, bad] = partialsFor(['alice', 'bob', 'dave'], e) as [PartialDecryption, PartialDecryption, PartialDecryption];
      const forgedZ = Buffer.from(bad.proof.z, 'base64url');
      forgedZ[0] = (forgedZ[0] ?? 0) ^ 1;
      const forged = { ...bad, proof: { ...bad.proof, z: forgedZ.toString('base64url') } };
      const context = {
        threshold: 3,
        verificationKeys: key.trustees,
        c1: e.c1,
        requestId,
        envelopeId: e.envelopeId,
        trusteeSetId: key.id,
      };
      assert.throws(
        () => combinePartials([good1, good2, forged], context),
        (error: MvidError) => {
          assert.equal(error.code, 'share_invalid');
          assert.deepEqual(error.extensions.badTrustees, [{ index: 4, trusteeId: 'dave', reason: 'invalid_proof' }]);
          return true;
        },
      );
      // With a fourth honest trustee the opening still succeeds, and the forger is still named.
      const [erin] = partialsFor(['erin'], e);
      const result = combinePartials([good1, good2, forged, erin], context);
      assert.deepEqual(
        result.badTrustees.map((b) => b.trusteeId),
        ['dave'],
      );
      assert.equal(decode(openEnvelopeWithSharedPoint(e, result.point)).given_name, claims.given_name);
    });

    it('a partial made for one request does not verify for another', () => {
      const e = envelope('name_birth');
      const [partial] = partialsFor(['carol'], e, 'request-A') as [PartialDecryption];
      const carol = key.trustees.find((t) => t.id === 'carol')!;
      const context = { verificationKey: carol.verificationKey, c1: e.c1, envelopeId: e.envelopeId };
      assert.equal(verifyPartial(partial, { ...context, requestId: 'request-A' }), true);
      assert.equal(verifyPartial(partial, { ...context, requestId: 'request-B' }), false);
      assert.equal(verifyPartial({ ...partial, requestId: 'request-B' }, { ...context, requestId: 'request-B' }), false);
      const forB = partialsFor(['alice', 'bob'], e, 'request-B');
      assert.throws(() => thresholdOpen(e, [...forB, partial], { trusteeSet: key, requestId: 'request-B' }), {
        code: 'share_invalid',
      });
    });

    it("the operator's view: the database and the whole key directory open no envelope", async () => {
      const secrets = operatorSecrets(f.keyDir);
      assert.ok(secrets.length >= 6, 'uniqueness, data-at-rest, pairwise, cookie, log and token keys at least');
      const rows = await f.store.db.selectFrom('registry_envelopes').select('envelope_json').execute();
      const stored = rows.map((r) => JSON.parse(r.envelope_json) as Envelope);
      for (const e of stored) {
        const c1 = decodePoint(fromBase64Url(e.c1));
        for (const secret of secrets) {
          // As the shared point itself, and as the escrow secret x (S = x·C1).
          assert.throws(() => openEnvelopeWithSharedPoint(e, secret), { code: 'envelope_invalid' });
          const wide = new Uint8Array(64);
          wide.set(secret);
          const x = scalarFromWideBytes(wide);
          if (x !== 0n) assert.throws(() => openEnvelopeWithSharedPoint(e, encodePoint(c1.multiply(x))), { code: 'envelope_invalid' });
        }
      }
      // Nor does any scalar the database itself holds: no table stores a share or the escrow secret.
      const published = JSON.stringify([
        await f.store.db.selectFrom('registry_trustee_sets').selectAll().execute(),
        await f.store.db.selectFrom('registry_escrow_epochs').selectAll().execute(),
      ]);
      for (const share of [...shares.values(), ...setShares.values()])
        assert.ok(!published.includes(Buffer.from(share.secret).toString('base64url')));
    });
  });
}
