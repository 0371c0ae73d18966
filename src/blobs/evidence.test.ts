import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { crc32, deflateSync } from 'node:zlib';
import fc from 'fast-check';
import { checkEvidence, DEFAULT_EVIDENCE_LIMITS, type EvidenceLimits, sniffEvidenceType } from './index.ts';

const MIB = 1024 * 1024;
const bytes = (...parts: Array<string | number[] | Uint8Array>): Uint8Array =>
  new Uint8Array(Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'latin1') : Buffer.from(p)))));
const u32 = (n: number) => [(n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff];

function pngChunk(type: string, data: Uint8Array): Uint8Array {
  const typed = bytes(type, data);
  return bytes(u32(data.length), typed, u32(crc32(typed)));
}

/** A real 1×1 RGBA PNG (optionally padded with a private chunk to a given size). */
export function png(padTo = 0): Uint8Array {
  const ihdr = pngChunk('IHDR', bytes(u32(1), u32(1), [8, 6, 0, 0, 0]));
  const idat = pngChunk('IDAT', new Uint8Array(deflateSync(Buffer.from([0, 255, 0, 0, 255]))));
  const iend = pngChunk('IEND', new Uint8Array(0));
  const head = bytes([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], ihdr, idat);
  const pad = Math.max(0, padTo - head.length - iend.length - 12);
  return pad > 0 ? bytes(head, pngChunk('prVt', new Uint8Array(pad)), iend) : bytes(head, iend);
}

const SAMPLES: Record<string, Uint8Array> = {
  'image/png': png(),
  'image/jpeg': bytes([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10], 'JFIF', [0, 1, 1, 0, 0, 1, 0, 1, 0, 0, 0xff, 0xd9]),
  'image/gif': bytes('GIF89a', [1, 0, 1, 0, 0, 0, 0], ',', [0, 0, 0, 0, 1, 0, 1, 0, 0, 2, 2, 0x44, 1, 0], ';'),
  'image/webp': bytes('RIFF', [26, 0, 0, 0], 'WEBP', 'VP8L', [13, 0, 0, 0, 0x2f, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]),
  'video/mp4': bytes(u32(24), 'ftyp', 'isom', u32(0x200), 'isom', 'mp41', u32(8), 'moov'),
  'video/webm': bytes(
    [0x1a, 0x45, 0xdf, 0xa3, 0x9f, 0x42, 0x86, 0x81, 0x01, 0x42, 0xf7, 0x81, 0x01, 0x42, 0x82, 0x84],
    'webm',
    [0x42, 0x87, 0x81, 0x04],
  ),
  'text/plain': bytes('2026-12-06T11:02:13Z [chat] tom: everyone says alice cheats 🙄\n\tat spawn\r\n\x1b[31mred\x1b[0m\n'),
};

const ELF = bytes([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0], new Uint8Array(56));
const PE = bytes('MZ', [0x90, 0, 3, 0, 0, 0, 4, 0, 0, 0, 0xff, 0xff], new Uint8Array(48));

function refused(code: string, check: () => unknown, detail?: RegExp): void {
  assert.throws(check, (error: { code?: string; message?: string }) => {
    assert.equal(error.code, code, error.message);
    if (detail) assert.match(error.message ?? '', detail);
    return true;
  });
}

describe('evidence type sniffing', () => {
  for (const [type, sample] of Object.entries(SAMPLES)) {
    it(`accepts ${type} declared as ${type}`, () => {
      assert.equal(sniffEvidenceType(sample), type);
      assert.equal(checkEvidence(sample, type), type);
    });
  }

  it('refuses a PNG declared as image/jpeg, naming both', () => {
    assert.throws(
      () => checkEvidence(png(), 'image/jpeg'),
      (e: { code?: string; extensions?: Record<string, unknown> }) =>
        e.code === 'evidence_type_unsupported' && e.extensions?.declared === 'image/jpeg' && e.extensions?.detected === 'image/png',
    );
  });

  it('refuses a text log that is not valid UTF-8', () => {
    refused('evidence_type_unsupported', () => checkEvidence(bytes('chat log: caf', [0xe9], ' ok\n'), 'text/plain'), /UTF-8/);
    refused('evidence_type_unsupported', () => checkEvidence(bytes('overlong ', [0xc0, 0xaf]), 'text/plain'), /UTF-8/);
    refused('evidence_type_unsupported', () => checkEvidence(bytes('surrogate ', [0xed, 0xa0, 0x80]), 'text/plain'), /UTF-8/);
    refused('evidence_type_unsupported', () => checkEvidence(bytes('nul\0byte'), 'text/plain'));
    refused(
      'evidence_type_unsupported',
      () => checkEvidence(SAMPLES['text/plain'] as Uint8Array, 'text/plain; charset=iso-8859-1'),
      /UTF-8/,
    );
  });

  it('refuses executables whatever they are declared as', () => {
    refused('evidence_type_unsupported', () => checkEvidence(ELF, 'image/png'), /ELF/);
    refused('evidence_type_unsupported', () => checkEvidence(PE, 'image/png'), /PE/);
    refused('evidence_type_unsupported', () => checkEvidence(bytes([0xcf, 0xfa, 0xed, 0xfe], new Uint8Array(28)), 'video/mp4'), /Mach-O/);
    refused('evidence_type_unsupported', () => checkEvidence(bytes('#!/bin/sh\nrm -rf /\n'), 'text/plain'), /script/);
  });

  it('refuses look-alikes and formats that are not on the list', () => {
    refused('evidence_type_unsupported', () => checkEvidence(bytes('<html><script>alert(1)</script>'), 'image/png'));
    refused('evidence_type_unsupported', () => checkEvidence(bytes(u32(24), 'ftyp', 'heic', u32(0), 'mif1', 'heic'), 'video/mp4'));
    refused('evidence_type_unsupported', () => checkEvidence(bytes(u32(20), 'ftyp', 'qt  ', u32(0), 'qt  '), 'video/mp4'));
    const mkv = bytes([0x1a, 0x45, 0xdf, 0xa3, 0xa3, 0x42, 0x82, 0x88], 'matroska');
    refused('evidence_type_unsupported', () => checkEvidence(mkv, 'video/webm'));
    refused('evidence_type_unsupported', () => checkEvidence(bytes('%PDF-1.7\n'), 'application/pdf'));
    refused('evidence_type_unsupported', () => checkEvidence(bytes([0x89], 'PNG', [0x0d, 0x0a, 0x1a, 0x0a]), 'image/png'));
    refused('evidence_type_unsupported', () => checkEvidence(new Uint8Array(0), 'text/plain'));
  });

  it('normalises the declared type: case, parameters and common aliases', () => {
    assert.equal(checkEvidence(png(), 'Image/PNG; name="shot.png"'), 'image/png');
    assert.equal(checkEvidence(SAMPLES['image/jpeg'] as Uint8Array, 'image/jpg'), 'image/jpeg');
    assert.equal(checkEvidence(SAMPLES['text/plain'] as Uint8Array, 'text/plain; charset=UTF-8'), 'text/plain');
    refused('evidence_type_unsupported', () => checkEvidence(png(), ''));
  });

  it('honours a narrower list of types', () => {
    const limits: EvidenceLimits = { maxBytes: MIB, types: ['image/png'] };
    assert.equal(checkEvidence(png(), 'image/png', limits), 'image/png');
    refused('evidence_type_unsupported', () => checkEvidence(SAMPLES['image/gif'] as Uint8Array, 'image/gif', limits), /not accepted/);
  });

  it('property: any bytes under any declared type are accepted as exactly what they are, or refused with an evidence code', () => {
    const declared = fc.constantFrom(...DEFAULT_EVIDENCE_LIMITS.types, 'application/octet-stream', 'text/html', '');
    const prefixes = fc.constantFrom(...Object.values(SAMPLES).map((s) => s.subarray(0, 16)), new Uint8Array(0));
    fc.assert(
      fc.property(prefixes, fc.uint8Array({ maxLength: 256 }), declared, (prefix, tail, type) => {
        const input = bytes(prefix, tail);
        try {
          const accepted = checkEvidence(input, type);
          assert.equal(accepted, type);
          assert.equal(sniffEvidenceType(input), type);
        } catch (error) {
          assert.ok(['evidence_type_unsupported', 'evidence_too_large'].includes((error as { code?: string }).code ?? ''), String(error));
        }
      }),
      { numRuns: 2000 },
    );
  });
});

describe('evidence size limits', () => {
  it('refuses an image over 10 MiB and accepts one just under', () => {
    assert.equal(checkEvidence(png(10 * MIB), 'image/png'), 'image/png');
    assert.throws(
      () => checkEvidence(png(10 * MIB + 1), 'image/png'),
      (e: { code?: string; extensions?: Record<string, unknown> }) => e.code === 'evidence_too_large' && e.extensions?.limit === 10 * MIB,
    );
  });

  it('allows clips up to 25 MiB and refuses anything over it before looking at the bytes', () => {
    const clip = new Uint8Array(20 * MIB);
    clip.set(SAMPLES['video/mp4'] as Uint8Array);
    assert.equal(checkEvidence(clip, 'video/mp4'), 'video/mp4');
    refused('evidence_too_large', () => checkEvidence(new Uint8Array(25 * MIB + 1), 'video/mp4'));
    refused('evidence_too_large', () => checkEvidence(bytes(ELF, new Uint8Array(25 * MIB)), 'image/png'));
  });

  it('uses custom limits, the overall ceiling capping any per-type one', () => {
    const limits: EvidenceLimits = { maxBytes: 1000, types: ['text/plain'], perTypeMaxBytes: { 'text/plain': 5000 } };
    assert.equal(checkEvidence(bytes('x'.repeat(1000)), 'text/plain', limits), 'text/plain');
    refused('evidence_too_large', () => checkEvidence(bytes('x'.repeat(1001)), 'text/plain', limits));
  });

  it('the defaults: 10 MiB images and logs, 25 MiB clips', () => {
    const limits = DEFAULT_EVIDENCE_LIMITS.perTypeMaxBytes ?? {};
    for (const type of DEFAULT_EVIDENCE_LIMITS.types) assert.equal(limits[type], type.startsWith('video/') ? 25 * MIB : 10 * MIB, type);
    assert.equal(DEFAULT_EVIDENCE_LIMITS.maxBytes, 25 * MIB);
    assert.ok(Object.isFrozen(DEFAULT_EVIDENCE_LIMITS) && Object.isFrozen(DEFAULT_EVIDENCE_LIMITS.types));
  });
});
