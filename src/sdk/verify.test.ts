import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { agePredicates, credentialSchema, setStatus, vctFor } from '../credentials/index.ts';
import { encodeBase64Url, sha256Base64Url } from './encoding.ts';
import { PRESENTATION_ERROR_CODES, PresentationError } from './errors.ts';
import type { PresentationErrorCode } from './errors.ts';
import { signCompactJws } from './jws.ts';
import { bindPresentation, presentCredential } from './present.ts';
import { MemoryReplayCache } from './replay.ts';
import { AUDIENCE, decodedSegments, keyPair, kit, NONCE, NOW, PUBLIC_URL, STATUS_URI } from '../credentials/testkit.ts';
import { tryVerifyPresentation, verifyPresentation } from './verify.ts';
import type { VerifyPresentationOptions } from './verify.ts';

const k = kit();
const AGE = agePredicates('2009-06-01', NOW); // 16: over 13 and 16, not 18 or 21
const [ageCredential = '', otherAgeCredential = ''] = [...(await k.issue('age', { ...AGE })), ...(await k.issue('age', { ...AGE }))];
const bind = { holderPrivateKey: k.holder.privateKey, audience: AUDIENCE, nonce: NONCE, now: NOW };
const present = (credential: string, disclose: string[], over: Partial<typeof bind> = {}) =>
  presentCredential(credential, { ...bind, ...over, disclose });
const parts = (sdJwt: string) => sdJwt.slice(0, -1).split('~') as [string, ...string[]];

/** Every code a test has seen refused; the last test checks none is left untested. */
const seen = new Set<PresentationErrorCode>();
async function refuses(
  presentation: string | Promise<string>,
  code: PresentationErrorCode,
  options: Partial<VerifyPresentationOptions> = {},
) {
  await assert.rejects(verifyPresentation(await presentation, k.options(options)), (error: unknown) => {
    assert.ok(error instanceof PresentationError, `expected a PresentationError, got ${String(error)}`);
    assert.equal(error.code, code, error.message);
    return true;
  });
  seen.add(code);
}

describe('round trip', () => {
  test('issue → present a subset → verify returns exactly the disclosed claims', async () => {
    const presentation = await present(ageCredential, ['age_over_16']);
    const result = await verifyPresentation(presentation, k.options({ requiredClaims: ['age_over_16'] }));
    assert.equal(result.vct, vctFor(PUBLIC_URL, 'age'));
    assert.equal(result.iss, PUBLIC_URL);
    assert.deepEqual(result.claims, { age_over_16: true });
    assert.deepEqual(result.cnf.jwk, k.holder.publicJwk);
    assert.ok(result.expiresAt !== undefined && result.expiresAt > NOW);
  });

  test('undisclosed claims are absent from the presentation bytes', async () => {
    const presentation = await present(ageCredential, ['age_over_18']);
    const text = decodedSegments(presentation).join('\n') + presentation;
    for (const hidden of ['age_over_13', 'age_over_16', 'age_over_21']) assert.ok(!text.includes(hidden), `${hidden} leaked`);
    assert.ok(text.includes('age_over_18'));
    // the hidden disclosures' salts are absent too (only their digests travel)
    for (const disclosure of parts(ageCredential).slice(1)) {
      const [salt, name] = JSON.parse(Buffer.from(disclosure, 'base64url').toString()) as [string, string];
      if (name !== 'age_over_18') assert.ok(!text.includes(salt) && !presentation.includes(disclosure));
    }
  });

  test('disclosing nothing proves only type, issuer and holder', async () => {
    const result = await verifyPresentation(await present(ageCredential, []), k.options());
    assert.deepEqual(result.claims, {});
  });

  test('EdDSA issuer and the schema check pass together', async () => {
    const ed = kit('EdDSA');
    const [credential = ''] = await ed.issue('residence', { country: 'FR' });
    const presentation = await presentCredential(credential, { ...bind, holderPrivateKey: ed.holder.privateKey, disclose: ['country'] });
    const typeSchemas = { [vctFor(PUBLIC_URL, 'residence')]: credentialSchema(PUBLIC_URL, 'residence') };
    const result = await verifyPresentation(presentation, ed.options({ typeSchemas }));
    assert.deepEqual(result.claims, { country: 'FR' });
  });

  test('tryVerifyPresentation reports refusals as values', async () => {
    const r = await tryVerifyPresentation(await present(ageCredential, ['age_over_16']), k.options({ nonce: 'other' }));
    assert.deepEqual(r.ok ? 'ok' : r.code, 'kb_nonce_mismatch');
  });
});

