import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { MvidError, SeededRandom } from '../core/index.ts';
import { isPresentationError } from '../sdk/index.ts';
import { kit, NOW } from './testkit.ts';
import {
  allocateStatusIndex,
  createStatusList,
  exportStatusList,
  importStatusList,
  isRevoked,
  setStatus,
  signStatusList,
  STATUS_LIST_MIN_SIZE,
  verifyStatusList,
} from './statuslist.ts';

describe('status lists', () => {
  test('lists hold at least 2^17 one-bit entries', () => {
    assert.equal(createStatusList().statusList.length, STATUS_LIST_MIN_SIZE);
    assert.throws(() => createStatusList(1024), TypeError);
    assert.throws(() => createStatusList(STATUS_LIST_MIN_SIZE + 1), TypeError);
  });

  test('indices are random, unused and not sequential', () => {
    const random = new SeededRandom(5);
    const used = new Set<number>();
    for (let i = 0; i < 2000; i++) used.add(allocateStatusIndex(used, random));
    assert.equal(used.size, 2000);
    const sorted = [...used].sort((a, b) => a - b);
    const adjacent = sorted.filter((v, i) => sorted[i + 1] === v + 1).length;
    assert.ok(adjacent < 100, `${adjacent} adjacent pairs`); // ~30 by chance at this density; a counter gives 1999
    const issueOrder = [...used];
    const ascending = issueOrder.filter((v, i) => i > 0 && v > (issueOrder[i - 1] ?? 0)).length;
    assert.ok(ascending > 800 && ascending < 1200, 'issue order says nothing about position');
    assert.ok(sorted[0]! < 2 ** 12 && sorted.at(-1)! > STATUS_LIST_MIN_SIZE - 2 ** 12, 'spread over the whole list');
  });

  test('a crowded list still yields its last free index; a full one is a conflict', () => {
    const size = STATUS_LIST_MIN_SIZE;
    const used = new Set(Array.from({ length: size }, (_, i) => i));
    used.delete(4242);
    assert.equal(allocateStatusIndex(used, new SeededRandom(1), size), 4242);
    used.add(4242);
    assert.throws(
      () => allocateStatusIndex(used, new SeededRandom(1), size),
      (e: unknown) => e instanceof MvidError && e.code === 'conflict',
    );
  });

  test('set and clear bits; export and import keep them', () => {
    const list = createStatusList();
    setStatus(list, 131_071, true);
    setStatus(list, 3, true);
    setStatus(list, 3, false);
    const again = importStatusList(exportStatusList(list));
    assert.equal(isRevoked(again, 131_071), true);
    assert.equal(isRevoked(again, 3), false);
  });

  test('signed status-list JWT: typ, sub, iat, exp, ttl, and it verifies', () => {
    const k = kit();
    setStatus(k.list, 12_345, true);
    const uri = 'https://mvid.example/credentials/status/7';
    const jwt = signStatusList({ list: k.list, uri, issuer: k.issuer, now: NOW, lifetimeSeconds: 7200, ttlSeconds: 600 });
    const [h = '', p = ''] = jwt.split('.');
    const header = JSON.parse(Buffer.from(h, 'base64url').toString());
    const payload = JSON.parse(Buffer.from(p, 'base64url').toString());
    assert.deepEqual(header, { typ: 'statuslist+jwt', kid: 'mvid-1', alg: 'ES256' });
    const iat = NOW.getTime() / 1000;
    assert.deepEqual(
      { ...payload, status_list: undefined },
      { iss: k.issuer.iss, sub: uri, iat, exp: iat + 7200, ttl: 600, status_list: undefined },
    );
    assert.equal(payload.status_list.bits, 1);
    const verified = verifyStatusList(jwt, { uri, jwks: k.jwks, now: NOW, issuer: k.issuer.iss });
    assert.equal(verified.statusAt(12_345), 1);
    assert.equal(verified.statusAt(12_346), 0);
    assert.throws(
      () => verifyStatusList(jwt, { uri, jwks: kit().jwks, now: NOW }),
      (e: unknown) => isPresentationError(e, 'status_unavailable'),
    );
    assert.throws(() => signStatusList({ list: k.list, uri, issuer: k.issuer, now: NOW, lifetimeSeconds: 60, ttlSeconds: 600 }), TypeError);
  });
});
