/**
 * For worlds: verify an mvid ID token and read its claims, with stock jose. The token
 * is an ES256 JWT from `<issuer>/jwks`; `sub` is the person's pseudonym in this world
 * only (another world sees another `sub` for the same person), and only the claims the
 * person agreed to share are present.
 *
 * @example
 * const jwks = mvidJwks('https://id.example/oidc');
 * const who = await verifyWorldIdToken(idToken, { issuer: 'https://id.example/oidc', clientId, jwks, nonce });
 * if (who.claims.age_over_18 === true) admitToAdultArea(who.sub);
 */
import { createRemoteJWKSet, type JWTPayload, type JWTVerifyGetKey, jwtVerify } from 'jose';
import { moderationOf, type WorldModeration } from './moderation.ts';

export interface WorldIdTokenOptions {
  /** mvid's issuer, e.g. `https://id.example/oidc` (the discovery document's `issuer`). */
  issuer: string;
  /** The world's client id: the token's audience. */
  clientId: string;
  /** mvid's key set; `mvidJwks(issuer)` fetches and caches it (keys rotate, old ones stay published). */
  jwks: JWTVerifyGetKey;
  /** The nonce sent in the authorization request, when one was. */
  nonce?: string;
  /** Clock skew tolerated, seconds (default 60). */
  clockToleranceSeconds?: number;
  /** Current time (tests). */
  currentDate?: Date;
}

/** The claims mvid may release to a world (each only if registered and consented). */
export interface WorldClaims {
  age_over_13?: boolean;
  age_over_16?: boolean;
  age_over_18?: boolean;
  age_over_21?: boolean;
  handle?: string;
  trust_level?: string;
  occupation?: string;
  residence_country?: string;
}

export interface WorldIdentity {
  /** The pairwise pseudonym: stable for this person in this world, across recovery. */
  sub: string;
  claims: WorldClaims;
  /** The person's sanction state in this world (`mvid_moderation`; no sanction when absent). */
  moderation: WorldModeration;
  /** Every verified claim of the token (iss, aud, exp, auth_time, …). */
  payload: JWTPayload;
}

const WORLD_CLAIM_KEYS = [
  'age_over_13',
  'age_over_16',
  'age_over_18',
  'age_over_21',
  'handle',
  'trust_level',
  'occupation',
  'residence_country',
] as const;

/** mvid's remote key set (cached by jose; refetched when an unknown `kid` appears after a key rotation). */
export function mvidJwks(issuer: string): JWTVerifyGetKey {
  return createRemoteJWKSet(new URL(`${issuer.replace(/\/$/, '')}/jwks`));
}

/**
 * Verifies signature (ES256 only), issuer, audience, expiry and nonce; returns the identity.
 * @throws the jose error describing the first failed check (JWTClaimValidationFailed, JWSSignatureVerificationFailed, …)
 */
export async function verifyWorldIdToken(idToken: string, options: WorldIdTokenOptions): Promise<WorldIdentity> {
  const { payload } = await jwtVerify(idToken, options.jwks, {
    issuer: options.issuer,
    audience: options.clientId,
    algorithms: ['ES256'],
    requiredClaims: ['sub', 'iat', 'exp'],
    clockTolerance: options.clockToleranceSeconds ?? 60,
    ...(options.currentDate ? { currentDate: options.currentDate } : {}),
  });
  if (options.nonce !== undefined && payload.nonce !== options.nonce) throw new Error('ID token nonce mismatch');
  // An ID token with several audiences must name this world as its authorised party.
  if (Array.isArray(payload.aud) && payload.aud.length > 1 && payload.azp !== options.clientId) throw new Error('ID token azp mismatch');
  const claims: WorldClaims = {};
  for (const key of WORLD_CLAIM_KEYS) if (payload[key] !== undefined) (claims as Record<string, unknown>)[key] = payload[key];
  return { sub: String(payload.sub), claims, moderation: moderationOf(payload), payload };
}

/** As `verifyWorldIdToken`, but `undefined` instead of an exception for a token that does not verify. */
export async function tryVerifyWorldIdToken(idToken: string, options: WorldIdTokenOptions): Promise<WorldIdentity | undefined> {
  try {
    return await verifyWorldIdToken(idToken, options);
  } catch {
    return undefined;
  }
}
