/** Small helpers of the disclosure modules. */
import { createHash } from 'node:crypto';
import { type Random, toBase64Url } from '../core/index.ts';

/** Bearer tokens are stored as SHA-256 hex only (as admin tokens are). */
export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** A 256-bit bearer token with a recognisable prefix, so a leaked one can be spotted and revoked. */
export function newToken(prefix: string, random: Random): string {
  return `${prefix}${toBase64Url(random.bytes(32))}`;
}

export function addMs(from: Date, ms: number): Date {
  return new Date(from.getTime() + ms);
}

export const DAY_MS = 86_400_000;
export const HOUR_MS = 3_600_000;

/** Parses JSON this module stored itself (trusted), typed by the caller. */
export function stored<T>(json: string): T {
  return JSON.parse(json) as T;
}

/** The median of a list of numbers (mean of the middle two for an even count); undefined when empty. */
export function median(values: readonly number[]): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}
