/**
 * `c_nonce`s for key proofs (OpenID4VCI) and for presentations of attribute
 * credentials to mvid. Stateless — a MAC over (expiry, randomness) under a key derived
 * from the key directory — so the public nonce endpoint writes nothing an anonymous
 * caller could fill the database with, and every node sharing the key directory can
 * check one. Single use is enforced when a nonce is answered: its hash goes into
 * `credentials_used_nonces` inside the issuing transaction, where the primary key
 * refuses a second use.
 */
import { createHmac } from 'node:crypto';
import { constantTimeEqual, fromBase64Url, MvidError, type Random, toBase64Url } from '../core/index.ts';
import type { Tx } from '../store/index.ts';
import { sha256B64u } from './util.ts';

export const C_NONCE_TTL_SECONDS = 300;
const VERSION = 1;
const BODY_BYTES = 1 + 8 + 16;
const MAC_BYTES = 16;
const PATTERN = /^[A-Za-z0-9_-]{55}$/;

export type NonceProblem = 'unknown' | 'expired' | 'replayed';

/** A nonce that did not hold; `reason` tells why (all three are `invalid_nonce` to a wallet). */
export function nonceError(reason: NonceProblem, message: string): MvidError {
  return new MvidError('proof_nonce_invalid', message, { extensions: { error: 'invalid_nonce', reason } });
}

/** Derives the MAC key, so the key-directory secret itself serves one purpose only. */
export function cNonceKey(secret: Uint8Array): Uint8Array {
  return new Uint8Array(createHmac('sha256', secret).update('mvid credentials c_nonce key v1').digest());
}

function mac(key: Uint8Array, body: Uint8Array): Uint8Array {
  return new Uint8Array(createHmac('sha256', key).update(body).digest()).subarray(0, MAC_BYTES);
}

/** @example const { c_nonce } = issueCNonce(key, clock.now(), random) */
export function issueCNonce(key: Uint8Array, now: Date, random: Random): { c_nonce: string; expiresAt: Date } {
  const expiresSeconds = Math.floor(now.getTime() / 1000) + C_NONCE_TTL_SECONDS;
  const body = new Uint8Array(BODY_BYTES);
  body[0] = VERSION;
  new DataView(body.buffer).setBigUint64(1, BigInt(expiresSeconds));
  body.set(random.bytes(16), 9);
  const out = new Uint8Array(BODY_BYTES + MAC_BYTES);
  out.set(body);
  out.set(mac(key, body), BODY_BYTES);
  return { c_nonce: toBase64Url(out), expiresAt: new Date(expiresSeconds * 1000) };
}

/**
 * Checks that this mvid issued `nonce` and that it is still fresh; returns its expiry.
 * @throws MvidError proof_nonce_invalid (reason unknown | expired)
 */
export function checkCNonce(key: Uint8Array, nonce: unknown, now: Date): Date {
  if (typeof nonce !== 'string' || !PATTERN.test(nonce)) throw nonceError('unknown', 'the nonce was not issued by this service');
  const bytes = fromBase64Url(nonce);
  const body = bytes.subarray(0, BODY_BYTES);
  if (body[0] !== VERSION || !constantTimeEqual(mac(key, body), bytes.subarray(BODY_BYTES))) {
    throw nonceError('unknown', 'the nonce was not issued by this service');
  }
  const expires = new Date(Number(new DataView(body.buffer, body.byteOffset).getBigUint64(1)) * 1000);
  if (now.getTime() >= expires.getTime()) throw nonceError('expired', 'the nonce has expired; fetch a fresh c_nonce');
  return expires;
}

/** Marks a checked nonce answered, in the caller's transaction. @throws proof_nonce_invalid (replayed) */
export async function consumeCNonce(tx: Tx, nonce: string, expires: Date, now: Date): Promise<void> {
  // DO NOTHING rather than catching a violation: on PostgreSQL a failed statement poisons the transaction.
  const result = await tx
    .insertInto('credentials_used_nonces')
    .values({ nonce_hash: sha256B64u(nonce), used_at: now.toISOString(), expires_at: expires.toISOString() })
    .onConflict((oc) => oc.column('nonce_hash').doNothing())
    .executeTakeFirst();
  if (Number(result.numInsertedOrUpdatedRows ?? 0n) !== 1) throw nonceError('replayed', 'this nonce was already answered');
}
