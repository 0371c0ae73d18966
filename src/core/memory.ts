/**
 * Gives back memory a burst of work left behind. A burst (the server's start-up: importing
 * the stack, migrating, building the app; a sealing worker's batch of enrolments) grows V8's
 * young generation to its maximum and leaves old-space pages half empty; V8 keeps both
 * committed, and its memory reducer only acts after a full GC that an idle thread may not see
 * for a long time. One memory-reducing full GC when the burst is over shrinks the young
 * generation back and frees those pages: ~14 MB less resident for `mvid serve` idle
 * (docs/performance.md, `mvid.rss.idle`). It costs ~50–100 ms of the calling thread once;
 * under load V8 grows the heap again as it would have.
 *
 * node:v8 and node:vm are taken at call time (`process.getBuiltinModule`), not imported: this
 * file is in the kernel the browser bundles are built from, and it is never called there.
 */

/** V8's `gc` extension (options as in V8's gc-extension: a synchronous major GC that also compacts and shrinks). */
type GcFunction = (options: { type: 'major'; execution: 'sync'; flavor: 'last-resort' }) => void;

/**
 * Runs one synchronous memory-reducing full GC. The `gc` function is taken from a throw-away
 * context, so nothing in the server's own realm sees it, and the flag is put back unless the
 * operator had set it. Best effort: a Node without the extension just skips it.
 */
export function releaseMemory(): void {
  const { setFlagsFromString } = process.getBuiltinModule('node:v8');
  const { runInNewContext } = process.getBuiltinModule('node:vm');
  const given = (globalThis as { gc?: unknown }).gc;
  let gc = typeof given === 'function' ? (given as GcFunction) : undefined;
  try {
    if (!gc) {
      // The flag is process-wide (worker threads too): set only while taking the function.
      setFlagsFromString('--expose-gc');
      try {
        gc = runInNewContext('gc') as GcFunction;
      } finally {
        setFlagsFromString('--no-expose-gc');
      }
    }
    gc({ type: 'major', execution: 'sync', flavor: 'last-resort' });
  } catch {
    // Not available on this runtime: the server runs the same, with more memory resident.
  }
}
