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
import { provenSubject, TEST_PSEUDONYM_KEY } from './testkit.ts';
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
    pseudonymKey: TEST_PSEUDONYM_KEY.publicKey,
    subject: provenSubject('w', [named]),
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
    (e: MvidError) => e.code === 'subject_binding_invalid',
  );
});

it('refuses another person’s envelope under a proven pseudonym, and a proof that is not for the target (issue 12, attack 2)', () => {
  const { authority, sealedBy, material, envelopes } = fixture();
  const m = material([sealedBy(1), sealedBy(2), sealedBy(3)]);
  const named = envelopes[0] as (typeof envelopes)[number];
  // Someone else's envelope carrying the committed id, group and C1: its header names its own person.
  const otherPersons = [{ ...named, personId: 'person-2' }];
  assert.throws(() => openRelease({ ...m, envelopes: otherPersons }, authority.secretKey), { code: 'subject_binding_invalid' });
  // The proof of another person id, or for another pseudonym, or under another key.
  const other = provenSubject('w', [{ ...named, personId: 'person-2' }]);
  for (const subject of [
    { ...m.subject, pseudonymProof: other.pseudonymProof },
    { ...m.subject, personId: 'person-2' },
    { ...m.subject, target: other.target },
    { ...m.subject, worldId: 'another-world' },
  ])
    assert.throws(() => openRelease({ ...m, subject }, authority.secretKey), { code: 'subject_binding_invalid' });
  assert.throws(() => openRelease({ ...m, pseudonymKey: other.target }, authority.secretKey), { code: 'subject_binding_invalid' });
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
