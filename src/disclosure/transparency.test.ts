/** The transparency report is a pure function of log events and public openings; a lying opening is not counted as verified. */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { generateRecipientKeyPair } from '../crypto/index.ts';
import { type LogEvent, parseEntry } from '../tlog/index.ts';
import {
  authorityId,
  closedEntry,
  decisionEntry,
  offenceCommitment,
  type OffenceOpening,
  releaseEntry,
  requestEntry,
} from './commitments.ts';
import { computeTransparencyReport, type PublicAuthority } from './transparency.ts';

const H = 'A'.repeat(43);
const T = (n: number) => `B${'C'.repeat(41)}${'AEIM'[n % 4]}`;

function authority(name: string, jurisdiction: string): PublicAuthority {
  const opening = { name, jurisdiction, encryptionKey: generateRecipientKeyPair().publicKey, registeredAt: '2026-01-01T00:00:00.000Z' };
  return { id: authorityId(opening), ...opening };
}

function offence(category: string, emergency = false): OffenceOpening {
  return { category, statute: 'StGB § 1', emergency, fieldGroups: ['name_birth'], jurisdiction: 'DE', notificationDelayDays: 30 };
}

it('counts requests, decisions, releases and decision times by authority, jurisdiction and offence', () => {
  const lka = authority('LKA', 'DE');
  const pol = authority('Polizia', 'IT');
  const ids = ['00000000-0000-4000-8000-000000000001', '00000000-0000-4000-8000-000000000002', '00000000-0000-4000-8000-000000000003'];
  const records = [
    { requestId: ids[0] as string, authorityId: lka.id, offence: offence('fraud') },
    { requestId: ids[1] as string, authorityId: pol.id, offence: offence('threat_to_life', true) },
    { requestId: ids[2] as string, authorityId: lka.id, offence: offence('fraud') },
  ];
  const req = (i: number, time: string) =>
    requestEntry({
      time,
      requestId: ids[i] as string,
      authorityId: records[i]?.authorityId as string,
      subject: H,
      courtOrder: H,
      offence: offenceCommitment(records[i]?.offence as OffenceOpening),
      trusteeSetId: H,
      expires: '2026-12-01T00:00:00Z',
    });
  const approve = (i: number, t: number, time: string) =>
    decisionEntry({ time, subjectId: ids[i] as string, trustee: T(t), decision: 'approve', reason: null, statement: H });
  const deny = (i: number, t: number, time: string) =>
    decisionEntry({ time, subjectId: ids[i] as string, trustee: T(t), decision: 'deny', reason: 'disproportionate', statement: H });
  const entries = [
    req(0, '2026-06-01T00:00:00Z'),
    req(1, '2026-06-01T00:00:00Z'),
    approve(0, 1, '2026-06-01T01:00:00Z'),
    approve(0, 2, '2026-06-01T02:00:00Z'),
    approve(0, 3, '2026-06-01T03:00:00Z'),
    releaseEntry({ time: '2026-06-01T04:00:00Z', requestId: ids[0] as string, envelopeId: ids[2] as string, approvals: 3, transcript: H }),
    deny(1, 1, '2026-06-01T01:00:00Z'),
    deny(1, 2, '2026-06-01T01:00:00Z'),
    deny(1, 3, '2026-06-01T02:00:00Z'),
    closedEntry('2026-06-01T02:00:00Z', ids[1] as string, 'denied'),
    req(2, '2026-06-02T00:00:00Z'),
  ];
  const events: LogEvent[] = entries.map((e) => parseEntry(e));
  const report = computeTransparencyReport(events, records, [lka, pol]);
  assert.deepEqual(report.totals, {
    requests: 3,
    emergencyRequests: 1,
    approvals: 3,
    denials: 3,
    releases: 1,
    releasedEnvelopes: 1,
    deniedRequests: 1,
    expiredRequests: 0,
  });
  assert.equal(report.medianTimeToDecisionSeconds, 3 * 3600);
  assert.deepEqual(
    report.byJurisdiction.map((j) => [j.jurisdiction, j.requests]),
    [
      ['DE', 2],
      ['IT', 1],
    ],
  );
  assert.deepEqual(
    report.byOffenceCategory.map((c) => [c.category, c.requests, c.emergencyRequests]),
    [
      ['fraud', 2, 0],
      ['threat_to_life', 1, 1],
    ],
  );
  assert.equal(report.unverified, 0);

  // A public record claiming another offence than the logged commitment is not believed.
  const lying = records.map((r, i) => (i === 1 ? { ...r, offence: offence('fraud') } : r));
  const checked = computeTransparencyReport(events, lying, [lka, pol]);
  assert.equal(checked.unverified, 1);
  assert.equal(checked.totals.emergencyRequests, 0);
  assert.ok(checked.byOffenceCategory.some((c) => c.category === 'unverified'));
  // Neither is an authority record that does not hash to its id.
  const forged = computeTransparencyReport(events, records, [{ ...lka, jurisdiction: 'FR' }, pol]);
  assert.ok(forged.byJurisdiction.some((j) => j.jurisdiction === 'unverified'));
});
