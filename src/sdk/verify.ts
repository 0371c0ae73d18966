import { LruCache } from '../core/index.ts';
import { parseDisclosure, unpackPayload } from './disclosures.ts';
import { epochSeconds, isPlainObject, sha256Base64Url } from './encoding.ts';
import { isPresentationError, PresentationError } from './errors.ts';
import type { PresentationErrorCode } from './errors.ts';
import { candidateKeys, isAllowedAlg, parseCompactJws, publicKeyFromJwk, verifyJwsSignature } from './jws.ts';
import type { JSONWebKeySet, JsonWebKey, ParsedJws } from './jws.ts';
import type { ReplayCache } from './replay.ts';
import { validateJsonSchema } from './schema.ts';
import type { JsonSchema } from './schema.ts';
import { verifyStatusListToken } from './status.ts';
import type { StatusListSource } from './status.ts';

/** An issuer a world accepts, with keys it already holds (so verification needs no network). */
export interface TrustedIssuer {
  iss: string;
  /**
   * Its keys. Keep one object while they hold and replace it (never edit it in place) to
   * rotate or drop a key: what was verified is remembered per JWKS object.
   */
  jwks: JSONWebKeySet;
}

export interface VerifyPresentationOptions {
  /** This verifier's identifier; the KB-JWT's `aud` must equal it. */
  audience: string;
  /** The fresh nonce this verifier issued for this presentation. */
  nonce: string;
  trustedIssuers: readonly TrustedIssuer[];
  /** Claims that must be disclosed, e.g. `['age_over_18']`. */
  requiredClaims?: readonly string[];
  /** Credential types accepted; any type when omitted. */
  allowedVcts?: readonly string[];
  now?: Date;
  /** How old a KB-JWT may be. Default 300 s. */
  maxKbAgeSeconds?: number;
  /** Allowed clock difference with issuer and holder. Default 60 s. */
  clockToleranceSeconds?: number;
  /** Where status-list JWTs come from; required when the credential has a status reference. */
  statusLists?: StatusListSource;
  /** Accept credentials without checking their status. Off by default: revocation is the point of the list. */
  skipStatusCheck?: boolean;
  /** Refuses a presentation accepted before (same audience, nonce and `sd_hash`). */
  replayCache?: ReplayCache;
  /** JSON Schemas by `vct`; the processed claims of a credential of that type must satisfy it. */
  typeSchemas?: Readonly<Record<string, JsonSchema>>;
}

export interface VerifiedPresentation {
  vct: string;
  iss: string;
  /** The disclosed claims (and any the issuer did not make selectively disclosable); no JWT/VC registered claims. */
  claims: Record<string, unknown>;
  /** The holder key the presentation was bound to. */
  cnf: { jwk: JsonWebKey };
  issuedAt: Date | undefined;
  expiresAt: Date | undefined;
}

/**
 * Issuer-signed JWTs whose signature verified, with their parse, by exact bytes and the
 * JWKS object that verified them. By mvid's design a person shows the same copy to the
 * same world on every visit, so a world meets the same issuer JWT again and again; the
 * same bytes under the same keys cannot verify differently, so the signature check and
 * the decoding are done once. Everything else — trust in the issuer for this call,
 * disclosures, validity times, key binding, status — is checked on every call. The
 * holder key imported from the remembered `cnf` stays cached with it (see jws.ts).
 * Bounded; least recently seen out first.
 */
const verifiedJwts = new LruCache<string, { jwt: ParsedJws; jwks: JSONWebKeySet }>(1024);

function rememberVerified(jwtText: string, jwt: ParsedJws, jwks: JSONWebKeySet): void {
  verifiedJwts.set(jwtText, { jwt, jwks });
}

const TYPES = new Set(['dc+sd-jwt', 'vc+sd-jwt']); // vc+sd-jwt: the pre-2025 media type, still in wallets
const REGISTERED = new Set(['iss', 'vct', 'vct#integrity', 'cnf', 'status', 'iat', 'nbf', 'exp']);
/** Presentations are a few kilobytes; anything far larger is refused before any parsing or hashing. */
const MAX_PRESENTATION_LENGTH = 64 * 1024;
const PRESENTATION_CHARS = /^[A-Za-z0-9_\-.~]+$/;

