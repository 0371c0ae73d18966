/**
 * The load suite's verdict (test/stress/load.stress.ts runs it in `npm run test:stress`) refuses
 * what it must: errors, timeouts, non-2xx answers, a p99 over the bound, RSS over the limit —
 * here from made-up figures, and from a real autocannon run against a port nobody listens on.
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import autocannon from 'autocannon';
import { judgeLoad } from './support/load-judge.ts';
import { freePort } from './support/worlds.ts';

const MB = 2 ** 20;
const limits = { p99Ms: 2000, rssBytes: 400 * MB };
const latency = { average: 10, mean: 10, stddev: 1, min: 1, max: 40, total: 1, p50: 9, p90: 20, p97_5: 30, p99: 35, p99_9: 40 };
const clean = { '2xx': 60_000, errors: 0, timeouts: 0, non2xx: 0, duration: 60, latency };

it('a clean run within the bounds passes', () => {
  const verdict = judgeLoad(clean, 200 * MB, limits);
  assert.deepEqual(verdict.problems, []);
  assert.match(verdict.summary, /60000 answers in 60 s \(1000\/s\), p50 9 ms, p99 35 ms/);
});

it('errors, timeouts, non-2xx answers, a slow p99 and a fat RSS are each reported', () => {
  const verdict = judgeLoad({ ...clean, errors: 1, timeouts: 2, non2xx: 3, latency: { ...latency, p99: 2001 } }, 401 * MB, limits);
  assert.deepEqual(verdict.problems, [
    '1 connection errors',
    '2 timeouts',
    '3 answers other than 2xx',
    'p99 2001 ms over the bound of 2000 ms',
    'RSS peaked at 401 MB, over the limit of 400 MB',
  ]);
});

it('a server that is not there fails the verdict', async () => {
  const port = await freePort();
  const result = await autocannon({ url: `http://127.0.0.1:${port}`, connections: 2, duration: 1, timeout: 1 });
  const verdict = judgeLoad(result, 0, limits);
  assert.ok(verdict.problems.includes('no request succeeded'), verdict.problems.join('; '));
  assert.ok(
    verdict.problems.some((p) => /connection errors|timeouts/.test(p)),
    verdict.problems.join('; '),
  );
});
