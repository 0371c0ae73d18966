/**
 * `retryingCall`: a ceremony request that got no HTTP answer is sent again (the relay takes
 * the same message twice as a retry); a refusal the server answered is never repeated.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MvidError } from '../core/index.ts';
import { type DkgCall, retryingCall } from './dkg-client.ts';

function flaky(failures: unknown[]): { call: DkgCall; calls: () => number } {
  let n = 0;
  const call = (async (method: string, path: string) => {
    const failure = failures[n++];
    if (failure !== undefined) throw failure;
    return { method, path };
  }) as DkgCall;
  return { call, calls: () => n };
}

describe('retryingCall', () => {
  it('sends a request again after a dropped connection', async () => {
    const { call, calls } = flaky([new TypeError('fetch failed'), new TypeError('fetch failed')]);
    assert.deepEqual(await retryingCall(call, 5, 1)('POST', '/registry/v1/dkg/x/messages/commit', {}), {
      method: 'POST',
      path: '/registry/v1/dkg/x/messages/commit',
    });
    assert.equal(calls(), 3);
  });

  it('gives up after its attempts, and never repeats an answered refusal', async () => {
    const dropped = flaky(Array.from({ length: 9 }, () => new TypeError('fetch failed')));
    await assert.rejects(retryingCall(dropped.call, 3, 1)('GET', '/x'), TypeError);
    assert.equal(dropped.calls(), 3);
    const refused = flaky([new MvidError('conflict', 'already posted')]);
    await assert.rejects(retryingCall(refused.call, 3, 1)('POST', '/x', {}), { code: 'conflict' });
    assert.equal(refused.calls(), 1);
  });
});
