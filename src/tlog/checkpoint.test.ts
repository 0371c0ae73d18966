import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ManualClock } from '../core/index.ts';
import {
  type Checkpoint,
  CompactTree,
  addCheckpointRequest,
  addCosignatures,
  consistencyProof,
  cosignatureMessage,
  cosignatureTimestamp,
  cosigner,
  ed25519Signer,
  formatCheckpoint,
  openCheckpoint,
  openNote,
  parseCheckpoint,
  parseVerifierKey,
  signCheckpoint,
  signatureLine,
  signNote,
  verifyConsistency,
} from './index.ts';
import { ReferenceReader } from './vectors-fixture.ts';

const ORIGIN = 'mvid.example/log';
const clock = new ManualClock('2026-03-01T12:00:00Z');
const log = ed25519Signer(ORIGIN, new Uint8Array(32).fill(9));
const witnesses = [1, 2, 3].map((i) => cosigner(`witness.example/w${i}`, new Uint8Array(32).fill(20 + i), clock));
const decode = (b: Uint8Array) => new TextDecoder().decode(b);

function checkpointOf(n: number): Checkpoint {
  const tree = new CompactTree();
  for (let i = 0; i < n; i++) tree.appendEntry(new TextEncoder().encode(`e${i}`));
  return { origin: ORIGIN, size: tree.size, root: tree.root(), extensions: [] };
}

describe('checkpoints', () => {
  it('format and parse round trip', () => {
    const cp = checkpointOf(5);
    const text = formatCheckpoint(cp);
    assert.match(text, /^mvid\.example\/log\n5\n[A-Za-z0-9+/]{43}=\n$/);
    assert.deepEqual(parseCheckpoint(text), cp);
    const withExt = { ...cp, extensions: ['ext one', 'two'] };
    assert.deepEqual(parseCheckpoint(formatCheckpoint(withExt)), withExt);
    const big = { ...cp, size: (1n << 64n) - 1n };
    assert.deepEqual(parseCheckpoint(formatCheckpoint(big)), big);
  });

  it('refuses malformed checkpoint text', () => {
    const text = formatCheckpoint(checkpointOf(5));
    const [o, s, r] = text.split('\n');
    const bad = [
      `${o}\n${s}\n`,
      `${o}\n05\n${r}\n`,
      `${o}\n-5\n${r}\n`,
      `${o}\n18446744073709551616\n${r}\n`,
      `${o}\n5\n${r?.slice(0, -2)}=\n`,
      `${o}\n5\n${Buffer.alloc(31).toString('base64')}\n`,
      `${o}\n5\n${r}`,
      `${o}\n5\n${r}\n\n`,
      `\n5\n${r}\n`,
      `${o}\n 5\n${r}\n`,
    ];
    for (const t of bad) assert.throws(() => parseCheckpoint(t), { code: 'checkpoint_malformed' }, JSON.stringify(t));
  });

  it('opens a log-signed checkpoint and refuses others', () => {
    const cp = checkpointOf(7);
    const note = signCheckpoint(cp, [log]);
    assert.deepEqual(openCheckpoint(note, { origin: ORIGIN, log: log.verifier }).checkpoint, cp);
    assert.throws(() => openCheckpoint(note, { origin: 'other.example/log', log: log.verifier }), { code: 'note_unverified' });
    const stranger = ed25519Signer(ORIGIN, new Uint8Array(32).fill(10));
    assert.throws(() => openCheckpoint(signCheckpoint(cp, [stranger]), { origin: ORIGIN, log: log.verifier }), { code: 'note_unverified' });
    const rootTampered = decode(note).replace(/\n7\n/, '\n8\n');
    assert.throws(() => openCheckpoint(rootTampered, { origin: ORIGIN, log: log.verifier }), { code: 'note_signature_invalid' });
  });
});

describe('cosignatures', () => {
  const cp = checkpointOf(9);
  const text = formatCheckpoint(cp);
  const signed = signCheckpoint(cp, [log]);

  it('round trip: a cosignature verifies, carries its timestamp and a 0x04 key', () => {
    const line = signatureLine(text, witnesses[0]!);
    const opened = openNote(`${decode(signed)}${line}`, [witnesses[0]!.verifier]);
    assert.equal(opened.signatures.length, 1);
    assert.equal(cosignatureTimestamp(opened.signatures[0]!.signature), BigInt(Date.parse('2026-03-01T12:00:00Z') / 1000));
    const vkey = witnesses[0]!.verifier.vkey;
    assert.equal(Buffer.from(vkey.split('+')[2] as string, 'base64')[0], 0x04);
    assert.equal(parseVerifierKey(vkey).keyId, witnesses[0]!.keyId);
    assert.equal(decode(cosignatureMessage(5n, 'a\n')), 'cosignature/v1\ntime 5\na\n');
  });

  it('a cosignature is not a plain Ed25519 note signature, nor the other way round', () => {
    const plain = ed25519Signer('witness.example/w1', new Uint8Array(32).fill(21));
    assert.notEqual(plain.keyId, witnesses[0]!.keyId);
    const line = signatureLine(text, plain);
    assert.throws(() => openNote(`${decode(signed)}${line}`, [witnesses[0]!.verifier]), { code: 'note_unverified' });
  });

  it('tampering with the timestamp, the text or the signature is caught', () => {
    const line = signatureLine(text, witnesses[0]!);
    const raw = Buffer.from(line.trim().split(' ')[2] as string, 'base64');
    for (const at of [4 + 7, 4 + 8 + 3, raw.length - 1]) {
      const copy = Buffer.from(raw);
      copy[at] = (copy[at] as number) ^ 1;
      const forged = `\u2014 witness.example/w1 ${copy.toString('base64')}\n`;
      assert.throws(() => openNote(`${decode(signed)}${forged}`, [witnesses[0]!.verifier]), { code: 'note_signature_invalid' });
    }
    const otherText = formatCheckpoint({ ...cp, size: 10n });
    assert.throws(() => openNote(`${otherText}\n${line}`, [witnesses[0]!.verifier]), { code: 'note_signature_invalid' });
    const tooLate = Buffer.from(raw);
    tooLate[4] = 0x80; // timestamp >= 2^63
    assert.throws(() => openNote(`${decode(signed)}\u2014 witness.example/w1 ${tooLate.toString('base64')}\n`, [witnesses[0]!.verifier]), {
      code: 'note_signature_invalid',
    });
  });

  it('a cosigner signs checkpoints only', () => {
    assert.throws(() => signNote('not a checkpoint\n', [witnesses[0]!]), { code: 'checkpoint_malformed' });
  });
});

