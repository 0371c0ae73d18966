import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SeededRandom } from '../core/index.ts';
import {
  type NoteVerifier,
  ed25519Signer,
  generateNoteKey,
  noteKeyId,
  openNote,
  parseNote,
  parseSignerKey,
  parseVerifierKey,
  signNote,
} from './index.ts';
import { readVectorJson } from './vectors-fixture.ts';

interface OpenCase {
  desc: string;
  msg: string;
  verifiers: string[];
  ok: boolean;
  verified?: string[];
  unverified?: string[];
  error?: string;
}
interface NoteVectors {
  signerKey: string;
  verifierKeys: Record<string, string>;
  text: string;
  signedByPeter: string;
  open: OpenCase[];
}

const vectors = readVectorJson<NoteVectors>('signed-note.json');
const ERROR_CODES: Record<string, string> = {
  malformed: 'note_malformed',
  'invalid signature': 'note_signature_invalid',
  'no verifiable signatures': 'note_unverified',
};
const utf8 = (s: string) => new TextEncoder().encode(s);

describe('signed-note vectors', () => {
  it('signing the text with the signer key gives exactly the expected note', () => {
    const signer = parseSignerKey(vectors.signerKey);
    assert.equal(new TextDecoder().decode(signNote(vectors.text, [signer])), vectors.signedByPeter);
    assert.equal(signer.verifier.vkey, vectors.verifierKeys.peter);
  });

  for (const c of vectors.open) {
    it(`open: ${c.desc}`, () => {
      const verifiers = c.verifiers.map((k) => parseVerifierKey(vectors.verifierKeys[k] as string));
      if (c.ok) {
        const opened = openNote(utf8(c.msg), verifiers);
        assert.equal(opened.text, vectors.text);
        assert.deepEqual(
          opened.signatures.map((s) => s.name),
          c.verified,
        );
        assert.deepEqual(
          opened.unverified.map((s) => s.name),
          c.unverified ?? [],
        );
      } else {
        const code = ERROR_CODES[c.error as string];
        assert.ok(code, `unmapped vector error ${c.error}`);
        assert.throws(() => openNote(utf8(c.msg), verifiers), { name: 'MvidError', code });
      }
    });
  }
});

describe('note keys', () => {
  it('parses the vector verifier keys and recomputes their key IDs', () => {
    const peter = parseVerifierKey(vectors.verifierKeys.peter as string);
    assert.equal(peter.name, 'PeterNeumann');
    assert.equal(peter.keyId, 0xc74f20a3);
    assert.equal(peter.vkey, vectors.verifierKeys.peter);
  });

  it('refuses malformed or mismatched keys with note_key_invalid', () => {
    const good = vectors.verifierKeys.peter as string;
    const bad = [
      good.replace('c74f20a3', 'c74f20a4'),
      good.replace('+c74f20a3+', '+c74f20a+'),
      good.replace('PeterNeumann', 'Peter Neumann'),
      good.replace('ARpc', 'Apc'),
      good.slice(0, -4),
      'PeterNeumann+c74f20a3+',
      `PeterNeumann+${noteKeyId('PeterNeumann', 0x09, new Uint8Array(32)).toString(16).padStart(8, '0')}+${Buffer.concat([Buffer.from([9]), Buffer.alloc(32)]).toString('base64')}`,
    ];
    for (const vkey of bad) assert.throws(() => parseVerifierKey(vkey), { code: 'note_key_invalid' }, vkey);
    assert.throws(() => parseSignerKey(vectors.signerKey.replace('PRIVATE+KEY', 'PRIVATE+KEX')), { code: 'note_key_invalid' });
    assert.throws(() => parseSignerKey(vectors.signerKey.replace('c74f20a3', '00000000')), { code: 'note_key_invalid' });
  });

  it('generates key pairs that sign and verify', () => {
    const { skey, vkey } = generateNoteKey('mvid.example/log', new SeededRandom(7));
    const note = signNote('hello\n', [parseSignerKey(skey)]);
    assert.equal(openNote(note, [parseVerifierKey(vkey)]).text, 'hello\n');
    assert.match(skey, /^PRIVATE\+KEY\+mvid\.example\/log\+[0-9a-f]{8}\+/);
  });
});

