import assert from 'node:assert/strict';
import { it } from 'node:test';
import { lazy } from './lazy.ts';

it('loads once, on the first call, and shares the result with every caller', async () => {
  let loads = 0;
  const load = lazy(async () => {
    loads += 1;
    return { n: loads };
  });
  assert.equal(loads, 0);
  const [a, b] = await Promise.all([load(), load()]);
  assert.equal(loads, 1);
  assert.equal(a, b);
  assert.equal(await load(), a);
  assert.equal(loads, 1);
});

it('forgets a failed load, so the next call tries again', async () => {
  let attempts = 0;
  const load = lazy(async () => {
    attempts += 1;
    if (attempts === 1) throw new Error('first attempt fails');
    return 'loaded';
  });
  await assert.rejects(load(), /first attempt fails/);
  assert.equal(await load(), 'loaded');
  assert.equal(await load(), 'loaded');
  assert.equal(attempts, 2);
});

it('turns a synchronous throw into a rejection', async () => {
  const load = lazy<string>(() => {
    throw new Error('sync');
  });
  await assert.rejects(load(), /sync/);
});
