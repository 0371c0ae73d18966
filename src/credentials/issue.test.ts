import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { SeededRandom, systemRandom, ValidationError } from '../core/index.ts';
import { keyPair, NOW, PUBLIC_URL } from './testkit.ts';
import { issueCredentials, ISSUANCE_GRANULARITY_SECONDS, randomBelow } from './issue.ts';
import type { IssueCredentialsInput } from './issue.ts';
import { agePredicates, issuanceClaimsSchema, predicateValidUntil, vctFor } from './types.ts';

const issuerKeys = keyPair();
const holder = keyPair();
const base: IssueCredentialsInput = {
  vct: vctFor(PUBLIC_URL, 'membership'),
  claims: { organisation: 'Guild of Builders', role: 'treasurer' },
  holderJwk: holder.publicJwk,
  issuer: { iss: PUBLIC_URL, kid: 'mvid-1', privateKey: issuerKeys.privateKey },
  copies: 5,
  lifetimeSeconds: 30 * 86_400,
  now: NOW,
  random: systemRandom,
  status: (i) => ({ uri: `${PUBLIC_URL}/status/1`, idx: [91_233, 4_017, 120_554, 77, 63_001][i] ?? 0 }),
  schema: issuanceClaimsSchema('membership'),
};

function decode(credential: string) {
  const [jwt = '', ...disclosures] = credential.slice(0, -1).split('~');
  const [h = '', p = '', signature = ''] = jwt.split('.');
  const json = (s: string) => JSON.parse(Buffer.from(s, 'base64url').toString()) as Record<string, unknown>;
  return {
    header: json(h),
    payload: json(p),
    signature,
    disclosures: disclosures.map((d) => JSON.parse(Buffer.from(d, 'base64url').toString()) as unknown[]),
  };
}

describe('issueCredentials', () => {
  test('copies of a batch share no salt, digest, signature or status index', async () => {
    const copies = (await issueCredentials(base)).map((c) => decode(c.credential));
    const all = (pick: (c: ReturnType<typeof decode>) => unknown[]) => copies.flatMap(pick);
    const salts = all((c) => c.disclosures.map((d) => d[0]));
    const digests = all((c) => c.payload._sd as string[]);
    const signatures = all((c) => [c.signature]);
    const indices = all((c) => [(c.payload.status as { status_list: { idx: number } }).status_list.idx]);
    for (const values of [salts, digests, signatures, indices]) assert.equal(new Set(values).size, values.length);
    assert.equal(salts.length, 10);
  });

  test('the payload is an SD-JWT VC with every claim hidden, holder-bound and without jti', async () => {
    const [issued] = await issueCredentials({ ...base, copies: 1 });
    const { header, payload, disclosures } = decode(issued?.credential ?? '');
    assert.deepEqual(header, { typ: 'dc+sd-jwt', kid: 'mvid-1', alg: 'ES256' });
    assert.deepEqual(Object.keys(payload).sort(), ['_sd', '_sd_alg', 'cnf', 'exp', 'iat', 'iss', 'status', 'vct']);
    assert.deepEqual(payload.cnf, { jwk: holder.publicJwk });
    assert.equal(payload._sd_alg, 'sha-256');
    assert.deepEqual(disclosures.map((d) => d[1]).sort(), ['organisation', 'role']);
  });

  test('iat is the start of the UTC day, exp follows the lifetime', async () => {
    const [issued] = await issueCredentials({ ...base, copies: 1 });
    const { payload } = decode(issued?.credential ?? '');
    assert.equal(payload.iat, Date.parse('2026-05-01T00:00:00Z') / 1000);
    assert.equal(payload.exp, (payload.iat as number) + 30 * 86_400);
    assert.equal(issued?.expiresAt.getTime(), (payload.exp as number) * 1000);
  });

  test('age credentials expire before the next predicate flips, each copy on its own whole day', async () => {
    const birthdate = '2008-05-20'; // 18 on 2026-05-20, 19 days after NOW
    const validUntil = predicateValidUntil(birthdate, NOW);
    const issued = await issueCredentials({
      ...base,
      vct: vctFor(PUBLIC_URL, 'age'),
      claims: { ...agePredicates(birthdate, NOW) },
      schema: issuanceClaimsSchema('age'),
      validUntil,
      copies: 20,
      status: undefined as never,
      random: new SeededRandom(3),
    });
    const exps = issued.map((c) => decode(c.credential).payload.exp as number);
    const iat = decode(issued[0]?.credential ?? '').payload.iat as number;
    for (const exp of exps) {
      assert.ok(exp * 1000 <= (validUntil?.getTime() ?? 0) && exp * 1000 > NOW.getTime());
      assert.equal((exp - iat) % ISSUANCE_GRANULARITY_SECONDS, 0);
    }
    assert.ok(new Set(exps).size > 3, 'the cap is not written into every copy');
  });

  test('one holder key per copy keeps cnf apart', async () => {
    const keys = [keyPair(), keyPair()].map((k) => k.publicJwk);
    const issued = await issueCredentials({ ...base, copies: 2, holderJwk: keys });
    assert.deepEqual(
      issued.map((c) => decode(c.credential).payload.cnf),
      keys.map((jwk) => ({ jwk })),
    );
  });

  test('decoys pad the digest count', async () => {
    const [issued] = await issueCredentials({ ...base, copies: 1, minDigests: 3 });
    assert.equal((decode(issued?.credential ?? '').payload._sd as string[]).length, 3);
  });

  test('bad claims are ValidationErrors, misuse is a TypeError', async () => {
    await assert.rejects(issueCredentials({ ...base, claims: { role: 'x' } }), ValidationError);
    await assert.rejects(issueCredentials({ ...base, claims: { organisation: 'x', iss: 'evil' }, schema: true }), TypeError);
    await assert.rejects(issueCredentials({ ...base, holderJwk: issuerKeys.privateKey.export({ format: 'jwk' }) }), TypeError);
    await assert.rejects(issueCredentials({ ...base, holderJwk: [holder.publicJwk] }), TypeError);
    await assert.rejects(issueCredentials({ ...base, copies: 0 }), TypeError);
    await assert.rejects(issueCredentials({ ...base, validUntil: new Date(NOW.getTime() - 1000) }), ValidationError);
  });

  test('randomBelow is in range and uses the whole range', () => {
    const random = new SeededRandom(11);
    const seen = new Set<number>();
    for (let i = 0; i < 2000; i++) {
      const x = randomBelow(7, random);
      assert.ok(Number.isInteger(x) && x >= 0 && x < 7);
      seen.add(x);
    }
    assert.equal(seen.size, 7);
  });
});
