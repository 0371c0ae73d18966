/**
 * Gives back what starting the server left behind. Start-up (importing the stack, migrating,
 * building the app) grows V8's young generation to its maximum and leaves old-space pages
 * half empty; V8 keeps both committed, and its memory reducer only acts after a full GC that
 * an idle server may not see for a long time. One memory-reducing full GC before the server
 * listens shrinks the young generation back and frees those pages: ~18 MB less resident
 * while idle (docs/performance.md, `mvid.rss.idle`). It costs ~50–100 ms once, before the
 * first request; under load V8 grows the heap again as it would have.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** V8's `gc` extension (options as in V8's gc-extension: a synchronous major GC that also compacts and shrinks). */
type GcFunction = (options: { type: 'major'; execution: 'sync'; flavor: 'last-resort' }) => void;

/**
 * Runs one synchronous memory-reducing full GC. The `gc` function is taken from a throw-away
 * context, so nothing in the server's own realm sees it, and the flag is put back unless the
 * operator had set it. Best effort: a Node without the extension just skips it.
 */
export function releaseStartupMemory(): void {
  const given = (globalThis as { gc?: unknown }).gc;
  let gc = typeof given === 'function' ? (given as GcFunction) : undefined;
  try {
    if (!gc) {
      setFlagsFromString('--expose-gc');
      gc = runInNewContext('gc') as GcFunction;
    }
    gc({ type: 'major', execution: 'sync', flavor: 'last-resort' });
  } catch {
    // Not available on this runtime: the server runs the same, with more memory resident.
  } finally {
    if (typeof given !== 'function') setFlagsFromString('--no-expose-gc');
  }
}
