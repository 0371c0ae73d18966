/** Statistics carry counts only; the median and the CSV rendering. */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { median, type ModerationStatistics, statisticsCsv } from './statistics.ts';

it('takes the median of odd and even counts, and none of nothing', () => {
  assert.equal(median([]), null);
  assert.equal(median([5]), 5);
  assert.equal(median([9, 1, 5]), 5);
  assert.equal(median([4, 1, 3, 2]), 2.5);
});

it('renders one figure a line, quoting what needs it', () => {
  const stats: ModerationStatistics = {
    worldId: 'w_1',
    worldName: 'Moonbase',
    generatedAt: '2026-06-01T12:00:00.000Z',
    reports: { total: 2, fromTrustedFlaggers: 1, byCategory: { harassment: 2 }, byChannel: { person: 2 } },
    decisions: { total: 1, byCategory: { harassment: 1 }, bySanction: { suspension: 1 }, automated: 0 },
    sanctions: { byType: { suspension: 1 }, inForce: 1 },
    medianTimeToDecisionSeconds: null,
    appeals: { filed: 0, open: 0, upheld: 0, reversed: 0 },
  };
  const csv = statisticsCsv(stats);
  assert.match(csv, /^section,key,value\nworld,id,w_1\n/);
  assert.match(csv, /\nreports_by_category,harassment,2\n/);
  assert.match(csv, /\ndecisions,median_time_to_decision_seconds,\n/);
  assert.ok(!csv.includes('Moonbase'), 'names are not figures');
  assert.match(statisticsCsv({ ...stats, worldId: 'a,"b"' }), /world,id,"a,""b"""/);
});