describe('refusals, each with its own code', () => {
  test('presentation_malformed', async () => {
    await refuses('not an sd-jwt', 'presentation_malformed');
    await refuses(parts(ageCredential)[0], 'presentation_malformed');
    await refuses(`x.y.z~`, 'presentation_malformed');
    const [jwt, d1] = parts(ageCredential);
    await refuses(`${jwt}~~${d1}~`, 'presentation_malformed');
    const [h, p] = jwt.split('.') as [string, string];
    const wrongTyp = signCompactJws(
      { typ: 'JWT', kid: 'mvid-1' },
      JSON.parse(Buffer.from(p, 'base64url').toString()),
      k.issuerKeys.privateKey,
    );
    await refuses(bindPresentation(`${wrongTyp}~`, bind), 'presentation_malformed');
    assert.ok(h);
  });

  test('alg_not_allowed: none, HS256, and a KB-JWT with alg none', async () => {
    const [jwt] = parts(ageCredential);
    const [, p] = jwt.split('.') as [string, string];
    for (const alg of ['none', 'HS256', 'RS256']) {
      const header = encodeBase64Url(JSON.stringify({ typ: 'dc+sd-jwt', alg, kid: 'mvid-1' }));
      await refuses(bindPresentation(`${header}.${p}.~`, bind), 'alg_not_allowed');
    }
    const withoutKb = `${jwt}~`;
    const kbNone = `${encodeBase64Url(JSON.stringify({ typ: 'kb+jwt', alg: 'none' }))}.${encodeBase64Url(
      JSON.stringify({ iat: NOW.getTime() / 1000, aud: AUDIENCE, nonce: NONCE, sd_hash: sha256Base64Url(withoutKb) }),
    )}.`;
    await refuses(withoutKb + kbNone, 'alg_not_allowed');
  });

  test('issuer_untrusted and signature_invalid (wrong issuer key)', async () => {
    await refuses(present(ageCredential, ['age_over_16']), 'issuer_untrusted', {
      trustedIssuers: [{ iss: 'https://other.example', jwks: k.jwks }],
    });
    const [jwt, ...disclosures] = parts(ageCredential);
    const payload = JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString());
    const forged = signCompactJws({ typ: 'dc+sd-jwt', kid: 'mvid-1' }, payload, keyPair().privateKey);
    await refuses(bindPresentation(`${[forged, ...disclosures].join('~')}~`, bind), 'signature_invalid');
    const flipped = `${jwt.slice(0, -2)}${jwt.endsWith('A') ? 'B' : 'A'}${jwt.slice(-1)}`;
    await refuses(bindPresentation(`${flipped}~`, bind), 'signature_invalid');
  });

  test('disclosure_invalid: tampered, duplicated, from another credential', async () => {
    const [jwt, ...disclosures] = parts(ageCredential);
    const [salt] = JSON.parse(Buffer.from(disclosures[2] ?? '', 'base64url').toString()) as [string];
    const tampered = encodeBase64Url(JSON.stringify([salt, 'age_over_18', true])); // was false
    await refuses(bindPresentation(`${jwt}~${tampered}~`, bind), 'disclosure_invalid');
    await refuses(bindPresentation(`${jwt}~${disclosures[0]}~${disclosures[0]}~`, bind), 'disclosure_invalid');
    const foreign = parts(otherAgeCredential)[1];
    await refuses(bindPresentation(`${jwt}~${foreign}~`, bind), 'disclosure_invalid');
    await refuses(bindPresentation(`${jwt}~${encodeBase64Url('["only-salt"]')}~`, bind), 'disclosure_invalid');
  });

  test('kb_missing, kb_invalid, sd_hash_mismatch', async () => {
    const [jwt, d1, d2] = parts(ageCredential);
    await refuses(`${jwt}~${d1}~`, 'kb_missing');
    await refuses(
      present(ageCredential, ['age_over_13'], { holderPrivateKey: k.holder.privateKey }).then(
        (p) => `${p.slice(0, p.lastIndexOf('~') + 1)}abc.def.ghi`,
      ),
      'kb_invalid',
    );
    const otherHolder = keyPair();
    await refuses(bindPresentation(`${jwt}~${d1}~`, { ...bind, holderPrivateKey: otherHolder.privateKey }), 'kb_invalid');
    const bound = await bindPresentation(`${jwt}~${d1}~`, bind);
    const kbJwt = bound.slice(bound.lastIndexOf('~') + 1);
    await refuses(`${jwt}~${d1}~${d2}~${kbJwt}`, 'sd_hash_mismatch'); // a disclosure added after binding
  });

  test('kb_audience_mismatch, kb_nonce_mismatch, kb_stale', async () => {
    await refuses(present(ageCredential, ['age_over_16'], { audience: 'https://other-world.example' }), 'kb_audience_mismatch');
    await refuses(present(ageCredential, ['age_over_16'], { nonce: 'another-nonce' }), 'kb_nonce_mismatch');
    const old = new Date(NOW.getTime() - 10 * 60_000);
    await refuses(present(ageCredential, ['age_over_16'], { now: old }), 'kb_stale');
    const future = new Date(NOW.getTime() + 10 * 60_000);
    await refuses(present(ageCredential, ['age_over_16'], { now: future }), 'kb_stale');
  });

  test('presentation_replayed: the same presentation twice', async () => {
    const replayCache = new MemoryReplayCache({ now: () => NOW });
    const presentation = await present(ageCredential, ['age_over_16']);
    await verifyPresentation(presentation, k.options({ replayCache }));
    await refuses(presentation, 'presentation_replayed', { replayCache });
    // a fresh nonce is a fresh presentation
    await verifyPresentation(await present(ageCredential, ['age_over_16'], { nonce: 'n2' }), k.options({ replayCache, nonce: 'n2' }));
  });

  test('credential_expired and credential_not_yet_valid', async () => {
    const later = new Date(NOW.getTime() + 40 * 86_400_000);
    await refuses(present(ageCredential, ['age_over_16'], { now: later }), 'credential_expired', {
      now: later,
      statusLists: { get: () => k.statusToken(later) },
    });
    const [future = ''] = await k.issue('age', { ...AGE }, { now: new Date(NOW.getTime() + 3 * 86_400_000) });
    await refuses(present(future, ['age_over_16']), 'credential_not_yet_valid');
  });

  test('credential_revoked via the status list, and valid again once cleared', async () => {
    const [credential = ''] = await k.issue('personhood', { verified_human: true });
    const presentation = await present(credential, ['verified_human']);
    const idx = (
      JSON.parse(Buffer.from(credential.split('.')[1] ?? '', 'base64url').toString()) as { status: { status_list: { idx: number } } }
    ).status.status_list.idx;
    setStatus(k.list, idx, true);
    await refuses(presentation, 'credential_revoked');
    setStatus(k.list, idx, false);
    await verifyPresentation(presentation, k.options());
  });

  test('status_unavailable: no source, missing, forged or expired list', async () => {
    const presentation = await present(ageCredential, ['age_over_16']);
    await refuses(presentation, 'status_unavailable', { statusLists: undefined as never });
    await refuses(presentation, 'status_unavailable', { statusLists: { get: () => undefined } });
    await refuses(presentation, 'status_unavailable', { statusLists: { get: () => Promise.reject(new Error('offline')) } });
    const other = kit();
    await refuses(presentation, 'status_unavailable', { statusLists: { get: () => other.statusToken() } });
    const stale = k.statusToken(new Date(NOW.getTime() - 2 * 86_400_000));
    await refuses(presentation, 'status_unavailable', { statusLists: { get: () => stale } });
    // explicitly opting out is possible, and visible in the caller's code
    await verifyPresentation(presentation, k.options({ statusLists: { get: () => undefined }, skipStatusCheck: true }));
    assert.ok(STATUS_URI);
  });

  test('claims_missing, vct_not_allowed, schema_violation', async () => {
    const presentation = await present(ageCredential, ['age_over_16']);
    await refuses(presentation, 'claims_missing', { requiredClaims: ['age_over_18'] });
    await refuses(presentation, 'vct_not_allowed', { allowedVcts: [vctFor(PUBLIC_URL, 'personhood')] });
    // An issuer that skipped its own schema: the world's copy of the schema still refuses.
    const [bad = ''] = await k.issue('residence', { country: 'Narnia' }, { schema: true });
    const typeSchemas = { [vctFor(PUBLIC_URL, 'residence')]: credentialSchema(PUBLIC_URL, 'residence') };
    await refuses(present(bad, ['country']), 'schema_violation', { typeSchemas });
  });

  test('every code in PRESENTATION_ERROR_CODES was provoked above', () => {
    const untested = PRESENTATION_ERROR_CODES.filter((code) => !seen.has(code));
    assert.deepEqual(untested, [], `codes never provoked: ${untested.join(', ')}`);
  });
});

describe('misuse', () => {
  test('bad options are a TypeError, not a refusal', async () => {
    const presentation = await present(ageCredential, ['age_over_16']);
    await assert.rejects(verifyPresentation(presentation, { ...k.options(), audience: '' }), TypeError);
    await assert.rejects(verifyPresentation(presentation, { ...k.options(), trustedIssuers: 'x' as never }), TypeError);
  });

  test('presenting with a key that is not the holder key is a TypeError', async () => {
    await assert.rejects(present(ageCredential, ['age_over_16'], { holderPrivateKey: keyPair().privateKey }), TypeError);
  });

  test('presenting a claim the credential lacks is claims_missing', async () => {
    await assert.rejects(
      present(ageCredential, ['country']),
      (e: unknown) => e instanceof PresentationError && e.code === 'claims_missing',
    );
  });
});
