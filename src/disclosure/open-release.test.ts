/**
 * The authority's side, without a server: sealed shares open only with its key and
 * only for their own request and trustee; a bad partial is named and routed around;
 * the server cannot substitute an envelope; the order document reaches only trustees.
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { fromBase64Url, type MvidError, toBase64Url, utf8 } from '../core/index.ts';
import { dealEscrowKey, generateRecipientKeyPair, partialDecrypt, sealEnvelope, sealToRecipient } from '../crypto/index.ts';
import { openRelease } from './authority-client.ts';
import { encryptOrderDocument, openOrderDocument } from './order-document.ts';
import type { OpenableRelease } from './authority-client.ts';
import { sharesAad } from './trustee-client.ts';

const REQUEST = '00000000-0000-4000-8000-00000000000a';

function fixture() {
  const { trusteeSet, shares } = dealEscrowKey({ threshold: 3, trustees: ['alice', 'bob', 'carol', 'dave', 'erin'] });
  const authority = generateRecipientKeyPair();
  const envelopes = ['name_birth', 'contact'].map((fieldGroup, i) =>
    sealEnvelope({
      escrowPublicKey: trusteeSet.escrowPublicKey,
      envelopeId: `00000000-0000-4000-8000-00000000010${i}`,
      personId: 'person-1',
      trusteeSetId: trusteeSet.id,
      fieldGroup,
      plaintext: utf8(JSON.stringify({ v: 1, group: fieldGroup, given_name: 'Tom' })),
    }),
  );
  const named = envelopes[0];
  assert.ok(named);
  const sealedBy = (index: number, mutate?: (p: ReturnType<typeof partialDecrypt>) => object) => {
    const share = shares[index - 1];
    assert.ok(share);
    const partial = partialDecrypt({ share, c1: named.c1, requestId: REQUEST, envelopeId: named.envelopeId });
    const payload = { version: 1, requestId: REQUEST, trusteeIndex: index, partials: [mutate ? mutate(partial) : partial] };
    return { trusteeIndex: index, sealed: sealToRecipient(authority.publicKey, utf8(JSON.stringify(payload)), sharesAad(REQUEST, index)) };
  };
  const material = (shareList: OpenableRelease['shares']): OpenableRelease => ({
    requestId: REQUEST,
    trusteeSet,
    subject: {
      worldId: 'w',
      target: 't',
      envelopes: [{ fieldGroup: 'name_birth', envelopeId: named.envelopeId, c1: named.c1 }],
      salt: 's',
    },
    courtOrder: {
      court: 'c',
      reference: 'r',
      date: '2026-05-01',
      documentSha256: 'a'.repeat(64),
      fieldGroups: ['name_birth'] as string[],
      salt: 's',
    },
    offence: {
      category: 'fraud',
      statute: 'StGB § 263',
      emergency: false,
      fieldGroups: ['name_birth'],
      jurisdiction: 'DE',
      notificationDelayDays: 30,
    },
    envelopes,
    shares: shareList,
  });
  return { authority, sealedBy, material, envelopes };
}

it('opens exactly the committed envelope with three good shares, naming a fourth bad one', () => {
  const { authority, sealedBy, material } = fixture();
  const bad = sealedBy(2, (p) => ({
    ...p,
    d: partialDecrypt({
      share: dealEscrowKey({ threshold: 1, trustees: ['x'] }).shares[0] as never,
      c1: p.d,
      requestId: REQUEST,
      envelopeId: p.envelopeId,
    }).d,
  }));
  const opened = openRelease(material([sealedBy(1), bad, sealedBy(3), sealedBy(4)]), authority.secretKey);
  assert.deepEqual(
    opened.envelopes.map((e) => e.fieldGroup),
    ['name_birth'],
  );
  assert.equal(opened.envelopes[0]?.fields.given_name, 'Tom');
  assert.deepEqual(
    opened.badTrustees.map((b) => [b.trusteeId, b.reason]),
    [['bob', 'invalid_proof']],
  );
  assert.deepEqual(opened.envelopes[0]?.usedTrustees, [1, 3, 4]);
});

it('a share moved to another trustee or request does not open; too few good shares name the culprit', () => {
  const { authority, sealedBy, material } = fixture();
  const moved = { trusteeIndex: 2, sealed: sealedBy(3).sealed };
  assert.throws(
    () => openRelease(material([sealedBy(1), moved, sealedBy(4)]), authority.secretKey),
    (e: MvidError) => e.code === 'share_invalid' || e.code === 'threshold_not_met',
  );
  const opened = openRelease(material([sealedBy(1), moved, sealedBy(4), sealedBy(5)]), authority.secretKey);
  assert.deepEqual(
    opened.badTrustees.map((b) => [b.trusteeId, b.reason]),
    [['bob', 'malformed']],
  );
  const other = generateRecipientKeyPair();
  assert.throws(
    () => openRelease(material([sealedBy(1), sealedBy(3), sealedBy(4)]), other.secretKey),
    (e: MvidError) => e.code === 'share_invalid',
  );
});

it('refuses an envelope the request did not commit to (a server swapping ciphertexts)', () => {
  const { authority, sealedBy, material, envelopes } = fixture();
  const m = material([sealedBy(1), sealedBy(2), sealedBy(3)]);
  const swapped = {
    ...m,
    envelopes: [
      {
        ...(envelopes[1] as (typeof envelopes)[number]),
        envelopeId: m.subject.envelopes[0]?.envelopeId as string,
        fieldGroup: 'name_birth',
      },
    ],
  };
  assert.throws(
    () => openRelease(swapped, authority.secretKey),
    (e: MvidError) => e.code === 'request_mismatch',
  );
});

it('the court-order document opens for each trustee with a key, and only as the document the order names', () => {
  const t1 = generateRecipientKeyPair();
  const t2 = generateRecipientKeyPair();
  const doc = utf8('Beschluss 1 Gs 2/26');
  const { documentSha256, orderDocument } = encryptOrderDocument(doc, [
    { trusteeIndex: 1, encryptionKey: t1.publicKey },
    { trusteeIndex: 2, encryptionKey: t2.publicKey },
    { trusteeIndex: 3, encryptionKey: null },
  ]);
  assert.deepEqual(
    orderDocument.keys.map((k) => k.trusteeIndex),
    [1, 2],
  );
  const mine = (i: number) => ({
    nonce: orderDocument.nonce,
    ciphertext: orderDocument.ciphertext,
    sealedKey: orderDocument.keys.find((k) => k.trusteeIndex === i)?.sealed ?? null,
  });
  assert.deepEqual(openOrderDocument(mine(2), t2.secretKey, documentSha256), doc);
  assert.throws(
    () => openOrderDocument(mine(3), t1.secretKey, documentSha256),
    (e: MvidError) => e.code === 'request_mismatch',
  );
  assert.throws(
    () => openOrderDocument(mine(1), t2.secretKey, documentSha256),
    (e: MvidError) => e.code === 'sealed_message_invalid',
  );
  assert.throws(
    () => openOrderDocument(mine(1), t1.secretKey, 'b'.repeat(64)),
    (e: MvidError) => e.code === 'sealed_message_invalid',
  );
  const bytes = fromBase64Url(orderDocument.ciphertext);
  bytes[0] = (bytes[0] as number) ^ 1;
  assert.throws(
    () => openOrderDocument({ ...mine(1), ciphertext: toBase64Url(bytes) }, t1.secretKey, documentSha256),
    (e: MvidError) => e.code === 'request_mismatch',
  );
});
