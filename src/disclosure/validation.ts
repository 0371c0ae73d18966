/**
 * The legal gate of a request, before anything is looked up or logged: a criminal
 * offence from the closed list with a statute citation (never a world's rules), a
 * court order that covers every requested field group, and a bounded notification
 * delay. Each refusal has its own code so an authority's tooling can tell them apart.
 */
import { MvidError } from '../core/index.ts';
import {
  DISCLOSURE_FIELD_GROUPS,
  type DisclosureFieldGroup,
  type DisclosureOptions,
  NON_CRIMINAL_BASES,
  type NewRequest,
  OFFENCE_CATEGORIES,
  type OffenceCategory,
} from './types.ts';

/** Citations that name a private rulebook rather than a law. */
const RULEBOOK =
  /\b(terms\s+(of\s+)?(service|use)|tos|eula|community\s+(rules|guidelines|standards)|code\s+of\s+conduct|house\s+rules|acceptable\s+use|world\s+rules|user\s+agreement)\b/i;
/** A world's moderation case or decision (src/moderation ids, or the words): a community rule, not a statute. */
const MODERATION = /\bmoderation\s+(case|decision|report|sanction)s?\b|\bstatement\s+of\s+reasons\b|\bm[crdsa]_[A-Za-z0-9_-]{16}/i;
const HEX64 = /^[0-9a-f]{64}$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DAY_MS = 86_400_000;

function refuse(
  code: 'offence_not_criminal' | 'court_order_invalid' | 'field_groups_not_covered' | 'notification_delay_invalid',
  message: string,
  field: string,
): never {
  throw new MvidError(code, message, { extensions: { field } });
}

export interface ValidatedRequest {
  category: OffenceCategory;
  statute: string;
  fieldGroups: DisclosureFieldGroup[];
  orderFieldGroups: DisclosureFieldGroup[];
  emergency: boolean;
  notificationDelayDays: number;
}

/** Refuses anything but a criminal offence defined in law. @throws MvidError offence_not_criminal */
export function checkOffence(offence: { category: string; statute: string }): { category: OffenceCategory; statute: string } {
  const category = offence.category.trim();
  if ((NON_CRIMINAL_BASES as readonly string[]).includes(category)) {
    refuse(
      'offence_not_criminal',
      `${category} is not a criminal offence: disclosure needs an offence defined in criminal law`,
      'offence.category',
    );
  }
  if (!(OFFENCE_CATEGORIES as readonly string[]).includes(category)) {
    refuse(
      'offence_not_criminal',
      `offence category ${JSON.stringify(category.slice(0, 40))} is not one of ${OFFENCE_CATEGORIES.join(', ')}`,
      'offence.category',
    );
  }
  const statute = offence.statute.trim();
  // A citation must name a statute; "§ 4 of the world's terms of service" is a rulebook, whatever the category says.
  if (statute.length < 3 || !/\p{L}/u.test(statute) || !/\d/.test(statute)) {
    refuse('offence_not_criminal', 'the statute citation must name the law and its provision (e.g. "StGB § 241")', 'offence.statute');
  }
  if (MODERATION.test(statute)) {
    refuse(
      'offence_not_criminal',
      'a moderation case or decision of a world is not a statute; it is never a basis for disclosure',
      'offence.statute',
    );
  }
  if (RULEBOOK.test(statute)) {
    refuse('offence_not_criminal', 'a world’s rules or terms of service are not a statute', 'offence.statute');
  }
  return { category: category as OffenceCategory, statute };
}

function fieldGroupList(
  groups: readonly string[],
  field: string,
  code: 'court_order_invalid' | 'field_groups_not_covered',
): DisclosureFieldGroup[] {
  const out: DisclosureFieldGroup[] = [];
  for (const g of groups) {
    if (!(DISCLOSURE_FIELD_GROUPS as readonly string[]).includes(g))
      refuse(code, `unknown field group ${JSON.stringify(g.slice(0, 40))}`, field);
    if (!out.includes(g as DisclosureFieldGroup)) out.push(g as DisclosureFieldGroup);
  }
  if (out.length === 0) refuse(code, 'at least one field group is needed', field);
  // Canonical order, so commitments do not depend on how the caller listed them.
  return DISCLOSURE_FIELD_GROUPS.filter((g) => out.includes(g));
}

/** @throws MvidError court_order_invalid */
export function checkCourtOrder(order: NewRequest['courtOrder'], now: Date, options: DisclosureOptions): DisclosureFieldGroup[] {
  if (order.court.trim().length < 3) refuse('court_order_invalid', 'name the issuing court', 'courtOrder.court');
  if (order.reference.trim().length < 1) refuse('court_order_invalid', 'give the order’s reference', 'courtOrder.reference');
  if (!HEX64.test(order.documentSha256))
    refuse('court_order_invalid', 'documentSha256 is the lowercase hex SHA-256 of the order document', 'courtOrder.documentSha256');
  const date = DATE.test(order.date) ? Date.parse(`${order.date}T00:00:00Z`) : Number.NaN;
  if (!Number.isFinite(date) || new Date(date).toISOString().slice(0, 10) !== order.date)
    refuse('court_order_invalid', 'the order date is YYYY-MM-DD', 'courtOrder.date');
  if (date > now.getTime()) refuse('court_order_invalid', 'the order is dated in the future', 'courtOrder.date');
  if (now.getTime() - date > options.maxOrderAgeDays * DAY_MS)
    refuse('court_order_invalid', `the order is older than ${options.maxOrderAgeDays} days`, 'courtOrder.date');
  return fieldGroupList(order.fieldGroups, 'courtOrder.fieldGroups', 'court_order_invalid');
}

/** @throws MvidError notification_delay_invalid */
export function checkDelayDays(days: number, options: DisclosureOptions, field = 'notificationDelayDays'): number {
  if (!Number.isInteger(days) || days < 0 || days > options.maxNotificationDelayDays) {
    refuse('notification_delay_invalid', `the notification delay is 0 to ${options.maxNotificationDelayDays} days`, field);
  }
  return days;
}

/**
 * Every legal check of a new request, in the order a court clerk would make them.
 * @throws MvidError offence_not_criminal | court_order_invalid | field_groups_not_covered | notification_delay_invalid
 */
export function validateRequest(input: NewRequest, now: Date, options: DisclosureOptions): ValidatedRequest {
  const { category, statute } = checkOffence(input.offence);
  const orderFieldGroups = checkCourtOrder(input.courtOrder, now, options);
  const fieldGroups = fieldGroupList(input.fieldGroups, 'fieldGroups', 'field_groups_not_covered');
  const uncovered = fieldGroups.filter((g) => !orderFieldGroups.includes(g));
  if (uncovered.length > 0) refuse('field_groups_not_covered', `the court order does not cover ${uncovered.join(', ')}`, 'fieldGroups');
  const notificationDelayDays = checkDelayDays(input.notificationDelayDays, options);
  return { category, statute, fieldGroups, orderFieldGroups, emergency: input.emergency === true, notificationDelayDays };
}
