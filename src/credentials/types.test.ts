import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { TypeMetadataFormatSchema } from '@sd-jwt/sd-jwt-vc';
import { ValidationError } from '../core/index.ts';
import { presentCredential, verifyPresentation } from '../sdk/index.ts';
import { AUDIENCE, kit, NONCE, NOW, PUBLIC_URL } from './testkit.ts';
import { ISO_3166_ALPHA2 } from './countries.ts';
import {
  agePredicates,
  claimNames,
  CREDENTIAL_KINDS,
  credentialSchema,
  integrityOf,
  kindOfVct,
  predicateValidUntil,
  schemaUriFor,
  serializeDocument,
  typeMetadata,
  vctFor,
} from './types.ts';

const at = (iso: string) => new Date(iso);
const over = (birthdate: string, now: string) => Object.values(agePredicates(birthdate, at(now)));

describe('age predicates', () => {
  test('flip at 12:00 UTC on the birthday: never before the age is reached in any time zone', () => {
    assert.deepEqual(over('2008-03-14', '2026-03-14T11:59:59Z'), [true, true, false, false]);
    assert.deepEqual(over('2008-03-14', '2026-03-14T12:00:00Z'), [true, true, true, false]);
    assert.deepEqual(over('2005-03-14', '2026-03-14T12:00:00Z'), [true, true, true, true]);
    assert.deepEqual(over('2020-01-01', '2026-03-14T12:00:00Z'), [false, false, false, false]);
  });

  test('29 February births count from 1 March in common years, from 29 February in leap years', () => {
    assert.deepEqual(over('2008-02-29', '2026-02-28T23:59:59Z'), [true, true, false, false]);
    assert.deepEqual(over('2008-02-29', '2026-03-01T11:59:59Z'), [true, true, false, false]);
    assert.deepEqual(over('2008-02-29', '2026-03-01T12:00:00Z'), [true, true, true, false]);
    assert.deepEqual(over('2008-02-29', '2024-02-29T12:00:00Z'), [true, true, false, false]); // 16 on the real day
    assert.deepEqual(over('2008-02-29', '2024-02-29T11:59:59Z'), [true, false, false, false]);
    assert.equal(predicateValidUntil('2008-02-29', at('2026-01-01T00:00:00Z'))?.toISOString(), '2026-03-01T12:00:00.000Z');
    assert.equal(predicateValidUntil('2008-02-29', at('2023-06-01T00:00:00Z'))?.toISOString(), '2024-02-29T12:00:00.000Z');
    assert.equal(predicateValidUntil('2008-02-29', at('2026-03-01T12:00:00Z'))?.toISOString(), '2029-03-01T12:00:00.000Z');
  });

  test('predicateValidUntil is null once nothing can change', () => {
    assert.equal(predicateValidUntil('1990-05-05', NOW), null);
  });

  test('invalid or future birthdates are ValidationErrors', () => {
    for (const bad of ['2023-02-29', '2024-13-01', '2024-1-01', '1700-01-01', 'yesterday', '2030-01-01']) {
      assert.throws(() => agePredicates(bad, NOW), ValidationError, bad);
    }
  });

  const birthdate = fc
    .date({ min: new Date('1950-01-01T00:00:00Z'), max: new Date('2025-12-31T00:00:00Z'), noInvalidDate: true })
    .map((d) => d.toISOString().slice(0, 10));
  const instant = fc.date({ min: new Date('2026-01-01T00:00:00Z'), max: new Date('2060-01-01T00:00:00Z'), noInvalidDate: true });

  test('predicates hold until predicateValidUntil and change exactly there', () => {
    fc.assert(
      fc.property(birthdate, instant, (b, now) => {
        const until = predicateValidUntil(b, now);
        const before = agePredicates(b, now);
        if (until === null) return assert.deepEqual(Object.values(before), [true, true, true, true]);
        assert.ok(until > now);
        assert.deepEqual(agePredicates(b, new Date(until.getTime() - 1)), before);
        assert.notDeepEqual(agePredicates(b, until), before);
      }),
    );
  });

  test('agrees with a naive year count on the UTC−12 calendar', () => {
    fc.assert(
      fc.property(birthdate, instant, (b, now) => {
        const local = new Date(now.getTime() - 12 * 3_600_000).toISOString().slice(0, 10);
        let age = Number(local.slice(0, 4)) - Number(b.slice(0, 4));
        if (local.slice(5) < b.slice(5)) age--; // '02-28' < '02-29': leap births wait for 1 March
        assert.deepEqual(
          Object.values(agePredicates(b, now)),
          [13, 16, 18, 21].map((t) => age >= t),
        );
      }),
    );
  });
});

