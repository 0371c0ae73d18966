/**
 * The verifier's fast paths keep every check: ES256 signatures handed to OpenSSL as DER
 * verify exactly when the JWS form does, canonical base64url is still enforced, and what
 * the verifier remembers of an issuer JWT is tied to the keys that verified it.
 */
import assert from 'node:assert/strict';
import { createPublicKey, generateKeyPairSync, type JsonWebKey, type KeyObject, sign, verify } from 'node:crypto';
import { describe, test } from 'node:test';
import { agePredicates } from '../credentials/index.ts';
import { AUDIENCE, kit, NONCE, NOW } from '../credentials/testkit.ts';
import { decodeBase64Url } from './encoding.ts';
import { isPresentationError } from './errors.ts';
import { p1363ToDer, publicJwkOf, publicKeyFromJwk, verifyJwsSignature } from './jws.ts';
import { presentCredential } from './present.ts';
import { verifyPresentation } from './verify.ts';

describe('verifier fast paths', () => {
  test('P1363 → DER: every signature verifies as its JWS form does, a flipped bit in either never', () => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    let leadingZero = 0;
    // A leading zero byte in r or s turns up in ~1 of 128 signatures: 600 draws missed it
    // ~1% of the time, so keep drawing (up to 6,000) until one has been seen.
    for (let i = 0; i < 600 || (leadingZero === 0 && i < 6000); i++) {
      const input = `header.payload-${i}`;
      const sig = sign('sha256', Buffer.from(input), { key: privateKey, dsaEncoding: 'ieee-p1363' });
      if (sig[0] === 0 || sig[32] === 0) leadingZero++;
      assert.equal(verifyJwsSignature(input, sig, publicKey, 'ES256'), true);
      // The DER we build is the DER OpenSSL itself produces for that (r, s).
      assert.ok(verify('sha256', Buffer.from(input), publicKey, p1363ToDer(sig)));
      const bad = Buffer.from(sig);
      bad[i % 64] = (bad[i % 64] ?? 0) ^ (1 << (i % 8));
      assert.equal(verifyJwsSignature(input, bad, publicKey, 'ES256'), false);
      assert.equal(verify('sha256', Buffer.from(input), { key: publicKey, dsaEncoding: 'ieee-p1363' }, bad), false);
    }
    assert.ok(leadingZero > 0, 'the sample includes r or s with a leading zero byte');
    assert.equal(verifyJwsSignature('x', new Uint8Array(63), publicKey, 'ES256'), false);
    assert.equal(verifyJwsSignature('x', new Uint8Array(64), publicKey, 'ES256'), false);
  });

  test('a holder P-256 key imported through SPKI is the JWK import’s key, and off-curve or odd coordinates are refused alike', () => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const jwk = publicJwkOf(publicKey);
    const viaJwk = createPublicKey({ key: jwk, format: 'jwk' });
    const imported = publicKeyFromJwk({ ...jwk }, 'ES256');
    assert.ok(imported?.equals(viaJwk));
    const sig = sign('sha256', Buffer.from('h.p'), { key: privateKey, dsaEncoding: 'ieee-p1363' });
    assert.equal(verifyJwsSignature('h.p', sig, imported as KeyObject, 'ES256'), true);
    const flipped = (text: string, bit: number) => {
      const bytes = Buffer.from(text, 'base64url');
      bytes[31] = (bytes[31] ?? 0) ^ bit;
      return bytes.toString('base64url');
    };
    const jwkAccepts = (candidate: JsonWebKey) => {
      try {
        createPublicKey({ key: candidate, format: 'jwk' });
        return true;
      } catch {
        return false;
      }
    };
    const variants: JsonWebKey[] = [
      { ...jwk, y: flipped(jwk.y as string, 1) }, // off the curve
      { ...jwk, x: flipped(jwk.x as string, 4) },
      { ...jwk, x: Buffer.alloc(32, 0xff).toString('base64url') }, // ≥ p
      { ...jwk, x: Buffer.alloc(32).toString('base64url'), y: Buffer.alloc(32).toString('base64url') },
      { ...jwk, y: (jwk.y as string).slice(1) }, // 42 characters: left to the JWK import
      { ...jwk, x: `${jwk.x}A` },
      { ...jwk, d: 'AAAA' }, // a private key is never taken as public
    ];
    for (const candidate of variants) {
      const expected = candidate.d === undefined && jwkAccepts(candidate);
      assert.equal(publicKeyFromJwk(candidate, 'ES256') !== undefined, expected, JSON.stringify(candidate));
    }
    assert.equal(publicKeyFromJwk(jwk, 'EdDSA'), undefined);
  });

  test('base64url stays canonical: stray low bits and padding are refused', () => {
    const bytesOf = (text: string) => {
      const decoded = decodeBase64Url(text);
      return decoded === undefined ? undefined : new Uint8Array(decoded);
    };
    assert.deepEqual(bytesOf('AQ'), new Uint8Array([1]));
    assert.equal(decodeBase64Url('AR'), undefined);
    assert.deepEqual(bytesOf('AQI'), new Uint8Array([1, 2]));
    assert.equal(decodeBase64Url('AQJ'), undefined);
    assert.equal(decodeBase64Url('AQ=='), undefined);
    assert.equal(decodeBase64Url('A'), undefined);
    assert.equal(decodeBase64Url('A+/B'), undefined);
    for (let n = 0; n < 64; n++) {
      const bytes = new Uint8Array(Array.from({ length: n }, (_, i) => (i * 37 + n) & 0xff));
      assert.deepEqual(bytesOf(Buffer.from(bytes).toString('base64url')), bytes);
    }
  });

  test('a remembered issuer JWT is trusted only under the keys that verified it', async () => {
    const k = kit();
    const [credential = ''] = await k.issue('age', { ...agePredicates('1990-01-01', NOW) });
    const present = () =>
      presentCredential(credential, {
        disclose: ['age_over_18'],
        holderPrivateKey: k.holder.privateKey,
        audience: AUDIENCE,
        nonce: NONCE,
        now: NOW,
      });
    const first = await verifyPresentation(await present(), k.options());
    // A caller changing what it got back must not change what is remembered.
    (first.cnf.jwk as { x?: string }).x = 'tampered';
    assert.deepEqual((await verifyPresentation(await present(), k.options())).cnf.jwk, k.holder.publicJwk);
    // Same iss, other keys: the remembered verification does not carry over.
    const stranger = kit();
    await assert.rejects(
      verifyPresentation(await present(), k.options({ trustedIssuers: [{ iss: k.issuer.iss, jwks: stranger.jwks }] })),
      (e: unknown) => isPresentationError(e, 'signature_invalid'),
    );
    // And every per-call check still runs on a remembered JWT.
    await assert.rejects(verifyPresentation(await present(), k.options({ nonce: 'other' })), (e: unknown) =>
      isPresentationError(e, 'kb_nonce_mismatch'),
    );
    await assert.rejects(verifyPresentation(await present(), k.options({ trustedIssuers: [] })), (e: unknown) =>
      isPresentationError(e, 'issuer_untrusted'),
    );
    await assert.rejects(
      verifyPresentation(await present(), k.options({ now: new Date(NOW.getTime() + 400 * 86_400_000) })),
      (e: unknown) => isPresentationError(e, 'credential_expired'),
    );
  });
});
