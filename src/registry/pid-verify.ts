/**
 * Verification of a presented PID: an SD-JWT VC from a registered proofing issuer,
 * key-bound (KB-JWT) to the person's new holder key over a nonce mvid issued.
 * @sd-jwt/core does the SD-JWT mechanics (issuer signature through our verifier,
 * disclosure digests, sd_hash, KB-JWT signature and nonce); the checks it leaves to
 * the caller — typ, algorithms, audience, freshness, registered issuer, every
 * disclosure referenced — are made here, each failure with its own code.
 */
import type { JsonWebKey } from 'node:crypto';
import { digest } from '@sd-jwt/crypto-nodejs';
import { SDJwtInstance } from '@sd-jwt/core';
import { MvidError, type ErrorCode } from '../core/index.ts';
import { checkNonce } from './nonces.ts';
import { type PidClaims, type PidProvenance, readPidClaims } from './pid-claims.ts';
import { algOf, type DecodedJws, decodeJws, publicHolderJwk, verifiedBy } from './jws.ts';
import { CLOCK_SKEW_SECONDS, DEV_ISSUER_ISS, type IssuerRecord, MAX_ASSERTION_AGE_SECONDS } from './types.ts';

/** PIDs are a few kilobytes; anything far larger is refused before parsing or hashing. */
export const MAX_PID_LENGTH = 32 * 1024;
const PRESENTATION_CHARS = /^[A-Za-z0-9_\-.~]+$/;
const SD_JWT_TYPES = new Set(['dc+sd-jwt', 'vc+sd-jwt']);
const ISSUER_ALGS = new Set(['ES256', 'EdDSA']);

export interface PidContext {
  audience: string;
  mode: 'development' | 'production';
  now: Date;
  nonceKey: Uint8Array;
  findIssuer(iss: string): Promise<IssuerRecord | undefined>;
}

export interface VerifiedPid {
  issuer: IssuerRecord;
  claims: PidClaims;
  holderJwk: JsonWebKey;
  nonce: string;
  nonceExpires: Date;
  provenance: PidProvenance;
}

function refuse(code: ErrorCode, message: string): never {
  throw new MvidError(code, message);
}

/** Splits `<issuer JWT>~<disclosure>~…~<KB-JWT>`. */
function splitPresentation(presentation: string): { jwt: DecodedJws; disclosures: string[]; kbText: string } {
  if (presentation.length > MAX_PID_LENGTH || !PRESENTATION_CHARS.test(presentation)) {
    refuse('presentation_malformed', 'the PID is not a compact SD-JWT of acceptable size');
  }
  const parts = presentation.split('~');
  if (parts.length < 2) refuse('presentation_malformed', 'the PID is not an SD-JWT (no ~ separator)');
  const kbText = parts.pop() ?? '';
  const [jwtText = '', ...disclosures] = parts;
  if (disclosures.some((d) => d === '')) refuse('presentation_malformed', 'the PID has an empty segment');
  const jwt = decodeJws(jwtText) ?? refuse('presentation_malformed', 'the issuer-signed JWT is malformed');
  return { jwt, disclosures, kbText };
}

/** The registered, enabled issuer of this PID, refusing the dev issuer outside development. */
async function issuerOf(jwt: DecodedJws, ctx: PidContext): Promise<IssuerRecord> {
  const { header, payload } = jwt;
  if (typeof header.alg !== 'string' || !ISSUER_ALGS.has(header.alg))
    refuse('alg_not_allowed', `issuer alg ${String(header.alg)} is not allowed`);
  if (typeof header.typ !== 'string' || !SD_JWT_TYPES.has(header.typ)) refuse('presentation_malformed', 'typ is not dc+sd-jwt');
  if (header.crit !== undefined) refuse('presentation_malformed', 'unsupported crit header');
  if (payload._sd_alg !== undefined && payload._sd_alg !== 'sha-256') refuse('presentation_malformed', '_sd_alg is not sha-256');
  const iss = typeof payload.iss === 'string' ? payload.iss : refuse('presentation_malformed', 'iss is missing');
  const issuer = await ctx.findIssuer(iss);
  if ((iss === DEV_ISSUER_ISS || issuer?.dev === true) && ctx.mode !== 'development') {
    refuse('dev_issuer_disabled', 'PIDs from the development issuer are refused outside development mode');
  }
  if (!issuer || issuer.disabledAt !== null) refuse('issuer_untrusted', `issuer ${iss} is not registered`);
  const vct = payload.vct;
  if (typeof vct !== 'string' || !issuer.vcts.includes(vct))
    refuse('vct_not_allowed', `credential type ${String(vct)} is not accepted from ${issuer.name}`);
  return issuer;
}

