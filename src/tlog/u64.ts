/**
 * Unsigned 64-bit arithmetic on bigint. Tree sizes and indices are uint64 in
 * RFC 9162 and C2SP; JavaScript's 32-bit bit operators would silently truncate
 * them, so every bit operation here stays in bigint.
 */

export const MAX_U64 = (1n << 64n) - 1n;

/** True when `value` is a bigint in [0, 2^64). Never throws. */
export function isU64(value: unknown): value is bigint {
  return typeof value === 'bigint' && value >= 0n && value <= MAX_U64;
}

/** Number of bits needed to write `x` (0 for 0), like Go's bits.Len64. */
export function bitLength(x: bigint): number {
  return x === 0n ? 0 : x.toString(2).length;
}

/** Number of trailing zero bits of `x` > 0. */
export function trailingZeros(x: bigint): number {
  let n = 0;
  while ((x & 1n) === 0n) {
    x >>= 1n;
    n++;
  }
  return n;
}

/** The largest power of two strictly below `n` (n ≥ 2): the RFC 9162 split point k. */
export function splitPoint(n: bigint): bigint {
  return 1n << BigInt(bitLength(n - 1n) - 1);
}

/** Decimal without leading zeroes, as the C2SP formats require. */
export function parseDecimalU64(text: string): bigint | null {
  if (!/^(?:0|[1-9][0-9]{0,19})$/.test(text)) return null;
  const value = BigInt(text);
  return value <= MAX_U64 ? value : null;
}

/** Caller misuse (a non-bigint or out-of-range size) is a TypeError, per the project conventions. */
export function assertU64(value: unknown, name: string): asserts value is bigint {
  if (!isU64(value)) throw new TypeError(`${name} must be a bigint in [0, 2^64)`);
}
