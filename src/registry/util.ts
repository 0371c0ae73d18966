/** Small helpers shared by the registry modules. */
import { createHash } from 'node:crypto';
import { ConflictError, type Random, toBase64Url } from '../core/index.ts';

/** SHA-256 as lowercase hex: how bearer tokens and nonces are stored. */
export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** A random opaque token with a readable prefix (`mva_`, `mvs_`) so leaked tokens are recognisable. */
export function randomToken(prefix: string, random: Random): string {
  return `${prefix}${toBase64Url(random.bytes(32))}`;
}

/** ISO time `seconds` after `from`. */
export function addSeconds(from: Date, seconds: number): string {
  return new Date(from.getTime() + seconds * 1000).toISOString();
}

export function addDays(from: Date, days: number): string {
  return addSeconds(from, days * 86_400);
}

/** Whether a ConflictError came from a constraint on `table` (SQLite names the table, PostgreSQL the constraint). */
export function isConflictOn(error: unknown, table: string): boolean {
  return error instanceof ConflictError && (error.constraint ?? '').includes(table);
}

/** Parses JSON stored by this module (trusted), typed by the caller. */
export function parseStored<T>(json: string): T {
  return JSON.parse(json) as T;
}
