/**
 * Age: predicates ("over 18") from either a full birthdate or the age milestones the
 * registry keeps instead of it (issue 17, "keep less about birth").
 *
 * Milestones are the dates on which a person crosses 13, 16, 18 and 21, each rounded
 * UP to the first of a month, so a predicate can only turn true late (by under a month),
 * never early; a threshold already crossed when the milestones were computed is just
 * `true`. Someone past 21 is stored as four `true`s: nothing about their birth at all.
 * The full birthdate stays only inside the `name_birth` escrow envelope.
 */
import { ValidationError } from './errors.ts';

/** The thresholds the `age` type attests, in ascending order. */
export const AGE_THRESHOLDS = [13, 16, 18, 21] as const;

export interface AgePredicates {
  age_over_13: boolean;
  age_over_16: boolean;
  age_over_18: boolean;
  age_over_21: boolean;
}

/** Per threshold: `true` (already crossed) or the first-of-month date (YYYY-MM-01) from which it holds. */
export interface AgeMilestones {
  over13: true | string;
  over16: true | string;
  over18: true | string;
  over21: true | string;
}

/** What age predicates can be computed from: a full YYYY-MM-DD birthdate, or milestones. */
export type AgeSource = string | AgeMilestones;

/**
 * A birthdate carries no time zone, so "turns 18 on 14 March" starts at a
 * different instant in Kiribati (UTC+14) than on Baker Island (UTC−12). mvid
 * flips predicates when the day starts in the LAST time zone, 12:00 UTC:
 * no predicate is ever true before the person has reached that age wherever
 * they live, at the cost of being up to 26 hours late for some.
 */
const LAST_ZONE_OFFSET_MS = 12 * 3_600_000;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const KEYS = { 13: 'over13', 16: 'over16', 18: 'over18', 21: 'over21' } as const;

interface CivilDate {
  y: number;
  m: number;
  d: number;
}

function parseDate(text: string, field: string): CivilDate {
  const match = typeof text === 'string' ? DATE.exec(text) : null;
  const [y, m, d] = match === null ? [Number.NaN, 0, 0] : [Number(match[1]), Number(match[2]), Number(match[3])];
  // Round-tripping through Date.UTC rejects 2023-02-29 and 2024-13-01 alike.
  const t = Date.UTC(y, m - 1, d);
  const back = new Date(t);
  if (!Number.isFinite(t) || y < 1800 || back.getUTCFullYear() !== y || back.getUTCMonth() !== m - 1 || back.getUTCDate() !== d) {
    throw new ValidationError(`${field} is not a valid YYYY-MM-DD date`, field);
  }
  return { y, m, d };
}

function parseBirthdate(birthdate: string, now: Date): CivilDate {
  const birth = parseDate(birthdate, 'birthdate');
  if (Date.UTC(birth.y, birth.m - 1, birth.d) + LAST_ZONE_OFFSET_MS > now.getTime()) {
    throw new ValidationError('birthdate is in the future', 'birthdate');
  }
  return birth;
}

/** Completed years on a calendar date; a 29 February birthday counts from 1 March in common years. */
function ageOn(birth: CivilDate, on: CivilDate): number {
  const beforeBirthday = on.m < birth.m || (on.m === birth.m && on.d < birth.d);
  return on.y - birth.y - (beforeBirthday ? 1 : 0);
}

/** The calendar date it is in the last time zone at `now`. */
function lastZoneDate(now: Date): CivilDate {
  const t = new Date(now.getTime() - LAST_ZONE_OFFSET_MS);
  return { y: t.getUTCFullYear(), m: t.getUTCMonth() + 1, d: t.getUTCDate() };
}

/** The calendar day a person born on `birth` turns `years` (29 February → 1 March in common years), as UTC midnight ms. */
function birthdayAt(birth: CivilDate, years: number): number {
  const y = birth.y + years;
  const leapless = birth.m === 2 && birth.d === 29 && new Date(Date.UTC(y, 1, 29)).getUTCMonth() !== 1;
  return leapless ? Date.UTC(y, 2, 1) : Date.UTC(y, birth.m - 1, birth.d);
}