function checkValidity(payload: Record<string, unknown>, nowSeconds: number): void {
  const [iat, nbf, exp] = [payload.iat, payload.nbf, payload.exp].map((v) =>
    v === undefined || (typeof v === 'number' && Number.isFinite(v)) ? v : refuse('presentation_malformed', 'iat/nbf/exp is not numeric'),
  ) as Array<number | undefined>;
  if (exp !== undefined && nowSeconds >= exp + CLOCK_SKEW_SECONDS) refuse('credential_expired', 'the PID has expired');
  if ((nbf !== undefined && nbf > nowSeconds + CLOCK_SKEW_SECONDS) || (iat !== undefined && iat > nowSeconds + CLOCK_SKEW_SECONDS)) {
    refuse('credential_not_yet_valid', 'the PID is not valid yet');
  }
}

/** The KB-JWT checks @sd-jwt leaves to the verifier: typ, alg, audience, freshness, our nonce. */
function checkKeyBinding(kbText: string, holderJwk: JsonWebKey, ctx: PidContext, nowSeconds: number): { nonce: string; expires: Date } {
  const kb = decodeJws(kbText) ?? refuse('kb_invalid', 'the key-binding JWT is malformed');
  if (kb.header.typ !== 'kb+jwt' || kb.header.crit !== undefined) refuse('kb_invalid', 'the key-binding JWT typ is not kb+jwt');
  if (kb.header.alg !== algOf(holderJwk)) refuse('alg_not_allowed', `key-binding alg ${String(kb.header.alg)} does not fit the holder key`);
  if (kb.payload.aud !== ctx.audience) refuse('kb_audience_mismatch', 'the key-binding JWT is for another audience');
  const iat = typeof kb.payload.iat === 'number' ? kb.payload.iat : refuse('kb_invalid', 'the key-binding JWT has no iat');
  if (nowSeconds - iat > MAX_ASSERTION_AGE_SECONDS + CLOCK_SKEW_SECONDS || iat > nowSeconds + CLOCK_SKEW_SECONDS) {
    refuse('kb_stale', 'the key-binding JWT is too old or dated in the future');
  }
  const nonce = kb.payload.nonce;
  return { nonce: nonce as string, expires: checkNonce(ctx.nonceKey, nonce, ctx.now) };
}

/** Every digest the issuer signed, in the payload and (nested) inside disclosed values. */
function collectDigests(value: unknown, into: Set<string>): void {
  if (Array.isArray(value)) {
    for (const item of value) {
      if (item !== null && typeof item === 'object' && typeof (item as Record<string, unknown>)['...'] === 'string') {
        into.add((item as Record<string, string>)['...'] as string);
      }
      collectDigests(item, into);
    }
  } else if (value !== null && typeof value === 'object') {
    const sd = (value as Record<string, unknown>)._sd;
    if (Array.isArray(sd)) for (const d of sd) if (typeof d === 'string') into.add(d);
    for (const child of Object.values(value)) collectDigests(child, into);
  }
}

/** Refuses duplicated disclosures and any the issuer never signed a digest for (e.g. spliced from another PID). */
function checkDisclosuresReferenced(payload: Record<string, unknown>, disclosures: readonly string[]): void {
  const signed = new Set<string>();
  collectDigests(payload, signed);
  const seen = new Set<string>();
  for (const encoded of disclosures) {
    const hash = Buffer.from(digest(encoded, 'sha-256')).toString('base64url');
    if (seen.has(hash)) refuse('disclosure_invalid', 'a disclosure appears twice');
    seen.add(hash);
    try {
      collectDigests(JSON.parse(Buffer.from(encoded, 'base64url').toString('utf8')), signed);
    } catch {
      refuse('disclosure_invalid', 'a disclosure is not base64url JSON');
    }
  }
  for (const hash of seen) if (!signed.has(hash)) refuse('disclosure_invalid', 'a disclosure is not covered by the issuer signature');
}

