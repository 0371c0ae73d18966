/** The legal gate: only a criminal offence from the closed list, with a statute, under an order covering every group. */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { MvidError } from '../core/index.ts';
import { DEFAULT_DISCLOSURE_OPTIONS, NON_CRIMINAL_BASES, type NewRequest, OFFENCE_CATEGORIES } from './types.ts';
import { checkOffence, validateRequest } from './validation.ts';

const NOW = new Date('2026-06-01T12:00:00Z');

function request(overrides: Partial<NewRequest> = {}): NewRequest {
  return {
    target: { worldId: 'w', pseudonym: 'p' },
    offence: { category: 'fraud', statute: 'StGB § 263' },
    courtOrder: {
      court: 'Amtsgericht Tiergarten',
      reference: '1 Gs 2/26',
      date: '2026-05-30',
      documentSha256: 'ab'.repeat(32),
      fieldGroups: ['name_birth', 'contact'],
    },
    fieldGroups: ['contact', 'name_birth'],
    notificationDelayDays: 30,
    ...overrides,
  };
}

const refused = (code: string, field?: string) => (e: MvidError) =>
  e.code === code && (field === undefined || e.extensions.field === field);

it('accepts every listed criminal category with a statute, and orders the field groups canonically', () => {
  for (const category of OFFENCE_CATEGORIES) assert.equal(checkOffence({ category, statute: 'Criminal Code s. 1' }).category, category);
  const v = validateRequest(request(), NOW, DEFAULT_DISCLOSURE_OPTIONS);
  assert.deepEqual(v.fieldGroups, ['name_birth', 'contact']);
  assert.equal(v.emergency, false);
});

it('refuses a world’s rules, terms of service and civil matters with offence_not_criminal', () => {
  for (const category of NON_CRIMINAL_BASES) {
    assert.throws(() => checkOffence({ category, statute: 'StGB § 1' }), refused('offence_not_criminal', 'offence.category'));
  }
  for (const statute of ['Terms of Service § 4', 'community guidelines 2.1', 'Moonbase Code of Conduct 3', 'EULA 7', 'World rules 12']) {
    assert.throws(() => checkOffence({ category: 'fraud', statute }), refused('offence_not_criminal', 'offence.statute'), statute);
  }
  assert.throws(() => checkOffence({ category: 'cheating', statute: 'StGB § 263' }), refused('offence_not_criminal'));
  assert.throws(() => checkOffence({ category: 'fraud', statute: 'fraud' }), refused('offence_not_criminal', 'offence.statute'));
});

it('refuses an order that does not cover a requested group, is undated, future-dated or too old', () => {
  const opts = DEFAULT_DISCLOSURE_OPTIONS;
  assert.throws(
    () => validateRequest(request({ fieldGroups: ['document'] }), NOW, opts),
    refused('field_groups_not_covered', 'fieldGroups'),
  );
  assert.throws(() => validateRequest(request({ fieldGroups: ['everything'] }), NOW, opts), refused('field_groups_not_covered'));
  const order = request().courtOrder;
  for (const date of ['2026-06-02', '2025-05-01', '2026-02-30', 'yesterday']) {
    assert.throws(
      () => validateRequest(request({ courtOrder: { ...order, date } }), NOW, opts),
      refused('court_order_invalid', 'courtOrder.date'),
      date,
    );
  }
  assert.throws(
    () => validateRequest(request({ courtOrder: { ...order, documentSha256: 'XY' } }), NOW, opts),
    refused('court_order_invalid'),
  );
  assert.throws(() => validateRequest(request({ courtOrder: { ...order, fieldGroups: [] } }), NOW, opts), refused('court_order_invalid'));
});

it('bounds the notification delay by configuration', () => {
  const opts = { ...DEFAULT_DISCLOSURE_OPTIONS, maxNotificationDelayDays: 90 };
  assert.equal(validateRequest(request({ notificationDelayDays: 90 }), NOW, opts).notificationDelayDays, 90);
  for (const days of [91, -1, 1.5])
    assert.throws(() => validateRequest(request({ notificationDelayDays: days }), NOW, opts), refused('notification_delay_invalid'));
});
