/**
 * C2SP tlog-tiles addressing. A tile at level L is up to 256 consecutive stored
 * hashes at Merkle level 8·L: hash i of tile N is the subtree (8·L, N·256 + i).
 * Full tiles have 256 hashes; the right-most tile of each level may be partial
 * (`.p/<W>`). Entry bundles use the same numbering for the entries themselves.
 */
import { MvidError } from '../core/index.ts';
import type { SubtreeId } from './nodes.ts';
import type { SubtreeHashReader } from './prove.ts';
import { isHash } from './hash.ts';
import { assertU64, isU64 } from './u64.ts';

export const TILE_HEIGHT = 8;
export const TILE_WIDTH = 256;
const MAX_TILE_LEVEL = 63;
/** Index groups accepted when parsing: 7 groups reach 10^21 > 2^64 / 256, more can name nothing. */
const MAX_INDEX_GROUPS = 7;

/** A Merkle tree tile: `width` hashes (1..256, 256 = full) at tile level `level`. */
export interface TileId {
  level: number;
  index: bigint;
  width: number;
}

/** A parsed tile path: hash tiles or entry bundles. */
export type ParsedTilePath = ({ kind: 'hashes' } & TileId) | { kind: 'entries'; index: bigint; width: number };

function assertTile(level: number, index: bigint, width: number): void {
  if (!Number.isInteger(level) || level < 0 || level > MAX_TILE_LEVEL) throw new TypeError('tile level must be an integer in 0..63');
  assertU64(index, 'tile index');
  if (!Number.isInteger(width) || width < 1 || width > TILE_WIDTH) throw new TypeError('tile width must be an integer in 1..256');
}

/** `1234067n` → `x001/x234/067`. */
function encodeIndex(index: bigint): string {
  let digits = index.toString();
  digits = digits.padStart(Math.ceil(digits.length / 3) * 3, '0');
  const groups = digits.match(/.../g) ?? [];
  return groups.map((g, i) => (i < groups.length - 1 ? `x${g}` : g)).join('/');
}

function suffix(width: number): string {
  return width === TILE_WIDTH ? '' : `.p/${width}`;
}

/**
 * The path of a hash tile, relative to the log prefix.
 *
 * @example
 * tilePath({ level: 0, index: 1234067n, width: 256 }); // 'tile/0/x001/x234/067'
 * tilePath({ level: 1, index: 0n, width: 17 });       // 'tile/1/000.p/17'
 */
export function tilePath(tile: TileId): string {
  assertTile(tile.level, tile.index, tile.width);
  return `tile/${tile.level}/${encodeIndex(tile.index)}${suffix(tile.width)}`;
}

/**
 * The path of an entry bundle, relative to the log prefix.
 *
 * @example
 * entryBundlePath(5n, 12); // 'tile/entries/005.p/12'
 */
export function entryBundlePath(index: bigint, width: number): string {
  assertTile(0, index, width);
  return `tile/entries/${encodeIndex(index)}${suffix(width)}`;
}

function parseSmallDecimal(text: string | undefined, min: number, max: number): number | null {
  if (text === undefined || !/^(?:0|[1-9][0-9]{0,2})$/.test(text)) return null;
  const n = Number(text);
  return n >= min && n <= max ? n : null;
}

/**
 * Parses `tile/<L>/<N>[.p/<W>]` or `tile/entries/<N>[.p/<W>]` (relative to the
 * log prefix). Returns null for anything not in canonical form, so each tile
 * has exactly one path.
 *
 * @example
 * parseTilePath('tile/2/x001/234.p/7'); // { kind: 'hashes', level: 2, index: 1234n, width: 7 }
 * parseTilePath('tile/2/1234');         // null
 */
export function parseTilePath(path: string): ParsedTilePath | null {
  if (typeof path !== 'string' || path.length > 128) return null;
  const parts = path.split('/');
  if (parts[0] !== 'tile' || parts.length < 3) return null;
  const isEntries = parts[1] === 'entries';
  const level = isEntries ? 0 : parseSmallDecimal(parts[1], 0, MAX_TILE_LEVEL);
  if (level === null) return null;
  let rest = parts.slice(2);
  let width = TILE_WIDTH;
  const lastGroup = rest.length >= 2 ? rest[rest.length - 2] : undefined;
  if (lastGroup?.endsWith('.p')) {
    const w = parseSmallDecimal(rest[rest.length - 1], 1, TILE_WIDTH - 1);
    if (w === null) return null;
    width = w;
    rest = [...rest.slice(0, -2), lastGroup.slice(0, -2)];
  }
  if (rest.length > MAX_INDEX_GROUPS) return null;
  for (let i = 0; i < rest.length; i++) {
    const pattern = i < rest.length - 1 ? /^x[0-9]{3}$/ : /^[0-9]{3}$/;
    if (!pattern.test(rest[i] as string)) return null;
  }
  const digits = rest.map((g) => g.replace('x', '')).join('');
  const index = BigInt(digits);
  if (!isU64(index) || encodeIndex(index) !== rest.join('/')) return null; // e.g. a leading x000 group
  return isEntries ? { kind: 'entries', index, width } : { kind: 'hashes', level, index, width };
}