function signedByIssuer(jws: DecodedJws, issuer: IssuerRecord): boolean {
  const keys = issuer.jwks.keys.filter((k) => jws.header.kid === undefined || k.kid === jws.header.kid);
  return keys.some((key) => verifiedBy(jws, key));
}

/** Runs @sd-jwt's verification with our key checks, mapping its exceptions to codes. */
async function verifySdJwt(presentation: string, issuer: IssuerRecord, holderJwk: JsonWebKey, nonce: string, nowSeconds: number) {
  const failed = { issuer: false, holder: false };
  const sdjwt = new SDJwtInstance({
    hasher: digest,
    verifier: (data, sig) => {
      const jws = decodeJws(`${data}.${sig}`);
      const ok = jws !== undefined && signedByIssuer(jws, issuer);
      failed.issuer = !ok;
      return ok;
    },
    kbVerifier: (data, sig) => {
      const jws = decodeJws(`${data}.${sig}`);
      const ok = jws !== undefined && verifiedBy(jws, holderJwk);
      failed.holder = !ok;
      return ok;
    },
  });
  try {
    await sdjwt.verify(presentation, { keyBindingNonce: nonce, currentDate: nowSeconds, skewSeconds: CLOCK_SKEW_SECONDS });
    return await sdjwt.getClaims(presentation);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (failed.issuer) refuse('signature_invalid', 'the issuer signature does not verify');
    if (failed.holder) refuse('kb_invalid', 'the key-binding JWT is not signed by the holder key in cnf');
    if (/sd_hash/i.test(message)) refuse('sd_hash_mismatch', 'the key-binding JWT does not cover this presentation');
    if (/nonce/i.test(message)) refuse('kb_nonce_mismatch', 'the key-binding JWT answers another nonce');
    throw new MvidError('disclosure_invalid', 'the PID disclosures do not verify', { cause: error });
  }
}

/**
 * Verifies a presented PID completely and returns the claims mvid uses, the holder key
 * it is bound to and the (checked, not yet consumed) nonce.
 * @throws MvidError with a presentation, nonce, issuer or claims code
 */
export async function verifyPid(presentation: string, ctx: PidContext): Promise<VerifiedPid> {
  const nowSeconds = Math.floor(ctx.now.getTime() / 1000);
  const { jwt, disclosures, kbText } = splitPresentation(presentation);
  const issuer = await issuerOf(jwt, ctx);
  // Authenticity first: nothing in the payload (cnf, times) counts before the issuer signature does.
  if (!signedByIssuer(jwt, issuer)) refuse('signature_invalid', 'the issuer signature does not verify');
  checkValidity(jwt.payload, nowSeconds);
  const cnf = jwt.payload.cnf as { jwk?: unknown } | undefined;
  if (kbText === '' || typeof cnf !== 'object' || cnf === null || cnf.jwk === undefined) {
    refuse('kb_missing', 'the PID is not key-bound to a holder key');
  }
  const holderJwk = publicHolderJwk(cnf.jwk);
  const { nonce, expires } = checkKeyBinding(kbText, holderJwk, ctx, nowSeconds);
  const claims = (await verifySdJwt(presentation, issuer, holderJwk, nonce, nowSeconds)) as Record<string, unknown>;
  checkDisclosuresReferenced(jwt.payload, disclosures);
  const pid = readPidClaims(claims, issuer.claims, ctx.now);
  if (!issuer.namespaces.includes('*') && !issuer.namespaces.includes(pid.unique_id_namespace)) {
    refuse('issuer_namespace_refused', `${issuer.name} may not attest identifiers in namespace ${pid.unique_id_namespace}`);
  }
  const time = (v: unknown) => (typeof v === 'number' ? new Date(v * 1000).toISOString() : null);
  const provenance = {
    iss: issuer.iss,
    issuerName: issuer.name,
    vct: jwt.payload.vct as string,
    issuedAt: time(jwt.payload.iat),
    expiresAt: time(jwt.payload.exp),
  };
  return { issuer, claims: pid, holderJwk, nonce, nonceExpires: expires, provenance };
}
