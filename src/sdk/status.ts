import { inflateSync } from 'node:zlib';
import { decodeBase64Url, epochSeconds, isPlainObject } from './encoding.ts';
import { PresentationError } from './errors.ts';
import { candidateKeys, isAllowedAlg, parseCompactJws, verifyJwsSignature } from './jws.ts';
import type { JSONWebKeySet, ParsedJws } from './jws.ts';

/**
 * Token Status List (draft-ietf-oauth-status-list) on the verifier side: check a
 * status-list JWT and read one entry. Any doubt about the list — bad signature,
 * wrong `sub`, expired, unreadable — is `status_unavailable`, never "valid":
 * a list the verifier cannot trust says nothing about revocation.
 */

/** Where a verifier gets status-list JWTs: a cache, a fetcher, or a fixed map for tests. */
export interface StatusListSource {
  get(uri: string): Promise<string | undefined> | string | undefined;
}

export interface VerifiedStatusList {
  readonly uri: string;
  readonly iat: number;
  readonly exp: number | undefined;
  readonly ttl: number | undefined;
  readonly bits: 1 | 2 | 4 | 8;
  /** Number of entries in the list. */
  readonly size: number;
  /** The status at `idx` (0 = valid); throws `status_unavailable` when out of range. */
  statusAt(idx: number): number;
}

export interface VerifyStatusListOptions {
  /** The `uri` the credential points at; the token's `sub` must equal it. */
  uri: string;
  /** Keys of the credential's issuer: the list must come from the same issuer. */
  jwks: JSONWebKeySet;
  /** The credential's `iss`; a list naming another issuer is refused. */
  issuer?: string;
  now: Date;
  clockToleranceSeconds?: number;
}

/** Inflated lists are cached by their compressed form; a world sees the same few lists over and over. */
const inflated = new Map<string, Uint8Array>();
const MAX_CACHED_LISTS = 16;
/** 2^24 statuses at 8 bits: far above any real list, small enough to refuse a zip bomb. */
const MAX_LIST_BYTES = 16 * 1024 * 1024;

/**
 * Tokens whose signature already verified, per JWKS object, with their parsed form:
 * every presentation from one issuer points at the same few lists, and re-verifying
 * (or re-decoding) the same bytes with the same keys cannot change the answer. Time
 * claims are still checked on every call. A rotated JWKS is a new object, so it
 * starts afresh.
 */
const verifiedTokens = new WeakMap<JSONWebKeySet, Map<string, ParsedJws>>();

function rememberVerified(jwks: JSONWebKeySet, token: string, jws: ParsedJws): void {
  let known = verifiedTokens.get(jwks);
  if (known === undefined || known.size >= MAX_CACHED_LISTS) {
    known = new Map();
    verifiedTokens.set(jwks, known);
  }
  known.set(token, jws);
}

/**
 * Verifies a status-list JWT (typ `statuslist+jwt`) and returns a reader for it.
 * @throws PresentationError `status_unavailable` when the token cannot be trusted
 *
 * @example
 * const list = verifyStatusListToken(jwt, { uri, jwks, now: new Date() });
 * if (list.statusAt(idx) !== 0) refuse();
 */
export function verifyStatusListToken(token: string, options: VerifyStatusListOptions): VerifiedStatusList {
  const unavailable = (why: string): PresentationError => new PresentationError('status_unavailable', `status list ${options.uri}: ${why}`);
  const known = verifiedTokens.get(options.jwks)?.get(token);
  const jws = known ?? parseCompactJws(token);
  if (jws === undefined) throw unavailable('malformed token');
  const { header, payload } = jws;
  if (known === undefined) {
    if (header.typ !== 'statuslist+jwt') throw unavailable('typ is not statuslist+jwt');
    if (!isAllowedAlg(header.alg)) throw unavailable('algorithm not allowed');
    if (header.crit !== undefined) throw unavailable('unsupported crit header');
    const alg = header.alg;
    if (!candidateKeys(options.jwks, header.kid, alg).some((k) => verifyJwsSignature(jws.signingInput, jws.signatureBytes, k, alg))) {
      throw unavailable('signature does not verify with the issuer keys');
    }
    rememberVerified(options.jwks, token, jws);
  }
  if (payload.sub !== options.uri) throw unavailable('sub does not match the referenced uri');
  if (options.issuer !== undefined && payload.iss !== undefined && payload.iss !== options.issuer)
    throw unavailable('issued by another issuer');
  const now = epochSeconds(options.now);
  const tolerance = options.clockToleranceSeconds ?? 60;
  const { iat, exp, ttl, status_list: list } = payload;
  if (typeof iat !== 'number' || iat > now + tolerance) throw unavailable('iat missing or in the future');
  if (exp !== undefined && (typeof exp !== 'number' || exp <= now - tolerance)) throw unavailable('expired');
  if (ttl !== undefined && (typeof ttl !== 'number' || ttl < 0)) throw unavailable('invalid ttl');
  if (!isPlainObject(list) || typeof list.lst !== 'string') throw unavailable('status_list missing');
  const bits = list.bits;
  if (bits !== 1 && bits !== 2 && bits !== 4 && bits !== 8) throw unavailable('bits must be 1, 2, 4 or 8');
  const bytes = inflateList(list.lst);
  if (bytes === undefined) throw unavailable('lst is not a zlib-compressed byte array');
  const size = (bytes.length * 8) / bits;
  return {
    uri: options.uri,
    iat,
    exp,
    ttl,
    bits,
    size,
    statusAt(idx: number): number {
      if (!Number.isInteger(idx) || idx < 0 || idx >= size) throw unavailable(`index ${idx} is outside the list`);
      // Entries are packed from the least significant bit of each byte upwards (draft §4.1).
      const bit = idx * bits;
      return ((bytes[bit >> 3] ?? 0) >> (bit & 7)) & ((1 << bits) - 1);
    },
  };
}

