import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { ENTRY_SCHEMAS, ENTRY_VERSION, type LogEvent, MAX_ENTRY_BYTES, encodeEntry, entryTime, parseEntry } from './index.ts';

const utf8 = (s: string) => new TextEncoder().encode(s);
const text = (b: Uint8Array) => new TextDecoder().decode(b);
const REQ = '3f2b8c1e-4d5a-4b6c-9d7e-0a1b2c3d4e5f';
// 32-byte values in base64url, as mvid writes digests (e.g. trustee-set ids, personRef).
const ENV = Buffer.alloc(32, 0x5a).toString('base64url');
const H = Buffer.alloc(32, 0xab).toString('base64url');
const T = '2026-03-01T12:00:00Z';

const examples: LogEvent[] = [
  {
    type: 'disclosure_request',
    time: T,
    request: REQ,
    authority: ENV,
    subject: H,
    courtOrder: H,
    offence: H,
    trusteeSet: ENV,
    expires: '2026-04-01T00:00:00Z',
  },
  { type: 'trustee_approval', time: T, request: REQ, trustee: ENV, statement: H },
  { type: 'trustee_denial', time: T, request: REQ, trustee: ENV, reason: 'not_an_offence', statement: H },
  { type: 'release', time: T, request: REQ, envelope: ENV, approvals: 3, transcript: H },
  { type: 'release_receipt', time: T, request: REQ, envelope: ENV, authority: ENV, receipt: H },
  { type: 'request_expired', time: T, request: REQ },
  { type: 'request_closed', time: T, request: REQ, outcome: 'denied' },
  { type: 'trustee_set', time: T, trusteeSet: ENV, threshold: 3, trusteeCount: 5, escrowKey: H },
  { type: 'trustee_set', time: T, trusteeSet: ENV, threshold: 3, trusteeCount: 5, escrowKey: H, replaces: REQ },
  {
    type: 'trustee_set',
    time: T,
    trusteeSet: ENV,
    threshold: 3,
    trusteeCount: 4,
    escrowKey: H,
    ceremony: 'dkg',
    transcript: H,
    disqualified: 1,
  },
  {
    type: 'escrow_epoch',
    time: T,
    trusteeSet: ENV,
    escrowKey: H,
    publicKey: H,
    startsAt: '2028-06-01T00:00:00Z',
    endsAt: '2028-07-01T00:00:00Z',
    threshold: 3,
    trusteeCount: 5,
    ceremony: 'dkg',
    transcript: H,
  },
  { type: 'escrow_epoch_destroyed', time: T, trusteeSet: ENV, escrowKey: H, trustee: H, statement: H },
  { type: 'tag_evaluations', time: T, service: H, count: 42 },
  { type: 'key_rotation', time: T, purpose: 'log', newKey: H },
  {
    type: 'envelope_destroyed',
    time: T,
    envelope: REQ,
    subject: H,
    trusteeSet: ENV,
    fieldGroup: 'name_birth',
    reason: 'retention_expired',
  },
  { type: 'envelope_sealed', time: T, envelope: REQ, trusteeSet: ENV, fieldGroup: 'contact', binding: H },
  { type: 'notification_delay_extended', time: T, request: REQ, until: '2026-09-01T00:00:00Z', courtOrder: H },
  { type: 'person_event', time: T, action: 'enrolled', subject: H, issuer: ENV },
];

