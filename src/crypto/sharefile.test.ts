import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MvidError, SeededRandom, fromBase64Url, toBase64Url } from '../core/index.ts';
import { scryptSync } from 'node:crypto';
import { frame, u32be } from './encoding.ts';
import { dealEscrowKey } from './feldman.ts';
import { DEFAULT_SCRYPT, decryptShareFile, encryptShareFile } from './sharefile.ts';
import type { ShareFile } from './sharefile.ts';
import { aesGcmOpen, aesGcmSeal } from './symmetric.ts';

const { trusteeSet, shares } = dealEscrowKey({ threshold: 2, trustees: ['alice', 'bob', 'carol'] }, new SeededRandom(5));
const share = shares[1]!;
const PASS = 'correct horse battery staple';
// The minimum cost keeps the suite fast; one test covers the default parameters.
const FAST = { logN: 14, r: 8, p: 1 };

const isCode = (code: string) => (e: unknown) => e instanceof MvidError && e.code === code;
const clone = (f: ShareFile): ShareFile => JSON.parse(JSON.stringify(f));
const fileP = encryptShareFile(share, PASS, { scrypt: FAST });

test('round trip through JSON, with the default parameters', async () => {
  const file = await encryptShareFile(share, PASS);
  assert.deepEqual({ logN: file.kdf.logN, r: file.kdf.r, p: file.kdf.p }, { logN: 15, r: 8, p: 1 });
  assert.deepEqual(DEFAULT_SCRYPT, { logN: 15, r: 8, p: 1 });
  const back = await decryptShareFile(JSON.parse(JSON.stringify(file)), PASS);
  assert.deepEqual(back, share);
});

test('the file carries the public info in the clear and nothing secret', async () => {
  const file = await fileP;
  assert.equal(file.format, 'mvid-trustee-share');
  assert.equal(file.version, 1);
  assert.equal(file.trusteeId, 'bob');
  assert.equal(file.trusteeIndex, 2);
  assert.equal(file.trusteeSetId, trusteeSet.id);
  assert.equal(file.verificationKey, trusteeSet.trustees[1]!.verificationKey);
  assert.deepEqual(file.commitments, trusteeSet.commitments);
  assert.ok(!JSON.stringify(file).includes(toBase64Url(share.secret)));
  assert.equal(fromBase64Url(file.ciphertext).length, 48);
});

test('passphrases are NFKC-normalised', async () => {
  const file = await encryptShareFile(share, 'ｆｕｌｌｗｉｄｔｈ passphrase', { scrypt: FAST });
  assert.deepEqual(await decryptShareFile(file, 'fullwidth passphrase'), share);
});

test('wrong passphrase → share_passphrase_invalid', async () => {
  const file = await fileP;
  await assert.rejects(decryptShareFile(file, 'correct horse battery stapler'), isCode('share_passphrase_invalid'));
  await assert.rejects(decryptShareFile(file, ''), isCode('share_passphrase_invalid'));
});

test('tampering with any bound field → share_file_invalid', async () => {
  const file = await fileP;
  const other = shares[2]!;
  const flip = (b64: string) => {
    const bytes = fromBase64Url(b64);
    bytes[0]! ^= 1;
    return toBase64Url(bytes);
  };
  const mutations: Array<[string, (f: ShareFile) => void]> = [
    ['ciphertext', (f) => (f.ciphertext = flip(f.ciphertext))],
    ['nonce', (f) => (f.cipher.nonce = flip(f.cipher.nonce))],
    ['trusteeId', (f) => (f.trusteeId = 'mallory')],
    ['trusteeIndex', (f) => (f.trusteeIndex = 3)],
    ['trusteeSetId', (f) => (f.trusteeSetId = 'another-set')],
    ['verificationKey', (f) => (f.verificationKey = other.verificationKey)],
    ['commitments', (f) => (f.commitments = [...f.commitments].reverse())],
    ['format', (f) => ((f as { format: string }).format = 'x')],
    ['version', (f) => ((f as { version: number }).version = 2)],
    ['cipher name', (f) => ((f.cipher as { name: string }).name = 'AES-128-GCM')],
    ['short ciphertext', (f) => (f.ciphertext = f.ciphertext.slice(0, 20))],
    ['non-canonical base64', (f) => (f.cipher.nonce = `${f.cipher.nonce}=`)],
  ];
  for (const [name, mutate] of mutations) {
    const f = clone(file);
    mutate(f);
    await assert.rejects(decryptShareFile(f, PASS), isCode('share_file_invalid'), name);
  }
  for (const junk of [null, 'x', [], {}, { format: 'mvid-trustee-share', version: 1 }]) {
    await assert.rejects(decryptShareFile(junk, PASS), isCode('share_file_invalid'));
  }
});

