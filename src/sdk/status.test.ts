import assert from 'node:assert/strict';
import { test } from 'node:test';
import { deflateSync } from 'node:zlib';
import { setStatus } from '../credentials/index.ts';
import { encodeBase64Url } from './encoding.ts';
import { isPresentationError } from './errors.ts';
import { signCompactJws } from './jws.ts';
import { MemoryReplayCache } from './replay.ts';
import { StatusListCache, verifyStatusListToken } from './status.ts';
import { kit, NOW, STATUS_URI } from '../credentials/testkit.ts';

const k = kit();
const nowSeconds = NOW.getTime() / 1000;
const verify = (token: string, over: Partial<Parameters<typeof verifyStatusListToken>[1]> = {}) =>
  verifyStatusListToken(token, { uri: STATUS_URI, jwks: k.jwks, now: NOW, ...over });
const unavailable = (e: unknown) => isPresentationError(e, 'status_unavailable');

test('reads single entries of a verified list', () => {
  setStatus(k.list, 0, true);
  setStatus(k.list, 9, true);
  const list = verify(k.statusToken());
  assert.deepEqual(
    [0, 1, 8, 9, 10].map((i) => list.statusAt(i)),
    [1, 0, 0, 1, 0],
  );
  assert.equal(list.size, 2 ** 17);
  assert.throws(() => list.statusAt(2 ** 17), unavailable);
});

test('2-bit lists read LSB first, as the draft specifies', () => {
  // byte 0b11_10_01_00 holds entries 0..3 = 0, 1, 2, 3
  const lst = encodeBase64Url(deflateSync(Uint8Array.of(0b11100100)));
  const token = signCompactJws(
    { typ: 'statuslist+jwt', kid: 'mvid-1' },
    { sub: STATUS_URI, iat: nowSeconds, status_list: { bits: 2, lst } },
    k.issuerKeys.privateKey,
  );
  const list = verify(token);
  assert.deepEqual(
    [0, 1, 2, 3].map((i) => list.statusAt(i)),
    [0, 1, 2, 3],
  );
});

test('untrustworthy lists are status_unavailable', () => {
  const token = k.statusToken();
  assert.throws(() => verify(token, { uri: `${STATUS_URI}/other` }), unavailable);
  assert.throws(() => verify(token, { jwks: kit().jwks }), unavailable);
  assert.throws(() => verify(token, { issuer: 'https://elsewhere.example' }), unavailable);
  assert.throws(() => verify(token, { now: new Date(NOW.getTime() + 2 * 86_400_000) }), unavailable);
  const sign = (header: Record<string, unknown>, payload: Record<string, unknown>) =>
    signCompactJws(header, payload, k.issuerKeys.privateKey);
  const base = { sub: STATUS_URI, iat: nowSeconds };
  assert.throws(() => verify(sign({ typ: 'JWT' }, { ...base, status_list: { bits: 1, lst: 'eJwDAAAAAAE' } })), unavailable);
  assert.throws(() => verify(sign({ typ: 'statuslist+jwt' }, { ...base, status_list: { bits: 3, lst: 'eJwDAAAAAAE' } })), unavailable);
  assert.throws(() => verify(sign({ typ: 'statuslist+jwt' }, { ...base, status_list: { bits: 1, lst: 'bm90IHpsaWI' } })), unavailable);
  const bomb = encodeBase64Url(deflateSync(new Uint8Array(64 * 1024 * 1024)));
  assert.throws(() => verify(sign({ typ: 'statuslist+jwt' }, { ...base, status_list: { bits: 1, lst: bomb } })), unavailable);
});

test('StatusListCache refetches after ttl, serves the cached list offline, and never rolls back', async () => {
  let clock = NOW.getTime();
  let calls = 0;
  let online = true;
  let served = k.statusToken();
  const cache = new StatusListCache({
    now: () => new Date(clock),
    fetch: async () => {
      calls++;
      if (!online) throw new Error('offline');
      return served;
    },
  });
  const first = await cache.get(STATUS_URI);
  assert.equal(await cache.get(STATUS_URI), first);
  assert.equal(calls, 1);
  clock += 901_000; // past the 900 s ttl
  online = false;
  assert.equal(await cache.get(STATUS_URI), first, 'stale but still usable offline');
  online = true;
  const older = k.statusToken(new Date(NOW.getTime() - 3_600_000));
  served = older;
  clock += 901_000;
  assert.equal(await cache.get(STATUS_URI), first, 'an older list does not replace a newer one');
  served = k.statusToken(new Date(clock));
  clock += 901_000;
  assert.equal(await cache.get(STATUS_URI), served);
});

test('MemoryReplayCache remembers until expiry and stays bounded', () => {
  let clock = NOW.getTime();
  const cache = new MemoryReplayCache({ maxEntries: 3, now: () => new Date(clock) });
  const at = (s: number) => new Date(clock + s * 1000);
  assert.equal(cache.remember('a', at(10)), true);
  assert.equal(cache.remember('a', at(10)), false);
  clock += 11_000;
  assert.equal(cache.remember('a', at(10)), true, 'expired entries are forgotten');
  for (const key of ['b', 'c', 'd', 'e']) cache.remember(key, at(100));
  assert.ok(cache.size <= 3);
});