describe('opening notes', () => {
  const signer = ed25519Signer('log.example/a', new Uint8Array(32).fill(1));
  const other = ed25519Signer('log.example/b', new Uint8Array(32).fill(2));

  it('keeps text with blank lines, splitting at the last blank line', () => {
    const text = 'first\n\nthird\n';
    const opened = openNote(signNote(text, [signer, other]), [signer.verifier]);
    assert.equal(opened.text, text);
    assert.deepEqual(
      opened.unverified.map((s) => s.name),
      ['log.example/b'],
    );
  });

  it('ignores a key that shares only the name or only the ID with a known key', () => {
    const impostor = ed25519Signer('log.example/a', new Uint8Array(32).fill(3));
    const note = signNote('x\n', [impostor, signer]);
    assert.equal(openNote(note, [signer.verifier]).signatures.length, 1);
    const sameIdOtherName: NoteVerifier = { name: 'log.example/z', keyId: signer.keyId, verify: () => true };
    assert.throws(() => openNote(signNote('x\n', [signer]), [sameIdOtherName]), { code: 'note_unverified' });
  });

  it('rejects a note whose known signature fails, even if another verifies', () => {
    const note = new TextDecoder().decode(signNote('x\n', [signer, other]));
    const tampered = note.replace('x\n', 'y\n');
    assert.throws(() => openNote(tampered, [signer.verifier]), { code: 'note_signature_invalid' });
    const [, , lineA, lineB] = note.split('\n') as [string, string, string, string];
    const raw = Buffer.from(lineA.split(' ')[2] as string, 'base64');
    raw[10] = (raw[10] as number) ^ 0x80;
    const forged = `x\n\n\u2014 log.example/a ${raw.toString('base64')}\n${lineB}\n`;
    assert.throws(() => openNote(forged, [signer.verifier, other.verifier]), { code: 'note_signature_invalid' });
    assert.equal(openNote(forged, [other.verifier]).signatures[0]?.name, 'log.example/b');
  });

  it('rejects malformed notes', () => {
    const good = new TextDecoder().decode(signNote('x\n', [signer]));
    const line = good.split('\n')[2] as string;
    const bad = [
      good.replace('\u2014 ', '- '),
      good.replace('\u2014 ', '\u2014  '),
      `x\n\n${line}\r\n`,
      `x\n\n${line}\n\n`,
      `\ufeff${good}`.replace('\ufeff', '\u0000'),
      good.replace(/=\n$/, '\n'),
      `x\n\n${line.slice(0, line.indexOf(' ', 2))} AAAA\n`,
      `x\n\n${line}\n${'\u2014 a AAAAAAA=\n'.repeat(100)}`,
    ];
    for (const note of bad) assert.throws(() => openNote(note, [signer.verifier]), { code: 'note_malformed' }, JSON.stringify(note));
    const invalidUtf8 = new Uint8Array([...new TextEncoder().encode('x'), 0xff, ...new TextEncoder().encode(good.slice(1))]);
    assert.throws(() => openNote(invalidUtf8, [signer.verifier]), { code: 'note_malformed' });
  });

  it('refuses to sign text that could not be opened', () => {
    for (const text of ['no newline', 'tab\there\n', '\ud800\n']) assert.throws(() => signNote(text, [signer]), { code: 'note_malformed' });
    assert.throws(() => signNote('x\n', []), TypeError);
    assert.throws(() => openNote('x\n', [signer.verifier, signer.verifier]), TypeError);
  });

  it('parseNote splits without trusting', () => {
    const parsed = parseNote(signNote('x\n', [signer, other]));
    assert.equal(parsed.text, 'x\n');
    assert.equal(parsed.signatures.length, 2);
    assert.equal(parsed.signatures[0]?.keyId, signer.keyId);
  });
});