describe('log entries', () => {
  it('cover every event type', () => {
    assert.deepEqual(new Set(examples.map((e) => e.type)), new Set(Object.keys(ENTRY_SCHEMAS)));
  });

  it('encode canonically and parse back', () => {
    for (const event of examples) {
      const bytes = encodeEntry(event);
      assert.deepEqual(parseEntry(bytes), event, event.type);
      // Property order of the input does not matter; the encoding is one.
      const shuffled = Object.fromEntries(Object.entries(event).reverse()) as LogEvent;
      assert.deepEqual(encodeEntry(shuffled), bytes);
    }
  });

  it('has the documented text form', () => {
    assert.equal(
      text(encodeEntry({ type: 'release', time: T, request: REQ, envelope: ENV, approvals: 3, transcript: H })),
      `${ENTRY_VERSION}\ntype release\ntime ${T}\nrequest ${REQ}\nenvelope ${ENV}\napprovals 3\ntranscript ${H}\n`,
    );
    assert.equal(
      text(encodeEntry({ type: 'notification_delay_extended', time: T, request: REQ, until: T, courtOrder: H })).split('\n')[5],
      `court_order ${H}`,
    );
  });

  it('refuse identifying-looking values', () => {
    const base = { type: 'person_event', time: T, action: 'enrolled', subject: H } as const;
    const attempts: Array<[string, unknown]> = [
      ['subject', 'Alice Smith'],
      ['subject', 'alice'],
      ['subject', '@alice_smith'],
      ['subject', `${H}A`],
      ['subject', `${H}=`],
      ['subject', H.slice(0, -1)],
      ['subject', `${H.slice(0, -1)}B`],
      ['subject', H.replace('q', '+')],
      ['subject', Buffer.alloc(32, 0xab).toString('hex')],
      ['issuer', 'alice-smith-1990'],
      ['issuer', 'alice@example.org'],
      ['issuer', REQ.toUpperCase()],
      ['time', '1990-05-01'],
      ['time', '1990-05-01T00:00:00Z'],
      ['time', '2026-02-30T00:00:00Z'],
      ['time', '2026-03-01T12:00:00.000Z'],
      ['time', '2026-03-01T12:00:00+01:00'],
      ['action', 'renamed to Alice'],
      ['name', 'Alice'],
      ['pseudonym', 'xXdragonXx'],
      ['birthdate', '1990-05-01'],
    ];
    for (const [field, value] of attempts) {
      assert.throws(() => encodeEntry({ ...base, [field]: value } as LogEvent), { code: 'entry_invalid' }, `${field}=${value}`);
    }
    assert.throws(() => encodeEntry({ type: 'release', time: T, request: REQ, envelope: ENV, approvals: 1.5, transcript: H }), {
      code: 'entry_invalid',
    });
    assert.throws(() => encodeEntry({ type: 'release', time: T, request: REQ, envelope: ENV, approvals: 1990, transcript: H }), {
      code: 'entry_invalid',
    });
    assert.throws(() => encodeEntry({ type: 'trustee_set', time: T, trusteeSet: ENV, threshold: 6, trusteeCount: 5, escrowKey: H }), {
      code: 'entry_invalid',
    });
    const epoch = { type: 'escrow_epoch', time: T, trusteeSet: ENV, escrowKey: H, publicKey: H, threshold: 3, trusteeCount: 5 } as const;
    assert.throws(() => encodeEntry({ ...epoch, startsAt: '2028-07-01T00:00:00Z', endsAt: '2028-06-01T00:00:00Z' }), {
      code: 'entry_invalid',
    });
    assert.throws(() => encodeEntry({ type: 'request_expired', time: T } as unknown as LogEvent), {
      code: 'entry_invalid',
      extensions: { field: 'request' },
    });
    assert.throws(() => encodeEntry({ type: 'registry_dump', time: T } as unknown as LogEvent), { code: 'entry_invalid' });
  });

  it('parse strictly: unknown, repeated, misplaced, missing fields and stray bytes', () => {
    const good = text(encodeEntry({ type: 'release', time: T, request: REQ, envelope: ENV, approvals: 3, transcript: H }));
    const lines = good.slice(0, -1).split('\n');
    const join = (ls: string[]) => `${ls.join('\n')}\n`;
    const bad = [
      join([...lines, 'name Alice']),
      join([...lines, `transcript ${H}`]),
      join([lines[0]!, lines[1]!, lines[2]!, lines[4]!, lines[3]!, lines[5]!, lines[6]!]),
      join(lines.slice(0, -1)),
      join(['mvid-log-entry/v2', ...lines.slice(1)]),
      join([lines[0]!, lines[2]!, lines[1]!, ...lines.slice(3)]),
      join(lines.map((l) => l.replace('approvals 3', 'approvals 03'))),
      join(lines.map((l) => l.replace('approvals 3', 'approvals  3'))),
      join([...lines, '']),
      good.slice(0, -1),
      good.replace('\n', '\r\n'),
      `${good.slice(0, -1)} \n`,
      join([...lines.slice(0, 2), ...lines.slice(3)]),
      good.replace('release', 'r\u00e9lease'),
    ];
    for (const entry of bad) assert.throws(() => parseEntry(utf8(entry)), { code: 'entry_invalid' }, JSON.stringify(entry));
  });

  it('entryTime drops sub-second precision', () => {
    assert.equal(entryTime(new Date('2026-03-01T12:00:00.987Z')), '2026-03-01T12:00:00Z');
    assert.equal(
      parseEntry(encodeEntry({ type: 'request_expired', time: entryTime(new Date(Date.UTC(2027, 0, 1))), request: REQ })).time,
      '2027-01-01T00:00:00Z',
    );
    assert.throws(() => entryTime(new Date(Number.NaN)), TypeError);
  });

  it('refuse entries over 65,535 bytes before reading them', () => {
    assert.throws(() => parseEntry(new Uint8Array(MAX_ENTRY_BYTES + 1).fill(0x61)), { code: 'entry_too_large' });
    assert.throws(() => parseEntry(new Uint8Array(MAX_ENTRY_BYTES).fill(0x61)), { code: 'entry_invalid' });
  });

  it('property: parseEntry either refuses arbitrary bytes or returns an event that re-encodes to them', () => {
    const good = encodeEntry(examples[3]!);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), fc.nat(), fc.integer({ min: 0, max: 255 }), (noise, at, byte) => {
        for (const bytes of [noise, Uint8Array.from(good, (b, i) => (i === at % good.length ? byte : b))]) {
          let event: LogEvent;
          try {
            event = parseEntry(bytes);
          } catch (err) {
            assert.equal((err as { code?: string }).code, 'entry_invalid');
            continue;
          }
          assert.deepEqual(encodeEntry(event), bytes);
        }
      }),
      { numRuns: 500 },
    );
  });
});
