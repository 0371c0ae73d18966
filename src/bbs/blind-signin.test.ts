/**
 * The blind sign-in wire format (issue 20): issue, check in the wallet, present to a world,
 * verify offline — and each thing a lying server, a curious world or a cheating wallet tries.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MvidError, toBase64Url } from '../core/index.ts';
import { generateBbsKeyPair } from './bbs.ts';
import {
  type BlindAttribute,
  type BlindCredential,
  blindEpoch,
  blindPseudonym,
  checkBlindCredential,
  issueBlindCredential,
  presentBlind,
  verifyBlindPresentation,
} from './blind-signin.ts';

const ISSUER = 'https://id.example';
const key = generateBbsKeyPair();
const pinned = toBase64Url(key.publicKey);
const now = new Date('2026-12-09T10:00:00Z');
const attributes: Record<BlindAttribute, string> = {
  age_over_13: 'true',
  age_over_16: 'true',
  age_over_18: 'true',
  age_over_21: 'false',
  residence_country: 'DE',
};
const NYM = 424242424242n;
const credential = issueBlindCredential(key, ISSUER, blindEpoch(now).expires, attributes, NYM);
const options = { publicKey: pinned, issuer: ISSUER, worldId: 'w-1', nonce: 'n-1', now };
const refused = (fn: () => unknown, reason: RegExp) =>
  assert.throws(fn, (e: unknown) => e instanceof MvidError && e.code === 'blind_presentation_invalid' && reason.test(e.message));

describe('blind sign-in', () => {
  it('epochs are UTC weeks from Monday to Sunday', () => {
    assert.equal(blindEpoch(new Date('2026-12-07T00:00:00Z')).expires, '2026-12-13');
    assert.equal(blindEpoch(new Date('2026-12-13T23:59:59Z')).expires, '2026-12-13');
    assert.equal(blindEpoch(new Date('2026-12-14T00:00:00Z')).expires, '2026-12-20');
    assert.equal(blindEpoch(now, 1).expires, '2026-12-20');
  });

  it('the wallet accepts what the issuer signed, and nothing a lying server changed', () => {
    assert.ok(checkBlindCredential(credential, pinned, ISSUER));
    const lies: Array<Partial<BlindCredential>> = [
      { nymSecret: toBase64Url(new Uint8Array(32).fill(1)) },
      { attributes: { ...attributes, age_over_18: 'false' } },
      { header: credential.header.replace('2026-12-13', '2027-12-13') },
      { publicKey: toBase64Url(generateBbsKeyPair().publicKey) },
    ];
    for (const lie of lies) assert.equal(checkBlindCredential({ ...credential, ...lie }, pinned, ISSUER), false, JSON.stringify(lie));
    assert.equal(checkBlindCredential(credential, pinned, 'https://other.example'), false);
  });

  it('a world verifies offline and sees its own pseudonym and only what it asked for', () => {
    const p = presentBlind(credential, 'w-1', 'n-1', ['age_over_18']);
    assert.deepEqual(p.disclosed, { age_over_18: 'true' });
    const out = verifyBlindPresentation(p, { ...options, require: ['age_over_18'] });
    assert.equal(out.pseudonym, blindPseudonym('w-1', NYM), 'the pseudonym mvid can index and trustees can check');
    assert.equal(presentBlind(credential, 'w-1', 'n-2', []).pseudonym, out.pseudonym, 'stable in one world');
    assert.notEqual(presentBlind(credential, 'w-2', 'n-1', []).pseudonym, out.pseudonym, 'unlinkable across worlds');
    assert.ok(!JSON.stringify(p).includes(credential.signature) && !JSON.stringify(p).includes(credential.nymSecret));
  });

  it('refuses replays, other worlds, lies, missing attributes, other issuers and ended epochs', () => {
    const p = presentBlind(credential, 'w-1', 'n-1', ['age_over_18']);
    refused(() => verifyBlindPresentation(p, { ...options, nonce: 'n-2' }), /does not verify/);
    refused(() => verifyBlindPresentation(p, { ...options, worldId: 'w-2' }), /does not verify/);
    refused(() => verifyBlindPresentation({ ...p, disclosed: { age_over_18: 'false' } }, options), /does not verify/);
    refused(() => verifyBlindPresentation({ ...p, pseudonym: blindPseudonym('w-1', 7n) }, options), /does not verify/);
    refused(() => verifyBlindPresentation(p, { ...options, require: ['residence_country'] }), /required/);
    refused(() => verifyBlindPresentation(p, { ...options, issuer: 'https://other.example' }), /issuer/);
    refused(() => verifyBlindPresentation(p, { ...options, now: new Date('2026-12-14T00:00:01Z') }), /expired/);
    refused(() => verifyBlindPresentation(p, { ...options, publicKey: toBase64Url(generateBbsKeyPair().publicKey) }), /does not verify/);
    refused(() => verifyBlindPresentation({ ...p, disclosed: { nym: 'x' } }, options), /unknown/);
    refused(() => verifyBlindPresentation({ ...p, proof: '!!' }, options), /base64url|does not verify/);
    refused(() => verifyBlindPresentation(null, options), /not an/);
  });
});