/**
 * Verifies an SD-JWT VC presentation (RFC 9901 with key binding; SD-JWT VC)
 * entirely offline: issuer signature against configured keys, every disclosure
 * against the issuer-signed digests, the KB-JWT against the holder key, its
 * audience, nonce, freshness and `sd_hash`, validity times, status list, required
 * claims, schema, and replay. Checks run in that order; the first failure throws.
 *
 * @returns the credential type, issuer, disclosed claims and holder key
 * @throws PresentationError with a stable `code` (see `PRESENTATION_ERROR_CODES`)
 * @throws TypeError when the options are malformed
 *
 * @example
 * const { claims } = await verifyPresentation(presentation, {
 *   audience: 'https://world.example', nonce,
 *   trustedIssuers: [{ iss: 'https://mvid.example', jwks }],
 *   requiredClaims: ['age_over_18'], statusLists, replayCache,
 * });
 * if (claims.age_over_18 === true) letIn();
 */
export async function verifyPresentation(presentation: string, options: VerifyPresentationOptions): Promise<VerifiedPresentation> {
  checkOptions(options);
  const now = options.now ?? new Date();
  const nowSeconds = epochSeconds(now);
  const tolerance = options.clockToleranceSeconds ?? 60;
  const fail = (code: PresentationErrorCode, message: string): never => {
    throw new PresentationError(code, message);
  };

  // 1. Shape: <issuer JWT>~<disclosure>~...~<KB-JWT>
  if (typeof presentation !== 'string' || presentation.length > MAX_PRESENTATION_LENGTH || !PRESENTATION_CHARS.test(presentation)) {
    fail('presentation_malformed', 'not a compact SD-JWT of acceptable size');
  }
  const parts = presentation.split('~');
  if (parts.length < 2) fail('presentation_malformed', 'no ~ separator: not an SD-JWT');
  const kbText = parts.pop() ?? '';
  const [jwtText = '', ...encodedDisclosures] = parts;
  if (encodedDisclosures.some((d) => d === '')) fail('presentation_malformed', 'empty SD-JWT segment');
  const known = verifiedJwts.get(jwtText);
  const jwt = known?.jwt ?? parseCompactJws(jwtText) ?? fail('presentation_malformed', 'issuer JWT is malformed');
  const { header, payload } = jwt;

  // 2. Issuer-signed JWT (header checks depend on the bytes alone: a remembered JWT passed them)
  if (known === undefined) {
    if (!isAllowedAlg(header.alg)) fail('alg_not_allowed', `issuer JWT alg ${String(header.alg)} is not allowed`);
    if (typeof header.typ !== 'string' || !TYPES.has(header.typ)) fail('presentation_malformed', 'typ is not dc+sd-jwt');
    if (header.crit !== undefined) fail('presentation_malformed', 'unsupported crit header');
  }
  const iss = typeof payload.iss === 'string' ? payload.iss : fail('presentation_malformed', 'iss missing');
  const issuer =
    options.trustedIssuers.find((t) => t.iss === iss) ?? fail('issuer_untrusted', `issuer ${iss.slice(0, 200)} is not trusted`);
  if (known?.jwks !== issuer.jwks) {
    if (!verifiedBy(jwt, issuer.jwks)) fail('signature_invalid', 'issuer signature does not verify');
  }
  rememberVerified(jwtText, jwt, issuer.jwks);
  if (payload._sd_alg !== undefined && payload._sd_alg !== 'sha-256') fail('presentation_malformed', '_sd_alg is not sha-256');

  // 3. Disclosures: each must be one the issuer signed a digest for
  const processed = unpackPayload(payload, encodedDisclosures.map(parseDisclosure));

  // 4. Type and validity period
  const vct = typeof payload.vct === 'string' ? payload.vct : fail('presentation_malformed', 'vct missing');
  if (options.allowedVcts !== undefined && !options.allowedVcts.includes(vct))
    fail('vct_not_allowed', `vct ${vct.slice(0, 200)} is not accepted`);
  const [iat, nbf, exp] = [payload.iat, payload.nbf, payload.exp].map((v) =>
    v === undefined || (typeof v === 'number' && Number.isFinite(v)) ? v : fail('presentation_malformed', 'iat/nbf/exp not numeric'),
  ) as [number | undefined, number | undefined, number | undefined];
  if (exp !== undefined && nowSeconds >= exp + tolerance) fail('credential_expired', 'credential has expired');
  if ((nbf !== undefined && nbf > nowSeconds + tolerance) || (iat !== undefined && iat > nowSeconds + tolerance)) {
    fail('credential_not_yet_valid', 'credential is not valid yet');
  }

  // 5. Key binding: the holder of cnf.jwk signed this exact presentation, for us, just now
  const cnf = isPlainObject(payload.cnf) && isPlainObject(payload.cnf.jwk) ? (payload.cnf.jwk as JsonWebKey) : undefined;
  if (kbText === '' || cnf === undefined) fail('kb_missing', 'presentation has no key binding');
  const kb = parseCompactJws(kbText) ?? fail('kb_invalid', 'KB-JWT is malformed');
  const kbAlg = kb.header.alg;
  if (!isAllowedAlg(kbAlg)) return fail('alg_not_allowed', `KB-JWT alg ${String(kbAlg)} is not allowed`);
  if (kb.header.typ !== 'kb+jwt' || kb.header.crit !== undefined) fail('kb_invalid', 'KB-JWT typ is not kb+jwt');
  const holderKey = publicKeyFromJwk(cnf, kbAlg) ?? fail('kb_invalid', 'cnf.jwk is not a usable key for the KB-JWT alg');
  if (!verifyJwsSignature(kb.signingInput, kb.signatureBytes, holderKey, kbAlg))
    fail('kb_invalid', 'KB-JWT is not signed by the holder key');
  const sdHash = sha256Base64Url(presentation.slice(0, presentation.length - kbText.length));
  if (kb.payload.sd_hash !== sdHash) fail('sd_hash_mismatch', 'KB-JWT sd_hash does not cover this presentation');
  if (kb.payload.aud !== options.audience) fail('kb_audience_mismatch', 'KB-JWT is for another audience');
  if (kb.payload.nonce !== options.nonce) fail('kb_nonce_mismatch', 'KB-JWT answers another nonce');
  const kbIat = typeof kb.payload.iat === 'number' ? kb.payload.iat : fail('kb_invalid', 'KB-JWT iat missing');
  const maxKbAge = options.maxKbAgeSeconds ?? 300;
  if (nowSeconds - kbIat > maxKbAge + tolerance || kbIat > nowSeconds + tolerance) fail('kb_stale', 'KB-JWT is too old or future-dated');

  // 6. What the verifier asked for
  const claims: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(processed)) {
    if (!REGISTERED.has(name)) Object.defineProperty(claims, name, { value, enumerable: true, writable: true, configurable: true });
  }
  const missing = (options.requiredClaims ?? []).filter((name) => !Object.hasOwn(claims, name));
  if (missing.length > 0) fail('claims_missing', `required claims not disclosed: ${missing.join(', ')}`);
  const schema = options.typeSchemas?.[vct];
  if (schema !== undefined) {
    const violations = validateJsonSchema(schema, processed);
    if (violations.length > 0) fail('schema_violation', `claims violate the ${vct} schema: ${violations.slice(0, 5).join('; ')}`);
  }

  // 7. Status (may touch the network through the source) and replay, last
  await checkStatus(payload.status, iss, issuer.jwks, now, tolerance, options);
  if (options.replayCache !== undefined) {
    const key = sha256Base64Url(JSON.stringify([options.audience, options.nonce, sdHash]));
    const fresh = await options.replayCache.remember(key, new Date((kbIat + maxKbAge + tolerance) * 1000));
    if (!fresh) fail('presentation_replayed', 'this presentation was already accepted');
  }

  return {
    vct,
    iss,
    claims,
    // A copy: the parsed payload may be remembered, and must not be changed by a caller.
    cnf: { jwk: { ...(cnf as JsonWebKey) } },
    issuedAt: iat === undefined ? undefined : new Date(iat * 1000),
    expiresAt: exp === undefined ? undefined : new Date(exp * 1000),
  };
}