describe('witness policy', () => {
  const cp = checkpointOf(12);
  const text = formatCheckpoint(cp);
  const signed = signCheckpoint(cp, [log]);
  const verifiers = witnesses.map((w) => w.verifier);
  const options = (threshold: number) => ({ origin: ORIGIN, log: log.verifier, policy: { witnesses: verifiers, threshold } });

  it('k of n: counts distinct valid cosignatures by configured witnesses', () => {
    const two = addCosignatures(signed, [signatureLine(text, witnesses[0]!), signatureLine(text, witnesses[2]!)], verifiers);
    const opened = openCheckpoint(two, options(2));
    assert.deepEqual(
      opened.cosignatures.map((c) => c.name),
      ['witness.example/w1', 'witness.example/w3'],
    );
    assert.throws(() => openCheckpoint(two, options(3)), { code: 'witness_quorum_not_met' });
    assert.throws(() => openCheckpoint(signed, options(1)), { code: 'witness_quorum_not_met' });
    assert.throws(() => openCheckpoint(two, { ...options(1), policy: { witnesses: verifiers, threshold: 0 } }), TypeError);
  });

  it('a repeated cosignature by one witness counts once; unknown witnesses do not count', () => {
    const stranger = cosigner('witness.example/w9', new Uint8Array(32).fill(99), clock);
    const line = signatureLine(text, witnesses[0]!);
    const note = `${decode(signed)}${line}${line}${signatureLine(text, stranger)}`;
    assert.equal(openCheckpoint(note, options(1)).cosignatures.length, 1);
    assert.throws(() => openCheckpoint(note, options(2)), { code: 'witness_quorum_not_met' });
  });

  it('cosignatures from the future do not count when a clock is given', () => {
    const ahead = cosigner('witness.example/w1', new Uint8Array(32).fill(21), new ManualClock('2026-03-01T13:00:00Z'));
    const note = `${decode(signed)}${signatureLine(text, ahead)}`;
    assert.equal(openCheckpoint(note, options(1)).cosignatures.length, 1);
    assert.throws(() => openCheckpoint(note, { ...options(1), clock, maxFutureSeconds: 60 }), { code: 'witness_quorum_not_met' });
  });

  it('addCosignatures refuses a bad cosignature and keeps existing signatures', () => {
    const good = signatureLine(text, witnesses[1]!);
    const once = addCosignatures(signed, [good], verifiers);
    assert.equal(decode(addCosignatures(once, [good], verifiers)), decode(once));
    const raw = Buffer.from(good.trim().split(' ')[2] as string, 'base64');
    raw[40] = (raw[40] as number) ^ 1;
    const forged = `\u2014 witness.example/w2 ${raw.toString('base64')}\n`;
    assert.throws(() => addCosignatures(signed, [forged], verifiers), { code: 'note_signature_invalid' });
    assert.throws(() => addCosignatures(signed, ['junk\n'], verifiers), { code: 'note_malformed' });
  });

  it('builds add-checkpoint requests with a consistency proof that verifies', async () => {
    const entries = Array.from({ length: 12 }, (_, i) => new TextEncoder().encode(`e${i}`));
    const proof = await consistencyProof(new ReferenceReader(entries), 5n, 12n);
    const body = decode(addCheckpointRequest(5n, proof, signed));
    const [oldLine, ...rest] = body.split('\n');
    assert.equal(oldLine, 'old 5');
    const proofLines = rest.slice(0, rest.indexOf(''));
    assert.ok(
      verifyConsistency(
        5n,
        12n,
        proofLines.map((l) => new Uint8Array(Buffer.from(l, 'base64'))),
        checkpointOf(5).root,
        cp.root,
      ),
    );
    assert.ok(body.endsWith(decode(signed)));
    assert.equal(decode(addCheckpointRequest(0n, [], signed)), `old 0\n\n${decode(signed)}`);
    assert.throws(() => addCheckpointRequest(0n, proof, signed), TypeError);
  });
});
