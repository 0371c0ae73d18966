import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { toHex, utf8 } from '../core/index.ts';
import { commit, verifyCommitment } from './commit.ts';

test('commit = SHA-256(frame("mvid commit v1", domain, bytes)) (known answer)', () => {
  const frameOf = (s: Buffer) => Buffer.concat([Buffer.from([0, 0, 0, s.length]), s]);
  const expected = createHash('sha256')
    .update(Buffer.concat([frameOf(Buffer.from('mvid commit v1')), frameOf(Buffer.from('d')), frameOf(Buffer.from([1, 2]))]))
    .digest('hex');
  assert.equal(toHex(commit('d', new Uint8Array([1, 2]))), expected);
});

test('commitments are deterministic, domain separated and unambiguous', () => {
  const c = commit('mvid/tlog/entry', utf8('payload'));
  assert.equal(c.length, 32);
  assert.deepEqual(commit('mvid/tlog/entry', utf8('payload')), c);
  assert.notDeepEqual(commit('mvid/tlog/other', utf8('payload')), c);
  assert.notDeepEqual(commit('ab', utf8('c')), commit('a', utf8('bc')));
  assert.throws(() => commit('', utf8('x')), TypeError);
  assert.throws(() => commit('d', 'x' as never), TypeError);
});

test('verifyCommitment', () => {
  const c = commit('d', utf8('x'));
  assert.ok(verifyCommitment(c, 'd', utf8('x')));
  assert.equal(verifyCommitment(c, 'd', utf8('y')), false);
  assert.equal(verifyCommitment(c, 'e', utf8('x')), false);
  assert.equal(verifyCommitment(c.subarray(0, 31), 'd', utf8('x')), false);
  assert.equal(verifyCommitment('nope' as never, 'd', utf8('x')), false);
});