export type PresentationResult = { ok: true; value: VerifiedPresentation } | { ok: false; code: PresentationErrorCode; message: string };

/**
 * `verifyPresentation` that reports refusal as a value instead of throwing, for
 * callers that prefer a result type (and for hot paths where an exception per
 * failed login is noise). Misuse still throws `TypeError`.
 *
 * @example
 * const r = await tryVerifyPresentation(p, opts);
 * if (!r.ok) return reply(401, r.code);
 */
export async function tryVerifyPresentation(presentation: string, options: VerifyPresentationOptions): Promise<PresentationResult> {
  try {
    return { ok: true, value: await verifyPresentation(presentation, options) };
  } catch (error) {
    if (isPresentationError(error)) return { ok: false, code: error.code, message: error.message };
    throw error;
  }
}

function verifiedBy(jws: ParsedJws, jwks: JSONWebKeySet): boolean {
  const alg = jws.header.alg;
  if (!isAllowedAlg(alg)) return false;
  return candidateKeys(jwks, jws.header.kid, alg).some((key) => verifyJwsSignature(jws.signingInput, jws.signatureBytes, key, alg));
}

async function checkStatus(
  status: unknown,
  iss: string,
  jwks: JSONWebKeySet,
  now: Date,
  tolerance: number,
  options: VerifyPresentationOptions,
): Promise<void> {
  if (status === undefined || options.skipStatusCheck === true) return;
  const ref = isPlainObject(status) && isPlainObject(status.status_list) ? status.status_list : undefined;
  if (ref === undefined || typeof ref.uri !== 'string' || !Number.isInteger(ref.idx) || (ref.idx as number) < 0) {
    throw new PresentationError('presentation_malformed', 'status claim is malformed');
  }
  const uri = ref.uri;
  if (options.statusLists === undefined) throw new PresentationError('status_unavailable', 'no status list source configured');
  let token: string | undefined;
  try {
    token = await options.statusLists.get(uri);
  } catch (error) {
    throw new PresentationError('status_unavailable', `status list ${uri} could not be obtained`, error);
  }
  if (typeof token !== 'string') throw new PresentationError('status_unavailable', `status list ${uri} is not available`);
  const list = verifyStatusListToken(token, { uri, jwks, issuer: iss, now, clockToleranceSeconds: tolerance });
  if (list.statusAt(ref.idx as number) !== 0) throw new PresentationError('credential_revoked', 'credential has been revoked or suspended');
}

function checkOptions(options: VerifyPresentationOptions): void {
  if (typeof options !== 'object' || options === null) throw new TypeError('verifyPresentation needs options');
  if (typeof options.audience !== 'string' || options.audience === '') throw new TypeError('options.audience must be a non-empty string');
  if (typeof options.nonce !== 'string' || options.nonce === '') throw new TypeError('options.nonce must be a non-empty string');
  if (!Array.isArray(options.trustedIssuers)) throw new TypeError('options.trustedIssuers must be an array');
  for (const name of ['maxKbAgeSeconds', 'clockToleranceSeconds'] as const) {
    const value = options[name];
    if (value !== undefined && !(Number.isFinite(value) && value >= 0))
      throw new TypeError(`options.${name} must be a non-negative number`);
  }
  if (options.now !== undefined && !(options.now instanceof Date && Number.isFinite(options.now.getTime()))) {
    throw new TypeError('options.now must be a valid Date');
  }
  for (const t of options.trustedIssuers) {
    if (typeof t?.iss !== 'string' || !Array.isArray(t.jwks?.keys)) throw new TypeError('each trusted issuer needs iss and jwks.keys');
  }
}
