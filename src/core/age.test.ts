import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { type AgeMilestones, ageMilestones, agePredicates, isAgeMilestones, predicateValidUntil } from './age.ts';

const at = (iso: string) => new Date(iso);

test('milestones: dates crossing 13/16/18/21 rounded up to the month; thresholds already crossed are just true', () => {
  assert.deepEqual(ageMilestones('2009-03-14', at('2026-06-01T00:00:00Z')), {
    over13: true,
    over16: true,
    over18: '2027-04-01',
    over21: '2030-04-01',
  });
  // A birthday on the first of a month is already a month boundary.
  assert.deepEqual(ageMilestones('2015-07-01', at('2026-06-01T00:00:00Z')), {
    over13: '2028-07-01',
    over16: '2031-07-01',
    over18: '2033-07-01',
    over21: '2036-07-01',
  });
  // 29 February: the birthday counts from 1 March in common years.
  assert.deepEqual(ageMilestones('2008-02-29', at('2026-01-01T00:00:00Z')).over18, '2026-03-01');
});

test('past 21, nothing about birth is kept', () => {
  const m = ageMilestones('1990-12-10', at('2026-06-01T00:00:00Z'));
  assert.deepEqual(m, { over13: true, over16: true, over18: true, over21: true });
  assert.equal(JSON.stringify(m).includes('1990'), false);
});

test('predicates from milestones stay correct across birthdays: never early, at most a month late', () => {
  const enrolled = at('2026-06-01T00:00:00Z');
  const m = ageMilestones('2009-03-14', enrolled);
  const over = (iso: string) => agePredicates(m, at(iso));
  assert.deepEqual(over('2026-06-01T00:00:00Z'), { age_over_13: true, age_over_16: true, age_over_18: false, age_over_21: false });
  assert.equal(over('2027-03-14T12:00:00Z').age_over_18, false, 'the 18th birthday itself: not yet, the month rounds up');
  assert.equal(over('2027-04-01T11:59:59Z').age_over_18, false);
  assert.equal(over('2027-04-01T12:00:00Z').age_over_18, true, 'from 12:00 UTC on the first of the next month');
  assert.equal(over('2030-03-31T23:00:00Z').age_over_21, false);
  assert.equal(over('2030-04-01T12:00:00Z').age_over_21, true);
  assert.equal(predicateValidUntil(m, enrolled)?.toISOString(), '2027-04-01T12:00:00.000Z');
  assert.equal(predicateValidUntil(m, at('2027-05-01T00:00:00Z'))?.toISOString(), '2030-04-01T12:00:00.000Z');
  assert.equal(predicateValidUntil(m, at('2031-01-01T00:00:00Z')), null);
});

test('property: milestone predicates never say more than the birthdate does, and agree within a month', () => {
  const DAY = 86_400_000;
  fc.assert(
    fc.property(
      // Born at least a month before the first instant checked (a birthdate in the future is refused).
      fc.integer({ min: Date.UTC(1950, 0, 1), max: Date.UTC(2025, 10, 1) }),
      fc.integer({ min: 0, max: 40 * 366 }),
      fc.integer({ min: 0, max: 30 * 366 }),
      (birthMs, enrolDays, laterDays) => {
        const birthdate = new Date(birthMs).toISOString().slice(0, 10);
        const enrolled = new Date(Date.UTC(2026, 0, 1) + enrolDays * DAY);
        const m = ageMilestones(birthdate, enrolled);
        assert.ok(isAgeMilestones(m));
        const now = new Date(enrolled.getTime() + laterDays * DAY);
        const exact = agePredicates(birthdate, now);
        const kept = agePredicates(m, now);
        const monthLater = agePredicates(birthdate, new Date(now.getTime() - 32 * DAY));
        for (const k of Object.keys(exact) as Array<keyof typeof exact>) {
          if (kept[k]) assert.ok(exact[k], `${k} early for ${birthdate} at ${now.toISOString()}`);
          if (monthLater[k]) assert.ok(kept[k], `${k} more than a month late for ${birthdate} at ${now.toISOString()}`);
        }
      },
    ),
    { numRuns: 300 },
  );
});

test('malformed milestones are refused', () => {
  assert.equal(isAgeMilestones({ over13: true, over16: true, over18: '2027-04-14', over21: true }), false);
  assert.equal(isAgeMilestones({ over13: true }), false);
  assert.throws(() => agePredicates({ over13: true, over16: true, over18: 'soon', over21: true } as AgeMilestones, new Date()), {
    code: 'validation_failed',
  });
});