describe('type documents', () => {
  test('vct and schema URLs hang off the public URL', () => {
    assert.equal(vctFor('https://mvid.example/', 'age'), 'https://mvid.example/credentials/types/age');
    assert.equal(schemaUriFor('https://mvid.example/base', 'membership'), 'https://mvid.example/base/credentials/schemas/membership');
    assert.equal(kindOfVct(PUBLIC_URL, vctFor(PUBLIC_URL, 'residence')), 'residence');
    assert.equal(kindOfVct(PUBLIC_URL, 'https://elsewhere/credentials/types/age'), undefined);
    assert.throws(() => vctFor('not a url', 'age'), TypeError);
  });

  test('type metadata is valid SD-JWT VC Type Metadata with every claim sd: always', () => {
    for (const kind of CREDENTIAL_KINDS) {
      const metadata = typeMetadata(PUBLIC_URL, kind);
      assert.ok(TypeMetadataFormatSchema.safeParse(metadata).success, kind);
      assert.equal(metadata.vct, vctFor(PUBLIC_URL, kind));
      const claims = metadata.claims as { path: string[]; sd: string }[];
      assert.deepEqual(
        claims.map((c) => c.path[0]),
        claimNames(kind),
      );
      assert.ok(claims.every((c) => c.sd === 'always'));
      assert.equal(metadata['schema_uri#integrity'], integrityOf(serializeDocument(credentialSchema(PUBLIC_URL, kind))));
      assert.deepEqual(typeMetadata(PUBLIC_URL, kind, { schema: 'embed' }).schema, credentialSchema(PUBLIC_URL, kind));
    }
  });

  test('the age type has no birthdate, personhood no identifying claim', () => {
    assert.deepEqual(claimNames('age'), ['age_over_13', 'age_over_16', 'age_over_18', 'age_over_21']);
    assert.deepEqual(claimNames('personhood'), ['verified_human']);
  });

  test('each schema accepts a real, fully disclosed credential of its type', async () => {
    const k = kit();
    const examples = {
      age: { ...agePredicates('2001-01-01', NOW) },
      personhood: { verified_human: true },
      residence: { country: 'DE' },
      occupation: { occupation: 'Nurse', issuing_body: 'Nursing Council', jurisdiction: 'NZ' },
      membership: { organisation: 'Guild of Builders', role: 'member', member_since: 2019 },
    };
    for (const kind of CREDENTIAL_KINDS) {
      const [credential = ''] = await k.issue(kind, examples[kind]);
      const presentation = await presentCredential(credential, {
        disclose: Object.keys(examples[kind]),
        holderPrivateKey: k.holder.privateKey,
        audience: AUDIENCE,
        nonce: NONCE,
        now: NOW,
      });
      const typeSchemas = { [vctFor(PUBLIC_URL, kind)]: credentialSchema(PUBLIC_URL, kind) };
      const { claims } = await verifyPresentation(presentation, k.options({ typeSchemas }));
      assert.deepEqual(claims, examples[kind]);
    }
  });

  test('the country list is the 249 assigned ISO 3166-1 alpha-2 codes', () => {
    const names = new Intl.DisplayNames(['en'], { type: 'region' });
    assert.equal(new Set(ISO_3166_ALPHA2).size, 249);
    for (const code of ISO_3166_ALPHA2) assert.notEqual(names.of(code), code, code);
  });
});