/**
 * The stored subtrees whose hashes, concatenated in order, are the tile's bytes.
 *
 * @example
 * tileSubtrees({ level: 1, index: 0n, width: 2 }); // [{level: 8, index: 0n}, {level: 8, index: 1n}]
 */
export function tileSubtrees(tile: TileId): SubtreeId[] {
  assertTile(tile.level, tile.index, tile.width);
  const first = tile.index * BigInt(TILE_WIDTH);
  return Array.from({ length: tile.width }, (_, i) => ({ level: tile.level * TILE_HEIGHT, index: first + BigInt(i) }));
}

/**
 * Whether the tile's hashes all exist in a tree of `size` leaves, i.e. whether a
 * log with a checkpoint of that size may serve it.
 *
 * @example
 * tileExists({ level: 0, index: 0n, width: 256 }, 255n); // false
 */
export function tileExists(tile: TileId, size: bigint): boolean {
  assertTile(tile.level, tile.index, tile.width);
  assertU64(size, 'size');
  const leavesPerHash = 1n << BigInt(tile.level * TILE_HEIGHT);
  return (tile.index * BigInt(TILE_WIDTH) + BigInt(tile.width)) * leavesPerHash <= size;
}

/**
 * The right-most tile of each level for a tree of `size` leaves: the tiles a
 * client fetches to verify a checkpoint of that size. Empty tiles are omitted.
 *
 * @example
 * edgeTiles(70000n); // level 0: 273 width 112; level 1: 1 width 17; level 2: 0 width 1
 */
export function edgeTiles(size: bigint): TileId[] {
  assertU64(size, 'size');
  const out: TileId[] = [];
  for (let level = 0; level * TILE_HEIGHT < 64; level++) {
    const hashes = size >> BigInt(level * TILE_HEIGHT);
    if (hashes === 0n) break;
    const width = Number(hashes % BigInt(TILE_WIDTH));
    const index = hashes / BigInt(TILE_WIDTH);
    if (width > 0) out.push({ level, index, width });
  }
  return out;
}

/**
 * The bytes of a tile: its hashes concatenated, read in one batch.
 *
 * @example
 * const body = await readTile(store, parsed); // serve as application/octet-stream
 */
export async function readTile(reader: SubtreeHashReader, tile: TileId): Promise<Uint8Array> {
  const ids = tileSubtrees(tile);
  const hashes = await reader.getSubtreeHashes(ids);
  if (!Array.isArray(hashes) || hashes.length !== ids.length || !hashes.every(isHash)) {
    throw new MvidError('internal_error', `subtree hash reader returned an unusable answer for tile ${tilePath(tile)}`);
  }
  const out = new Uint8Array(hashes.length * 32);
  for (const [i, h] of hashes.entries()) out.set(h, i * 32);
  return out;
}

/**
 * An entry bundle: each entry as a big-endian uint16 length and its bytes.
 *
 * @example
 * const body = encodeEntryBundle(entries.slice(0, 256));
 */
export function encodeEntryBundle(entries: readonly Uint8Array[]): Uint8Array {
  if (!Array.isArray(entries) || entries.length > TILE_WIDTH) throw new TypeError('an entry bundle holds at most 256 entries');
  let length = 0;
  for (const e of entries) {
    if (!(e instanceof Uint8Array) || e.length > 0xffff) throw new TypeError('bundle entries are Uint8Arrays of at most 65535 bytes');
    length += 2 + e.length;
  }
  const out = new Uint8Array(length);
  let at = 0;
  for (const e of entries) {
    out[at] = e.length >> 8;
    out[at + 1] = e.length & 0xff;
    out.set(e, at + 2);
    at += 2 + e.length;
  }
  return out;
}

/**
 * Splits an entry bundle into its entries; null when truncated or over 256 entries.
 *
 * @example
 * const entries = parseEntryBundle(body); // then check each against the level-0 tile
 */
export function parseEntryBundle(bundle: Uint8Array): Uint8Array[] | null {
  if (!(bundle instanceof Uint8Array)) return null;
  const out: Uint8Array[] = [];
  let at = 0;
  while (at < bundle.length) {
    if (at + 2 > bundle.length || out.length === TILE_WIDTH) return null;
    const length = ((bundle[at] as number) << 8) | (bundle[at + 1] as number);
    if (at + 2 + length > bundle.length) return null;
    out.push(bundle.slice(at + 2, at + 2 + length));
    at += 2 + length;
  }
  return out;
}
