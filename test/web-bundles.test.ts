/**
 * The browser bundles (src/web/assets/, built by `npm run web:build` from src/web/browser/)
 * are exactly what esbuild makes from today's sources, and the node:crypto and Buffer shims
 * they run on compute what Node does: the bundles reuse src/tlog as it is.
 */
import assert from 'node:assert/strict';
import { createHash, generateKeyPairSync, sign } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { it } from 'node:test';
import { ASSETS_DIR, buildBundles } from '../scripts/build-web.ts';
import { Buffer as ShimBuffer } from '../src/web/browser/buffer-shim.ts';
import * as shim from '../src/web/browser/node-crypto-shim.ts';

it('every committed bundle is what npm run web:build makes from the current sources', async () => {
  const built = await buildBundles();
  assert.ok(built.size > 0);
  for (const [file, text] of built) {
    assert.equal(readFileSync(join(ASSETS_DIR, file), 'utf8'), text, `src/web/assets/${file} is out of date: run npm run web:build`);
    assert.doesNotMatch(text, /\brequire\(|from\s*["']node:/, `${file} still needs Node`);
  }
});

it('the node:crypto shim hashes and verifies Ed25519 as node:crypto does, and refuses forgeries', () => {
  const data = new TextEncoder().encode('mvid checkpoint\n42\n');
  assert.deepEqual(
    new Uint8Array(shim.createHash('sha256').update(data).digest() as Uint8Array),
    new Uint8Array(createHash('sha256').update(data).digest()),
  );
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const spki = new Uint8Array(publicKey.export({ format: 'der', type: 'spki' }));
  const signature = new Uint8Array(sign(null, data, privateKey));
  const key = shim.createPublicKey({ key: spki });
  assert.equal(shim.verify(null, data, key, signature), true);
  const forged = signature.slice();
  forged[0] = (forged[0] as number) ^ 1;
  assert.equal(shim.verify(null, data, key, forged), false);
  assert.equal(shim.verify(null, new TextEncoder().encode('other'), key, signature), false);
  assert.equal(shim.verify(null, data, key, signature.subarray(0, 10)), false);
  assert.deepEqual(
    new Uint8Array(shim.createHash('sha512').update(data).digest() as Uint8Array),
    new Uint8Array(createHash('sha512').update(data).digest()),
  );
  assert.throws(() => shim.createHash('md5'));
});

it('the Buffer shim encodes and decodes as Buffer does', () => {
  const bytes = Uint8Array.from({ length: 67 }, (_, i) => (i * 37) & 0xff);
  for (const enc of ['hex', 'base64', 'base64url'] as const) {
    const text = Buffer.from(bytes).toString(enc);
    assert.equal(ShimBuffer.from(bytes).toString(enc), text, enc);
    assert.deepEqual(new Uint8Array(ShimBuffer.from(text, enc)), bytes, enc);
  }
  assert.equal(ShimBuffer.from('héllo', 'utf8').toString(), 'héllo');
  assert.equal(ShimBuffer.compare(bytes, bytes.slice()), 0);
  assert.equal(ShimBuffer.compare(Uint8Array.of(1), Uint8Array.of(2)), -1);
  assert.deepEqual(new Uint8Array(ShimBuffer.concat([Uint8Array.of(1), Uint8Array.of(2, 3)])), Uint8Array.of(1, 2, 3));
  assert.deepEqual(new Uint8Array(ShimBuffer.from(bytes.buffer, 3, 4)), bytes.subarray(3, 7));
  assert.equal(ShimBuffer.from(bytes).readUInt32BE(5), Buffer.from(bytes).readUInt32BE(5));
  assert.deepEqual(new Uint8Array(ShimBuffer.alloc(3)), new Uint8Array(3));
});

it('the shim seals and opens AES-256-GCM, HMAC, HKDF and scrypt as node:crypto does, and refuses a tampered message', async () => {
  const { aesGcmOpen, aesGcmSeal } = await import('../src/crypto/symmetric.ts');
  const node = await import('node:crypto');
  const key = node.randomBytes(32);
  const nonce = node.randomBytes(12);
  const aad = new TextEncoder().encode('aad');
  const message = new TextEncoder().encode('the court order');
  const sealed = aesGcmSeal(key, nonce, message, aad);
  const c = shim.createCipheriv('aes-256-gcm', key, nonce);
  c.setAAD(aad);
  assert.deepEqual(new Uint8Array([...c.update(message), ...c.final(), ...c.getAuthTag()]), sealed);
  const open = (bytes: Uint8Array, extra = aad) => {
    const d = shim.createDecipheriv('aes-256-gcm', key, nonce);
    d.setAAD(extra);
    d.setAuthTag(bytes.subarray(bytes.length - 16));
    const body = d.update(bytes.subarray(0, bytes.length - 16));
    d.final();
    return new Uint8Array(body);
  };
  assert.deepEqual(open(sealed), message);
  assert.deepEqual(aesGcmOpen(key, nonce, sealed, aad), message);
  const tampered = sealed.slice();
  tampered[0] = (tampered[0] as number) ^ 1;
  assert.throws(() => open(tampered));
  assert.throws(() => open(sealed, new TextEncoder().encode('other aad')));
  assert.deepEqual(
    new Uint8Array(shim.createHmac('sha256', key).update(message).digest()),
    new Uint8Array(node.createHmac('sha256', key).update(message).digest()),
  );
  assert.deepEqual(
    new Uint8Array(shim.hkdfSync('sha256', key, '', 'info', 42)),
    new Uint8Array(node.hkdfSync('sha256', key, '', 'info', 42)),
  );
  const params = { N: 1024, r: 8, p: 1 };
  const viaShim = await new Promise<Uint8Array>((resolve, reject) =>
    shim.scrypt('pass', 'salt', 32, params, (e, d) => (e ? reject(e) : resolve(new Uint8Array(d)))),
  );
  assert.deepEqual(viaShim, new Uint8Array(node.scryptSync('pass', 'salt', 32, params)));
});
