/**
 * Nonces for key-binding JWTs and holder assertions. They are stateless — a MAC over
 * (expiry, randomness) with a key derived from the key directory — so handing one out
 * writes nothing (an anonymous caller cannot fill the database), yet any node sharing
 * the key directory can check it. Single use is enforced when a nonce is *answered*:
 * its hash goes into `registry_used_nonces` inside the transaction of the act it
 * authorises, where the primary key refuses a second use.
 */
import { createHmac } from 'node:crypto';
import { constantTimeEqual, fromBase64Url, MvidError, type Random, toBase64Url } from '../core/index.ts';
import type { Store, Tx } from '../store/index.ts';
import { NONCE_TTL_SECONDS } from './types.ts';
import { sha256Hex } from './util.ts';

const VERSION = 1;
const RANDOM_BYTES = 16;
const MAC_BYTES = 16;
const BODY_BYTES = 1 + 8 + RANDOM_BYTES;
/** base64url of 41 bytes. */
const NONCE_PATTERN = /^[A-Za-z0-9_-]{55}$/;

export interface IssuedNonce {
  nonce: string;
  expiresAt: string;
}

/** Derives the nonce MAC key, so the key-directory secret itself is used for one purpose only. */
export function nonceKey(secret: Uint8Array): Uint8Array {
  return new Uint8Array(createHmac('sha256', secret).update('mvid registry nonce key v1').digest());
}

function mac(key: Uint8Array, body: Uint8Array): Uint8Array {
  return new Uint8Array(createHmac('sha256', key).update(body).digest()).subarray(0, MAC_BYTES);
}

/** A fresh nonce valid for NONCE_TTL_SECONDS. */
export function issueNonce(key: Uint8Array, now: Date, random: Random): IssuedNonce {
  const expiresMs = now.getTime() + NONCE_TTL_SECONDS * 1000;
  const body = new Uint8Array(BODY_BYTES);
  body[0] = VERSION;
  new DataView(body.buffer).setBigUint64(1, BigInt(Math.floor(expiresMs / 1000)));
  body.set(random.bytes(RANDOM_BYTES), 9);
  const out = new Uint8Array(BODY_BYTES + MAC_BYTES);
  out.set(body, 0);
  out.set(mac(key, body), BODY_BYTES);
  return { nonce: toBase64Url(out), expiresAt: new Date(expiresMs - (expiresMs % 1000)).toISOString() };
}

/** Checks that mvid issued `nonce` and that it has not expired; returns its expiry. */
export function checkNonce(key: Uint8Array, nonce: unknown, now: Date): Date {
  if (typeof nonce !== 'string' || !NONCE_PATTERN.test(nonce))
    throw new MvidError('nonce_invalid', 'the nonce was not issued by this service');
  const bytes = fromBase64Url(nonce);
  const body = bytes.subarray(0, BODY_BYTES);
  if (body[0] !== VERSION || !constantTimeEqual(mac(key, body), bytes.subarray(BODY_BYTES))) {
    throw new MvidError('nonce_invalid', 'the nonce was not issued by this service');
  }
  const expires = new Date(Number(new DataView(body.buffer, body.byteOffset).getBigUint64(1)) * 1000);
  if (now.getTime() >= expires.getTime()) throw new MvidError('nonce_expired', 'the nonce has expired; fetch a fresh one');
  return expires;
}

/** Marks a checked nonce as answered, in the caller's transaction; a second use is `nonce_replayed`. */
export async function consumeNonce(tx: Tx, nonce: string, expires: Date, now: Date): Promise<void> {
  // ON CONFLICT DO NOTHING rather than catching the violation: on PostgreSQL a failed
  // statement would poison the surrounding transaction.
  const result = await tx
    .insertInto('registry_used_nonces')
    .values(usedNonceRow(nonce, expires, now))
    .onConflict((oc) => oc.column('nonce_hash').doNothing())
    .executeTakeFirst();
  if (Number(result.numInsertedOrUpdatedRows ?? 0n) !== 1) throw new MvidError('nonce_replayed', 'this nonce was already used');
}

/** The `registry_used_nonces` row that marks `nonce` answered (its hash, never the nonce). */
export function usedNonceRow(nonce: string, expires: Date, now: Date) {
  return { nonce_hash: sha256Hex(nonce), used_at: now.toISOString(), expires_at: expires.toISOString() };
}

/** Whether `nonce` was already answered (a read; `consumeNonce` is what enforces single use). */
export async function isNonceUsed(db: Store['db'], nonce: string): Promise<boolean> {
  const row = await db
    .selectFrom('registry_used_nonces')
    .select('nonce_hash')
    .where('nonce_hash', '=', sha256Hex(nonce))
    .executeTakeFirst();
  return row !== undefined;
}
