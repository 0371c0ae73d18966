import { createHeaderAndPayload, StatusList } from '@sd-jwt/jwt-status-list';
import type { StatusListJWTHeaderParameters } from '@sd-jwt/jwt-status-list';
import { MvidError } from '../core/index.ts';
import type { Random } from '../core/index.ts';
import { signCompactJws, verifyStatusListToken } from '../sdk/index.ts';
import type { JSONWebKeySet, VerifiedStatusList } from '../sdk/index.ts';
import { randomBelow } from './issue.ts';
import type { IssuerKey } from './issue.ts';

/**
 * Revocation through Token Status Lists (draft-ietf-oauth-status-list), one bit
 * per credential: 0 valid, 1 revoked. Two choices protect holders:
 * - lists are large (2^17 entries at least), so one list hides each holder among
 *   many and a world fetching it learns nothing about who is being checked;
 * - indices are drawn at random, never in sequence, so neither neighbouring
 *   indices nor the position of a set bit say when or with whom a credential
 *   was issued.
 */

export { StatusList };

export const STATUS_LIST_MIN_SIZE = 2 ** 17;

/**
 * An empty 1-bit list (all valid).
 * @example const list = createStatusList(); setStatus(list, idx, true);
 */
export function createStatusList(size: number = STATUS_LIST_MIN_SIZE): StatusList {
  if (!Number.isInteger(size) || size < STATUS_LIST_MIN_SIZE || size % 8 !== 0) {
    throw new TypeError(`a status list has a multiple of 8 entries, at least ${STATUS_LIST_MIN_SIZE}`);
  }
  return new StatusList(new Array<number>(size).fill(0), 1);
}

/**
 * Picks an unused index uniformly at random. Random probes first; if the list is
 * crowded enough that they keep hitting used entries, a scan from a random
 * start finishes the job — at that point the caller should open a new list.
 * @throws MvidError `conflict` when every index is used
 *
 * @example const idx = allocateStatusIndex(usedIndices, systemRandom);
 */
export function allocateStatusIndex(used: ReadonlySet<number>, random: Random, size: number = STATUS_LIST_MIN_SIZE): number {
  if (used.size >= size) throw new MvidError('conflict', 'the status list is full; open a new one');
  for (let attempt = 0; attempt < 64; attempt++) {
    const idx = randomBelow(size, random);
    if (!used.has(idx)) return idx;
  }
  const start = randomBelow(size, random);
  for (let i = 0; i < size; i++) {
    const idx = (start + i) % size;
    if (!used.has(idx)) return idx;
  }
  throw new MvidError('conflict', 'the status list is full; open a new one');
}

/**
 * Sets (revoked) or clears (valid again, e.g. after a suspension) one entry.
 * @example setStatus(list, 4711, true)
 */
export function setStatus(list: StatusList, idx: number, revoked: boolean): void {
  list.setStatus(idx, revoked ? 1 : 0);
}

/** @example isRevoked(list, 4711) // → true */
export function isRevoked(list: StatusList, idx: number): boolean {
  return list.getStatus(idx) !== 0;
}

/** The compressed form (`lst`), for storage; `importStatusList` reverses it. @example db.save(id, exportStatusList(list)) */
export function exportStatusList(list: StatusList): string {
  return list.compressStatusList();
}

/** @example const list = importStatusList(row.lst) */
export function importStatusList(compressed: string): StatusList {
  return StatusList.decompressStatusList(compressed, 1);
}

export interface SignStatusListInput {
  list: StatusList;
  /** Where the list is served; becomes `sub` and must equal the credentials' `status.status_list.uri`. */
  uri: string;
  issuer: IssuerKey;
  now: Date;
  /** How long the token stays valid (`exp`); verifiers working offline can use it that long. Default one day. */
  lifetimeSeconds?: number;
  /** How long verifiers may cache it before refetching (`ttl`): the revocation delay. Default 15 minutes. */
  ttlSeconds?: number;
}

/**
 * Signs a status-list JWT (`typ: statuslist+jwt`; `sub`, `iat`, `exp`, `ttl`,
 * `status_list: { bits: 1, lst }`), served as `application/statuslist+jwt`.
 *
 * @example
 * const jwt = signStatusList({ list, uri: `${publicUrl}/status/1`, issuer, now: clock.now() });
 */
export function signStatusList(input: SignStatusListInput): string {
  const iat = Math.floor(input.now.getTime() / 1000);
  const lifetime = input.lifetimeSeconds ?? 86_400;
  const ttl = input.ttlSeconds ?? 900;
  if (!Number.isInteger(lifetime) || lifetime <= 0 || !Number.isInteger(ttl) || ttl <= 0 || ttl > lifetime) {
    throw new TypeError('lifetimeSeconds and ttlSeconds must be positive integers, ttl within the lifetime');
  }
  if (input.list.getBitsPerStatus() !== 1) throw new TypeError('mvid status lists use 1 bit per entry');
  const { header, payload } = createHeaderAndPayload(input.list, { iss: input.issuer.iss, sub: input.uri, iat, exp: iat + lifetime, ttl }, {
    alg: 'ES256',
    typ: 'statuslist+jwt',
    kid: input.issuer.kid,
  } satisfies StatusListJWTHeaderParameters);
  const { alg: _setFromKey, ...rest } = header;
  return signCompactJws(rest, payload, input.issuer.privateKey);
}

export interface VerifyStatusListInput {
  uri: string;
  jwks: JSONWebKeySet;
  now: Date;
  /** Expected `iss`, when the token carries one. */
  issuer?: string;
}

/**
 * Verifies a status-list JWT (signature, `typ`, `sub`, `iat`, `exp`) and returns
 * a reader; the same check the SDK applies when verifying a presentation.
 * @throws PresentationError `status_unavailable` when it cannot be trusted
 *
 * @example verifyStatusList(jwt, { uri, jwks, now }).statusAt(idx) // → 0
 */
export function verifyStatusList(jwt: string, input: VerifyStatusListInput): VerifiedStatusList {
  return verifyStatusListToken(jwt, {
    uri: input.uri,
    jwks: input.jwks,
    now: input.now,
    ...(input.issuer === undefined ? {} : { issuer: input.issuer }),
  });
}