function isMilestones(source: AgeSource): source is AgeMilestones {
  return typeof source === 'object' && source !== null;
}

/** The instant each threshold holds from (null: already held when the milestones were made). */
function flips(source: AgeSource, now: Date): Array<number | null> {
  if (!isMilestones(source)) {
    const birth = parseBirthdate(source, now);
    return AGE_THRESHOLDS.map((t) => birthdayAt(birth, t) + LAST_ZONE_OFFSET_MS);
  }
  return AGE_THRESHOLDS.map((t) => {
    const value = source[KEYS[t]];
    if (value === true) return null;
    const date = parseDate(value, KEYS[t]);
    return Date.UTC(date.y, date.m - 1, date.d) + LAST_ZONE_OFFSET_MS;
  });
}

/**
 * The age predicates at instant `now`, from a full birthdate or from milestones.
 * @throws ValidationError when the birthdate is not a real past date, or a milestone is malformed
 *
 * @example
 * agePredicates('2008-02-29', new Date('2026-03-01T12:00:00Z'))
 * // → { age_over_13: true, age_over_16: true, age_over_18: true, age_over_21: false }
 */
export function agePredicates(source: AgeSource, now: Date): AgePredicates {
  if (!isMilestones(source)) {
    const age = ageOn(parseBirthdate(source, now), lastZoneDate(now));
    return { age_over_13: age >= 13, age_over_16: age >= 16, age_over_18: age >= 18, age_over_21: age >= 21 };
  }
  const [a13, a16, a18, a21] = flips(source, now).map((f) => f === null || f <= now.getTime());
  return { age_over_13: a13 === true, age_over_16: a16 === true, age_over_18: a18 === true, age_over_21: a21 === true };
}

/**
 * The instant the next predicate changes, or null when none ever will (21 or
 * older). An age credential must expire by then, or it would go on saying "not
 * 18" about an adult (or worse, the reverse).
 *
 * @example
 * predicateValidUntil('2008-02-29', new Date('2026-01-01T00:00:00Z')) // → 2026-03-01T12:00:00.000Z
 */
export function predicateValidUntil(source: AgeSource, now: Date): Date | null {
  for (const flip of flips(source, now)) if (flip !== null && flip > now.getTime()) return new Date(flip);
  return null;
}

function firstOfMonthOnOrAfter(ms: number): string {
  const d = new Date(ms);
  const start = d.getUTCDate() === 1 ? d : new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1));
  return start.toISOString().slice(0, 10);
}

/**
 * What the registry keeps instead of a birthdate: per threshold, `true` if the person
 * is already over it at `now`, else the first of the month on or after the birthday.
 * @throws ValidationError when the birthdate is not a real past date
 * @example
 * ageMilestones('2009-03-14', new Date('2026-06-01T00:00:00Z'))
 * // → { over13: true, over16: true, over18: '2027-04-01', over21: '2030-04-01' }
 */
export function ageMilestones(birthdate: string, now: Date): AgeMilestones {
  const birth = parseBirthdate(birthdate, now);
  const age = ageOn(birth, lastZoneDate(now));
  const at = (t: (typeof AGE_THRESHOLDS)[number]) => (age >= t ? true : firstOfMonthOnOrAfter(birthdayAt(birth, t)));
  return { over13: at(13), over16: at(16), over18: at(18), over21: at(21) };
}

/** Whether `value` is a well-formed `AgeMilestones` (as stored; parse before trusting). */
export function isAgeMilestones(value: unknown): value is AgeMilestones {
  if (typeof value !== 'object' || value === null) return false;
  return Object.values(KEYS).every((k) => {
    const v = (value as Record<string, unknown>)[k];
    return v === true || (typeof v === 'string' && /^\d{4}-\d{2}-01$/.test(v));
  });
}
