import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { it } from 'node:test';
import { runInNewContext } from 'node:vm';
import { releaseMemory } from './memory.ts';

const MB = 2 ** 20;

it('gives back the young generation start-up grew, and leaves no `gc` behind', () => {
  // Fresh process: this test runner's own heap is not start-up shaped.
  const script = `
    import { getHeapSpaceStatistics } from 'node:v8';
    import { releaseMemory } from ${JSON.stringify(new URL('./memory.ts', import.meta.url).href)};
    const young = () => getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_size;
    const keep = [];
    for (let i = 0; i < 400_000; i++) keep.push({ i, s: 'x' + i });
    keep.length = 0;
    const before = young();
    releaseMemory();
    console.log(JSON.stringify({ before, after: young(), gc: typeof globalThis.gc }));`;
  const out = execFileSync(process.execPath, ['--max-semi-space-size=8', '--input-type=module', '-e', script], { encoding: 'utf8' });
  const { before, after, gc } = JSON.parse(out) as { before: number; after: number; gc: string };
  assert.ok(before >= 4 * MB, `the allocations grew the young generation (${before / MB} MB)`);
  assert.ok(after <= before / 2, `the young generation shrank: ${before / MB} → ${after / MB} MB`);
  assert.equal(gc, 'undefined');
});

it('exposes no `gc` to later contexts, and keeps a `gc` the operator exposed', () => {
  releaseMemory();
  assert.equal(typeof (globalThis as { gc?: unknown }).gc, 'undefined');
  assert.equal(runInNewContext('typeof gc'), 'undefined');
  const out = execFileSync(
    process.execPath,
    [
      '--expose-gc',
      '--input-type=module',
      '-e',
      `import { releaseMemory } from ${JSON.stringify(new URL('./memory.ts', import.meta.url).href)};
       releaseMemory(); console.log(typeof globalThis.gc);`,
    ],
    { encoding: 'utf8' },
  );
  assert.equal(out.trim(), 'function');
});
