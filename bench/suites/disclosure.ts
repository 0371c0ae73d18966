/**
 * The compute of a 3-of-5 threshold release. The release itself is the authority's
 * work on its own machine: open the three sealed shares, verify every DLEQ proof,
 * combine by Lagrange interpolation and decrypt the envelope (the target's figure).
 * Each trustee's part — a DLEQ-proved partial decryption sealed to the authority — runs
 * on that trustee's machine, in parallel with the others; it is reported on its own.
 * No database, no HTTP; the ceremony and the envelope are prepared outside the timing.
 */
import { utf8 } from '../../src/core/index.ts';
import {
  dealEscrowKey,
  generateRecipientKeyPair,
  loadSodium,
  partialDecrypt,
  sealEnvelope,
  sealToRecipient,
} from '../../src/crypto/index.ts';
import { openRelease, type ReleaseMaterial, sharesAad } from '../../src/disclosure/index.ts';
import { provenSubject, TEST_PSEUDONYM_KEY } from '../../src/disclosure/testkit.ts';
import { timeEach } from '../harness/measure.ts';
import { median } from '../harness/stats.ts';
import { defineSuite } from '../harness/types.ts';

const REQUEST = '00000000-0000-4000-8000-000000000001';

interface State {
  release(): void;
  trusteeShare(): void;
}

export default defineSuite<State>({
  name: 'disclosure',
  title: 'Lawful disclosure: 3-of-5 threshold release',
  kind: 'mvid',
  async setup() {
    // As `mvid authority fetch` does before it opens a release: its DLEQ checks then run on libsodium.
    await loadSodium();
    const { trusteeSet, shares } = dealEscrowKey({ threshold: 3, trustees: ['alice', 'bob', 'carol', 'dave', 'erin'] });
    const authority = generateRecipientKeyPair();
    const envelope = sealEnvelope({
      escrowPublicKey: trusteeSet.escrowPublicKey,
      envelopeId: '00000000-0000-4000-8000-000000000002',
      personId: 'person-1',
      trusteeSetId: trusteeSet.id,
      fieldGroup: 'name_birth',
      plaintext: utf8(JSON.stringify({ v: 1, given_name: 'Tom', family_name: 'Tiddler', birthdate: '1994-03-14' }).padEnd(256, ' ')),
    });
    const subject = provenSubject('w', [envelope]);
    const seal = (share: (typeof shares)[number]) => {
      const partial = partialDecrypt({ share, c1: envelope.c1, requestId: REQUEST, envelopeId: envelope.envelopeId });
      const payload = utf8(JSON.stringify({ version: 1, requestId: REQUEST, trusteeIndex: share.index, partials: [partial] }));
      return { trusteeIndex: share.index, sealed: sealToRecipient(authority.publicKey, payload, sharesAad(REQUEST, share.index)) };
    };
    const material = {
      requestId: REQUEST,
      trusteeSet,
      pseudonymKey: TEST_PSEUDONYM_KEY.publicKey,
      subject,
      // openRelease checks the envelopes are the requested field groups, covered by the order.
      offence: { fieldGroups: ['name_birth'] },
      courtOrder: { fieldGroups: ['name_birth'] },
      envelopes: [envelope],
      shares: shares.slice(1, 4).map(seal),
    } as unknown as ReleaseMaterial;
    return {
      release() {
        const opened = openRelease(material, authority.secretKey);
        if (opened.envelopes[0]?.fields.given_name !== 'Tom') throw new Error('the release did not decrypt');
      },
      trusteeShare() {
        seal(shares[0] as (typeof shares)[number]);
      },
    };
  },
  benchmarks: [
    {
      id: 'disclosure.release.3of5',
      metrics: [
        {
          id: 'disclosure.release.3of5',
          title: '3-of-5 threshold release (compute)',
          unit: 'ms',
          better: 'lower',
          note: 'median wall time of the authority’s side: unseal 3 shares (ECIES), verify 3 DLEQ proofs (libsodium, loaded as `mvid authority fetch` loads it), Lagrange-combine, AES-GCM open; one thread',
        },
      ],
      async run(state, rep) {
        return { 'disclosure.release.3of5': median(await timeEach(() => state.release(), rep.seconds, 10)) };
      },
    },
    {
      id: 'disclosure.trustee-share',
      metrics: [
        {
          id: 'disclosure.trustee-share',
          title: 'One trustee’s share (compute)',
          unit: 'ms',
          better: 'lower',
          note: 'median wall time on the trustee’s machine: x_i·C1 with a DLEQ proof bound to request and envelope, sealed to the authority; trustees run in parallel',
        },
      ],
      async run(state, rep) {
        return { 'disclosure.trustee-share': median(await timeEach(() => state.trusteeShare(), rep.seconds, 10)) };
      },
    },
  ],
});
