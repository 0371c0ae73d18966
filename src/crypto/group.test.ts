import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MvidError, SeededRandom, toHex } from '../core/index.ts';
import { decodeBase64UrlStrict, frame } from './encoding.ts';
import {
  GENERATOR,
  GROUP_ORDER,
  decodePoint,
  encodePoint,
  encodeScalar,
  hashToScalar,
  multiplyBaseSecret,
  multiplyPublic,
  randomScalar,
  scalarFromWideBytes,
  tryDecodePoint,
  tryDecodeScalar,
} from './group.ts';

// RFC 9496 Appendix A.1: encodings of [0]B … [15]B.
const SMALL_MULTIPLES = [
  '0000000000000000000000000000000000000000000000000000000000000000',
  'e2f2ae0a6abc4e71a884a961c500515f58e30b6aa582dd8db6a65945e08d2d76',
  '6a493210f7499cd17fecb510ae0cea23a110e8d5b901f8acadd3095c73a3b919',
  '94741f5d5d52755ece4f23f044ee27d5d1ea1e2bd196b462166b16152a9d0259',
  'da80862773358b466ffadfe0b3293ab3d9fd53c5ea6c955358f568322daf6a57',
  'e882b131016b52c1d3337080187cf768423efccbb517bb495ab812c4160ff44e',
  'f64746d3c92b13050ed8d80236a7f0007c3b3f962f5ba793d19a601ebb1df403',
  '44f53520926ec81fbd5a387845beb7df85a96a24ece18738bdcfa6a7822a176d',
  '903293d8f2287ebe10e2374dc1a53e0bc887e592699f02d077d5263cdd55601c',
  '02622ace8f7303a31cafc63f8fc48fdc16e1c8c8d234b2f0d6685282a9076031',
  '20706fd788b2720a1ed2a5dad4952b01f413bcf0e7564de8cdc816689e2db95f',
  'bce83f8ba5dd2fa572864c24ba1810f9522bc6004afe95877ac73241cafdab42',
  'e4549ee16b9aa03099ca208c67adafcafa4c3f3e4e5303de6026e3ca8ff84460',
  'aa52e000df2e16f55fb1032fc33bc42742dad6bd5a8fc0be0167436c5948501f',
  '46376b80f409b29dc2b5f6f0c52591990896e5716f41477cd30085ab7f10301e',
  'e0c418f7c8d9c4cdd7395b93ea124f3ad99021bb681dfc3302a9d99a2e53e64e',
];

const hex = (h: string) => new Uint8Array(Buffer.from(h, 'hex'));

test('known answer: RFC 9496 A.1 small multiples of the generator', () => {
  SMALL_MULTIPLES.forEach((expected, n) => {
    const point = multiplyBaseSecret(BigInt(n));
    assert.equal(toHex(encodePoint(point)), expected, `[${n}]B`);
    assert.equal(toHex(encodePoint(multiplyPublic(GENERATOR, BigInt(n)))), expected);
    const decoded = decodePoint(hex(expected), { allowIdentity: true });
    assert.ok(decoded.equals(point));
  });
});

test('identity is refused unless explicitly allowed', () => {
  assert.equal(tryDecodePoint(new Uint8Array(32)), undefined);
  assert.ok(tryDecodePoint(new Uint8Array(32), { allowIdentity: true })?.is0());
  assert.throws(
    () => decodePoint(new Uint8Array(32)),
    (e: unknown) => e instanceof MvidError && e.code === 'crypto_encoding_invalid',
  );
});

test('non-canonical and invalid encodings are refused', () => {
  const bad = [
    'edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f', // p itself: non-canonical field element
    'ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f', // > p
    '0100000000000000000000000000000000000000000000000000000000000000', // s = 1 is "negative" (odd)
    '0000000000000000000000000000000000000000000000000000000000000080', // high bit set
  ];
  for (const h of bad) assert.equal(tryDecodePoint(hex(h), { allowIdentity: true }), undefined, h);
  assert.equal(tryDecodePoint(new Uint8Array(31)), undefined);
  assert.equal(tryDecodePoint(new Uint8Array(33)), undefined);
});

test('scalars: canonical 32-byte encoding, non-canonical refused', () => {
  const s = 123456789n;
  assert.equal(tryDecodeScalar(encodeScalar(s)), s);
  assert.equal(tryDecodeScalar(encodeScalar(GROUP_ORDER - 1n)), GROUP_ORDER - 1n);
  // L itself (and L + s) would be a second spelling of 0 (or s).
  const l = new Uint8Array(32);
  let n = GROUP_ORDER;
  for (let i = 0; i < 32; i++) {
    l[i] = Number(n & 0xffn);
    n >>= 8n;
  }
  assert.equal(tryDecodeScalar(l), undefined);
  assert.equal(tryDecodeScalar(new Uint8Array(32)), undefined);
  assert.equal(tryDecodeScalar(new Uint8Array(32), { allowZero: true }), 0n);
  assert.throws(() => encodeScalar(GROUP_ORDER), RangeError);
});

test('scalarFromWideBytes reduces 64 little-endian bytes mod L', () => {
  const bytes = new Uint8Array(64).fill(0xff);
  assert.equal(scalarFromWideBytes(bytes), (2n ** 512n - 1n) % GROUP_ORDER);
  assert.throws(() => scalarFromWideBytes(new Uint8Array(32)), TypeError);
});

test('randomScalar uses the injected source and is never zero', () => {
  const a = randomScalar(new SeededRandom(7));
  const b = randomScalar(new SeededRandom(7));
  assert.equal(a, b);
  assert.ok(a > 0n && a < GROUP_ORDER);
  // A source that returns zeros first must not yield the zero scalar.
  let calls = 0;
  const zerosThenSeeded = { bytes: (n: number) => (calls++ === 0 ? new Uint8Array(n) : new SeededRandom(3).bytes(n)), uuid: () => '' };
  assert.ok(randomScalar(zerosThenSeeded) !== 0n);
  assert.throws(() => randomScalar({ bytes: () => new Uint8Array(3), uuid: () => '' }), TypeError);
});

test('hashToScalar is domain separated', () => {
  const m = new Uint8Array([1, 2, 3]);
  assert.notEqual(hashToScalar('a', m), hashToScalar('b', m));
  assert.equal(hashToScalar('a', m), hashToScalar('a', m));
});

test('strict base64url refuses padding, junk and non-canonical trailing bits', () => {
  assert.deepEqual(decodeBase64UrlStrict('AQID'), new Uint8Array([1, 2, 3]));
  assert.equal(decodeBase64UrlStrict('AQ=='), undefined);
  assert.equal(decodeBase64UrlStrict('AQ+/'), undefined);
  assert.equal(decodeBase64UrlStrict('AQ I'), undefined);
  assert.equal(decodeBase64UrlStrict('AR'), undefined); // same byte as 'AQ' with stray low bits
  assert.equal(decodeBase64UrlStrict('A'), undefined);
});

test('frame is unambiguous', () => {
  assert.notDeepEqual(frame('ab', 'c'), frame('a', 'bc'));
  assert.notDeepEqual(frame('abc'), frame('ab', 'c'));
  assert.notDeepEqual(frame('', 'a'), frame('a', ''));
});
