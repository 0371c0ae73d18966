/**
 * Key proofs (OpenID4VCI 1.0 §8.2.1.1, proof type `jwt`): a wallet shows it holds
 * the key a credential is to be bound to by signing `{ aud: <credential issuer>,
 * nonce: <c_nonce>, iat }` with it, the public key in the header. One proof per
 * copy gives each copy its own `cnf` key, which is what keeps copies unlinkable.
 */
import { createHash } from 'node:crypto';
import { decodeProtectedHeader, EmbeddedJWK, errors, jwtVerify } from 'jose';
import { MvidError } from '../core/index.ts';
import { ALLOWED_ALGS, publicJwkOf } from '../sdk/index.ts';
import type { JsonWebKey } from '../sdk/index.ts';
import { checkCNonce } from './nonces.ts';

export const KEY_PROOF_TYP = 'openid4vci-proof+jwt';
/** How old a proof may be; how far a wallet's clock may be off. */
const MAX_PROOF_AGE_SECONDS = 300;
const CLOCK_SKEW_SECONDS = 60;
const MAX_PROOF_LENGTH = 8 * 1024;
export const MAX_PROOFS = 10;

export interface VerifiedProofs {
  /** The proven public keys, one per proof, in the order given. */
  keys: JsonWebKey[];
  /** The c_nonce every proof answered, and its expiry (to consume in the issuing transaction). */
  nonce: string;
  nonceExpires: Date;
}

function invalid(message: string): MvidError {
  return new MvidError('proof_invalid', message, { extensions: { error: 'invalid_proof' } });
}

/** RFC 7638 thumbprint: the identity of a key whatever members it was written with. */
export function jwkThumbprint(jwk: JsonWebKey): string {
  const members = jwk.kty === 'EC' ? { crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y } : { crv: jwk.crv, kty: jwk.kty, x: jwk.x };
  return createHash('sha256').update(JSON.stringify(members)).digest('base64url');
}

/**
 * Verifies key proofs for one credential request: each a fresh `openid4vci-proof+jwt`
 * for `audience`, signed by the P-256 or Ed25519 public key in its header; all
 * answering the same still-valid c_nonce; no key twice (a repeated key would bind two
 * copies to one key and make them linkable without anyone noticing).
 * @throws MvidError proof_invalid | proof_nonce_invalid
 *
 * @example const { keys, nonce, nonceExpires } = await verifyKeyProofs(body.proofs.jwt, { audience, now, nonceKey });
 */
export async function verifyKeyProofs(
  proofs: unknown,
  expected: { audience: string; now: Date; nonceKey: Uint8Array },
): Promise<VerifiedProofs> {
  if (!Array.isArray(proofs) || proofs.length === 0 || proofs.length > MAX_PROOFS) {
    throw invalid(`proofs.jwt must hold 1-${MAX_PROOFS} key proofs`);
  }
  const keys: JsonWebKey[] = [];
  const seen = new Set<string>();
  let nonce: string | undefined;
  for (const proof of proofs) {
    const verified = await verifyKeyProof(proof, expected);
    if (nonce !== undefined && verified.nonce !== nonce) throw invalid('every key proof of a request must answer the same c_nonce');
    nonce = verified.nonce;
    const thumbprint = jwkThumbprint(verified.jwk);
    if (seen.has(thumbprint)) throw invalid('a key appears in more than one proof; give one key per copy');
    seen.add(thumbprint);
    keys.push(verified.jwk);
  }
  const nonceExpires = checkCNonce(expected.nonceKey, nonce, expected.now);
  return { keys, nonce: nonce as string, nonceExpires };
}

async function verifyKeyProof(proof: unknown, expected: { audience: string; now: Date }): Promise<{ jwk: JsonWebKey; nonce: string }> {
  if (typeof proof !== 'string' || proof.length > MAX_PROOF_LENGTH) throw invalid('a key proof is not a compact JWT');
  let header: Record<string, unknown>;
  try {
    header = decodeProtectedHeader(proof) as Record<string, unknown>;
  } catch {
    throw invalid('a key proof is not a compact JWT');
  }
  if (header.typ !== KEY_PROOF_TYP) throw invalid(`a key proof must have typ ${KEY_PROOF_TYP}`);
  if (header.kid !== undefined || header.x5c !== undefined || header.key_attestation !== undefined || header.crit !== undefined) {
    throw invalid('a key proof must carry its key as jwk (kid, x5c and key attestations are not supported)');
  }
  const jwk = header.jwk as JsonWebKey | undefined;
  if (typeof jwk !== 'object' || jwk === null || jwk.d !== undefined) throw invalid('a key proof must carry a public jwk');
  let payload: Record<string, unknown>;
  try {
    ({ payload } = await jwtVerify(proof, EmbeddedJWK, {
      algorithms: [...ALLOWED_ALGS],
      typ: KEY_PROOF_TYP,
      audience: expected.audience,
      currentDate: expected.now,
      clockTolerance: CLOCK_SKEW_SECONDS,
      maxTokenAge: MAX_PROOF_AGE_SECONDS,
      requiredClaims: ['iat', 'nonce'],
    }));
  } catch (error) {
    throw invalid(proofFailure(error));
  }
  if (typeof payload.iat === 'number' && payload.iat > Math.floor(expected.now.getTime() / 1000) + CLOCK_SKEW_SECONDS) {
    throw invalid('the key proof is dated in the future');
  }
  let publicJwk: JsonWebKey;
  try {
    publicJwk = publicJwkOf(jwk);
  } catch {
    throw invalid('the proof key must be P-256 or Ed25519');
  }
  return { jwk: publicJwk, nonce: String(payload.nonce) };
}

function proofFailure(error: unknown): string {
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.claim === 'aud') return 'the key proof is for another credential issuer (aud)';
    if (error.claim === 'iat') return 'the key proof is too old or lacks iat';
    if (error.claim === 'nonce') return 'the key proof has no nonce';
    return `the key proof claim ${error.claim} is invalid`;
  }
  if (error instanceof errors.JWTExpired) return 'the key proof has expired';
  if (error instanceof errors.JOSEAlgNotAllowed) return 'the key proof algorithm is not ES256 or EdDSA';
  if (error instanceof errors.JWSSignatureVerificationFailed) return 'the key proof is not signed by the key it carries';
  return 'the key proof is malformed';
}
