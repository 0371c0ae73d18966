import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MvidError, SeededRandom, fromBase64Url, toBase64Url, utf8 } from '../core/index.ts';
import { generateRecipientKeyPair, openFromSender, recipientPublicKey, sealToRecipient } from './seal.ts';
import type { SealedMessage } from './seal.ts';
import { dealEscrowKey } from './feldman.ts';
import { sealEnvelope } from './envelope.ts';
import { partialDecrypt, verifyPartial } from './threshold.ts';

const isCode = (code: string) => (e: unknown) => e instanceof MvidError && e.code === code;
const recipient = generateRecipientKeyPair();
const AAD = utf8('request req-1');
const message = utf8('a partial decryption');

test('seal and open round trip, through JSON and base64url keys', () => {
  const sealed = sealToRecipient(recipient.publicKey, message, AAD);
  assert.deepEqual(Object.keys(sealed).sort(), ['ciphertext', 'epk', 'nonce', 'version']);
  // The secret key serialises as base64url and back.
  const secret = fromBase64Url(toBase64Url(recipient.secretKey));
  assert.equal(recipientPublicKey(secret), recipient.publicKey);
  assert.deepEqual(openFromSender(secret, JSON.parse(JSON.stringify(sealed)), AAD), message);
  assert.deepEqual(
    openFromSender(recipient.secretKey, sealToRecipient(recipient.publicKey, new Uint8Array(0), AAD), AAD),
    new Uint8Array(0),
  );
});

test('key generation uses the injected randomness', () => {
  assert.deepEqual(generateRecipientKeyPair(new SeededRandom(9)), generateRecipientKeyPair(new SeededRandom(9)));
  assert.notEqual(generateRecipientKeyPair().publicKey, recipient.publicKey);
});

test('wrong key, wrong AAD and tampering all fail with sealed_message_invalid', () => {
  const sealed = sealToRecipient(recipient.publicKey, message, AAD);
  const other = generateRecipientKeyPair();
  assert.throws(() => openFromSender(other.secretKey, sealed, AAD), isCode('sealed_message_invalid'));
  assert.throws(() => openFromSender(recipient.secretKey, sealed, utf8('request req-2')), isCode('sealed_message_invalid'));
  const flip = (b64: string) => {
    const b = fromBase64Url(b64);
    b[b.length - 1]! ^= 1;
    return toBase64Url(b);
  };
  const mutations: Array<Partial<SealedMessage> | Record<string, unknown>> = [
    { ciphertext: flip(sealed.ciphertext) },
    { nonce: flip(sealed.nonce) },
    { epk: other.publicKey },
    { epk: toBase64Url(new Uint8Array(32)) }, // identity ephemeral key
    { epk: toBase64Url(new Uint8Array(32).fill(0xff)) }, // not a canonical field element
    { epk: toBase64Url(Uint8Array.from(fromBase64Url(sealed.epk), (b, i) => (i === 0 ? b | 1 : b))) }, // a "negative" encoding
    { epk: toBase64Url(fromBase64Url(sealed.epk).subarray(0, 31)) },
    { epk: 'junk' },
    { version: 2 },
    { ciphertext: '' },
  ];
  for (const m of mutations) {
    assert.throws(() => openFromSender(recipient.secretKey, { ...sealed, ...m }, AAD), isCode('sealed_message_invalid'), JSON.stringify(m));
  }
  assert.throws(() => openFromSender(recipient.secretKey, null, AAD), isCode('sealed_message_invalid'));
});

test('misuse is a TypeError; a bad public key is a data error', () => {
  assert.throws(() => sealToRecipient(recipient.publicKey, 'x' as never, AAD), TypeError);
  assert.throws(() => sealToRecipient(toBase64Url(new Uint8Array(32)), message, AAD), isCode('crypto_encoding_invalid'));
  assert.throws(() => openFromSender(new Uint8Array(32), sealToRecipient(recipient.publicKey, message, AAD), AAD), TypeError);
  assert.throws(() => recipientPublicKey(new Uint8Array(31)), TypeError);
});

test('carrying a partial decryption to the authority: the server sees only ciphertext', () => {
  const { trusteeSet, shares } = dealEscrowKey({ threshold: 2, trustees: ['a', 'b'] });
  const envelope = sealEnvelope({
    escrowPublicKey: trusteeSet.escrowPublicKey,
    envelopeId: 'e',
    personId: 'p',
    trusteeSetId: trusteeSet.id,
    fieldGroup: 'g',
    plaintext: utf8('x'),
  });
  const partial = partialDecrypt({ share: shares[0]!, c1: envelope.c1, requestId: 'req-1', envelopeId: 'e' });
  const sealed = sealToRecipient(recipient.publicKey, utf8(JSON.stringify(partial)), AAD);
  assert.ok(!JSON.stringify(sealed).includes(partial.d));
  const opened = JSON.parse(new TextDecoder().decode(openFromSender(recipient.secretKey, sealed, AAD)));
  assert.ok(
    verifyPartial(opened, {
      verificationKey: trusteeSet.trustees[0]!.verificationKey,
      c1: envelope.c1,
      requestId: 'req-1',
      envelopeId: 'e',
    }),
  );
});
