/**
 * WriteBatcher (batch.ts): requests that arrive together share one `many` call; requests
 * sharing a key are split off and written alone after the batch; a failing batch falls back
 * to one write per request, each answered on its own; nothing is answered before its write.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type BatchWriter, WriteBatcher } from './batch.ts';

interface Request {
  id: string;
  key: string;
}

function recorder(overrides: Partial<BatchWriter<Request, string>> = {}) {
  const calls: string[] = [];
  const writer: BatchWriter<Request, string> = {
    async one(r) {
      calls.push(`one ${r.id}`);
      return `alone:${r.id}`;
    },
    async many(rs) {
      calls.push(`many ${rs.map((r) => r.id).join(',')}`);
      return rs.map((r) => `batched:${r.id}`);
    },
    keys: (r) => [r.key],
    maxBatch: 3,
    ...overrides,
  };
  return { calls, batcher: new WriteBatcher(writer) };
}

describe('WriteBatcher', () => {
  it('writes a lone request by itself, and requests that arrive together in one batch', async () => {
    const { calls, batcher } = recorder();
    assert.equal(await batcher.submit({ id: 'a', key: 'a' }), 'alone:a');
    const results = await Promise.all(['b', 'c', 'd'].map((id) => batcher.submit({ id, key: id })));
    assert.deepEqual(results, ['batched:b', 'batched:c', 'batched:d']);
    assert.deepEqual(calls, ['one a', 'many b,c,d']);
  });

  it('keeps batches at maxBatch and writes what arrives meanwhile in the next', async () => {
    const { calls, batcher } = recorder();
    const results = await Promise.all(['a', 'b', 'c', 'd', 'e'].map((id) => batcher.submit({ id, key: id })));
    assert.deepEqual(results, ['batched:a', 'batched:b', 'batched:c', 'batched:d', 'batched:e']);
    assert.deepEqual(calls, ['many a,b,c', 'many d,e']);
  });

  it('splits requests that share a key: the later one is written alone, after the batch', async () => {
    const { calls, batcher } = recorder();
    const results = await Promise.all([
      batcher.submit({ id: 'a', key: 'same' }),
      batcher.submit({ id: 'b', key: 'other' }),
      batcher.submit({ id: 'c', key: 'same' }),
    ]);
    assert.deepEqual(results, ['batched:a', 'batched:b', 'alone:c']);
    assert.deepEqual(calls, ['many a,b', 'one c']);
  });

  it('falls back to one write per request when the batch fails, each with its own answer', async () => {
    const { calls, batcher } = recorder({
      async many() {
        calls.push('many (fails)');
        throw new Error('conflict');
      },
      async one(r) {
        calls.push(`one ${r.id}`);
        if (r.id === 'b') throw new Error('b is refused');
        return `alone:${r.id}`;
      },
    });
    const settled = await Promise.allSettled(['a', 'b', 'c'].map((id) => batcher.submit({ id, key: id })));
    assert.deepEqual(
      settled.map((s) => (s.status === 'fulfilled' ? s.value : (s.reason as Error).message)),
      ['alone:a', 'b is refused', 'alone:c'],
    );
    assert.deepEqual(calls, ['many (fails)', 'one a', 'one b', 'one c']);
  });

  it('answers nobody before the write that holds the request has finished', async () => {
    let finish!: () => void;
    const gate = new Promise<void>((resolve) => {
      finish = resolve;
    });
    const { batcher } = recorder({
      async many(rs) {
        await gate;
        return rs.map((r) => r.id);
      },
    });
    let answered = 0;
    const all = Promise.all(['a', 'b'].map((id) => batcher.submit({ id, key: id }).then(() => (answered += 1))));
    for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
    assert.equal(answered, 0);
    finish();
    await all;
    assert.equal(answered, 2);
  });
});
