/** What every part of src/moderation shares: storage, time, randomness, the worlds and the evidence store. */
import { type Clock, MvidError, type Random, toBase64Url, ValidationError } from '../core/index.ts';
import type { Selectable } from 'kysely';
import type { Database, Store } from '../store/index.ts';
import type { EvidenceStore, ReportLimits, WorldDirectory } from './types.ts';

export interface ModerationDeps {
  store: Store;
  clock: Clock;
  random: Random;
  worlds: WorldDirectory;
  evidence: EvidenceStore;
  limits?: Partial<ReportLimits>;
}

export type Ctx = Required<Omit<ModerationDeps, 'limits'>> & { limits: ReportLimits };

export const DAY_MS = 86_400_000;

export type CaseRow = Selectable<Database['moderation_cases']>;
export type SanctionRow = Selectable<Database['moderation_sanctions']>;
export type AppealRow = Selectable<Database['moderation_appeals']>;

/** The appeal of each of these decisions, if any (one appeal per decision). */
export async function appealsOf(ctx: Ctx, decisionIds: readonly string[]): Promise<Map<string, AppealRow>> {
  if (decisionIds.length === 0) return new Map();
  const rows = await ctx.store.db.selectFrom('moderation_appeals').selectAll().where('decision_id', 'in', decisionIds).execute();
  return new Map(rows.map((a) => [a.decision_id, a]));
}

export function newId(ctx: Ctx, prefix: string): string {
  return `${prefix}_${toBase64Url(ctx.random.bytes(12))}`;
}

export function nowIso(ctx: Ctx): string {
  return ctx.clock.now().toISOString();
}

/** @throws MvidError world_not_found */
export async function requireWorld(
  ctx: Ctx,
  worldId: string,
): Promise<{ id: string; name: string; rules: Array<{ category: string; text: string }> }> {
  const world = await ctx.worlds.world(worldId);
  if (!world) throw new MvidError('world_not_found', 'no such world');
  return world;
}

/** The world's published rule of this category. @throws MvidError moderation_rule_unknown */
export function ruleOf(world: { rules: Array<{ category: string; text: string }> }, category: string): { category: string; text: string } {
  const rule = world.rules.find((r) => r.category === category);
  if (!rule)
    throw new MvidError('moderation_rule_unknown', `${category.slice(0, 64)} is not one of this world's published rules`, {
      extensions: { field: 'category' },
    });
  return rule;
}

/** A pseudonym or handle of this world → person id. @throws MvidError moderation_subject_unknown */
export async function resolveSubject(ctx: Ctx, worldId: string, subject: string, field = 'subject'): Promise<string> {
  const personId = await ctx.worlds.resolve(worldId, subject);
  if (personId === undefined)
    throw new MvidError('moderation_subject_unknown', 'no person with this pseudonym or handle is known to this world', {
      extensions: { field },
    });
  return personId;
}

/** Trims free text and bounds it. @throws ValidationError */
export function text(value: string, field: string, max: number, min = 1): string {
  const out = value.trim();
  if (out.length < min || out.length > max) throw new ValidationError(`${field} must be ${min} to ${max} characters`, field);
  return out;
}

/** An ISO timestamp, normalised. @throws ValidationError */
export function isoTime(value: string, field: string): string {
  const ms = Date.parse(value);
  if (!Number.isFinite(ms)) throw new ValidationError(`${field} is not a date-time`, field);
  return new Date(ms).toISOString();
}