test('a tampered KDF section cannot be told from a wrong passphrase (documented)', async () => {
  const f = clone(await fileP);
  f.kdf.salt = toBase64Url(new Uint8Array(16));
  await assert.rejects(decryptShareFile(f, PASS), isCode('share_passphrase_invalid'));
});

test('hostile scrypt parameters are refused before any work', async () => {
  const file = await fileP;
  const hostile = [
    { logN: 30, r: 8, p: 1 }, // 128 GiB
    { logN: 20, r: 32, p: 1 }, // 4 GiB
    { logN: 18, r: 8, p: 16 }, // too much work
    { logN: 10, r: 8, p: 1 }, // too weak
    { logN: 15, r: 0, p: 1 },
    { logN: 15.5, r: 8, p: 1 },
    { logN: '15', r: 8, p: 1 },
  ];
  for (const params of hostile) {
    const f = clone(file) as unknown as { kdf: Record<string, unknown> };
    Object.assign(f.kdf, params);
    const started = performance.now();
    await assert.rejects(decryptShareFile(f, PASS), isCode('share_file_invalid'), JSON.stringify(params));
    assert.ok(performance.now() - started < 50, 'rejected without running scrypt');
  }
});

test('encrypt refuses weak passphrases, bad parameters and inconsistent shares', async () => {
  await assert.rejects(encryptShareFile(share, 'short'), TypeError);
  await assert.rejects(encryptShareFile(share, 42 as never), TypeError);
  await assert.rejects(encryptShareFile(share, PASS, { scrypt: { logN: 25, r: 8, p: 1 } }), RangeError);
  const wrong = { ...share, secret: shares[0]!.secret };
  await assert.rejects(encryptShareFile(wrong, PASS, { scrypt: FAST }), TypeError);
});

test('a file whose share does not match its commitments is refused even with the right passphrase', async () => {
  // Encrypting an inconsistent share through the API is refused outright…
  await assert.rejects(encryptShareFile({ ...shares[0]!, verificationKey: share.verificationKey }, PASS, { scrypt: FAST }), TypeError);
  // …so craft one by hand, following the documented format: a correctly authenticated file
  // carrying bob's public info but alice's share must still be rejected after decryption.
  const f = clone(await fileP);
  const salt = fromBase64Url(f.kdf.salt);
  const derived = scryptSync(PASS.normalize('NFKC'), salt, 64, { N: 2 ** f.kdf.logN, r: f.kdf.r, p: f.kdf.p, maxmem: 64 * 1024 * 1024 });
  const aesKey = derived.subarray(0, 32);
  const aad = frame(
    'mvid-trustee-share',
    u32be(1),
    f.trusteeSetId,
    f.trusteeId,
    u32be(f.trusteeIndex),
    u32be(f.threshold),
    f.verificationKey,
    frame(...f.commitments),
    frame('scrypt', u32be(f.kdf.logN), u32be(f.kdf.r), u32be(f.kdf.p), f.kdf.salt),
    frame('AES-256-GCM', f.cipher.nonce),
  );
  // Sanity: the format replica decrypts the genuine file.
  assert.deepEqual(aesGcmOpen(aesKey, fromBase64Url(f.cipher.nonce), fromBase64Url(f.ciphertext), aad), share.secret);
  f.ciphertext = toBase64Url(aesGcmSeal(aesKey, fromBase64Url(f.cipher.nonce), shares[0]!.secret, aad));
  await assert.rejects(decryptShareFile(f, PASS), isCode('share_file_invalid'));
});