function inflateList(lst: string): Uint8Array | undefined {
  const hit = inflated.get(lst);
  if (hit !== undefined) return hit;
  const compressed = decodeBase64Url(lst);
  if (compressed === undefined) return undefined;
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(inflateSync(compressed, { maxOutputLength: MAX_LIST_BYTES }));
  } catch {
    return undefined;
  }
  if (inflated.size >= MAX_CACHED_LISTS) inflated.delete(inflated.keys().next().value as string);
  inflated.set(lst, bytes);
  return bytes;
}

export interface StatusListCacheOptions {
  /** Fetches the status-list JWT at `uri` (e.g. with `Accept: application/statuslist+jwt`). */
  fetch: (uri: string) => Promise<string>;
  now?: () => Date;
  /** Refetch at the latest after this long, even if the token's `ttl` is longer. Default 300. */
  maxAgeSeconds?: number;
}

/**
 * A `StatusListSource` that keeps the last good token per list, refetches after
 * the token's `ttl`, and keeps serving the cached token when the fetch fails, so
 * a world can go on verifying offline until the list's own `exp`.
 *
 * @example
 * const statusLists = new StatusListCache({ fetch: async (u) => (await fetch(u)).text() });
 * await verifyPresentation(p, { ...opts, statusLists });
 */
export class StatusListCache implements StatusListSource {
  readonly #fetch: (uri: string) => Promise<string>;
  readonly #now: () => Date;
  readonly #maxAgeMs: number;
  readonly #entries = new Map<string, { token: string; iat: number; refreshAt: number }>();
  readonly #inflight = new Map<string, Promise<string | undefined>>();

  constructor(options: StatusListCacheOptions) {
    if (typeof options?.fetch !== 'function') throw new TypeError('StatusListCache needs a fetch function');
    this.#fetch = options.fetch;
    this.#now = options.now ?? (() => new Date());
    this.#maxAgeMs = (options.maxAgeSeconds ?? 300) * 1000;
  }

  /**
   * Seeds the cache, e.g. from disk at start-up before the network is up. A token
   * older (by `iat`) than the cached one is ignored: serving an old list is how a
   * revocation would be rolled back.
   */
  put(uri: string, token: string): void {
    const payload = parseCompactJws(token)?.payload;
    const iat = typeof payload?.iat === 'number' ? payload.iat : 0;
    const current = this.#entries.get(uri);
    const ttlMs = typeof payload?.ttl === 'number' ? payload.ttl * 1000 : this.#maxAgeMs;
    const refreshAt = this.#now().getTime() + Math.min(ttlMs, this.#maxAgeMs);
    if (current !== undefined && iat < current.iat) {
      current.refreshAt = refreshAt;
      return;
    }
    this.#entries.set(uri, { token, iat, refreshAt });
  }

  async get(uri: string): Promise<string | undefined> {
    const entry = this.#entries.get(uri);
    if (entry !== undefined && this.#now().getTime() < entry.refreshAt) return entry.token;
    let pending = this.#inflight.get(uri);
    if (pending === undefined) {
      pending = this.#fetch(uri).then(
        (token) => {
          this.put(uri, token);
          return this.#entries.get(uri)?.token;
        },
        () => entry?.token, // offline: the stale token is still checked against its own exp
      );
      pending.finally(() => this.#inflight.delete(uri)).catch(() => {});
      this.#inflight.set(uri, pending);
    }
    return pending;
  }
}
