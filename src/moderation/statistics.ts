/**
 * Per-world moderation statistics (DSA Art. 15/24 style): counts and a median, no
 * personal data — no pseudonym, no report text, no case id. As JSON and as CSV.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../store/index.ts';
import type { Ctx } from './context.ts';
import { SANCTION_TYPES } from './types.ts';

export interface ModerationStatistics {
  worldId: string;
  worldName: string;
  generatedAt: string;
  reports: { total: number; fromTrustedFlaggers: number; byCategory: Record<string, number>; byChannel: Record<string, number> };
  decisions: { total: number; byCategory: Record<string, number>; bySanction: Record<string, number>; automated: number };
  sanctions: { byType: Record<string, number>; inForce: number };
  medianTimeToDecisionSeconds: number | null;
  appeals: { filed: number; open: number; upheld: number; reversed: number };
}

function tally(values: readonly string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const v of [...values].sort()) out[v] = (out[v] ?? 0) + 1;
  return out;
}

export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** A world's statistics; public figures, so they may lag by the read replica's delay (MVID_DATABASE_READ_URL). */
export function statistics(ctx: Ctx, world: { id: string; name: string }): Promise<ModerationStatistics> {
  const now = ctx.clock.now().toISOString();
  return ctx.store.publicRead((db) => statisticsAt(db, now, world));
}

async function statisticsAt(db: Kysely<Database>, now: string, world: { id: string; name: string }): Promise<ModerationStatistics> {
  const reports = await db
    .selectFrom('moderation_reports')
    .select(['category', 'channel', 'priority'])
    .where('world_id', '=', world.id)
    .execute();
  const decisions = await db
    .selectFrom('moderation_decisions')
    .innerJoin('moderation_cases', 'moderation_cases.id', 'moderation_decisions.case_id')
    .select([
      'moderation_decisions.category',
      'moderation_decisions.sanction_type',
      'moderation_decisions.statement_json',
      'moderation_decisions.decided_at',
      'moderation_cases.opened_at',
    ])
    .where('moderation_decisions.world_id', '=', world.id)
    .execute();
  const sanctions = await db
    .selectFrom('moderation_sanctions')
    .select(['type', 'status', 'ends_at'])
    .where('world_id', '=', world.id)
    .execute();
  const appeals = await db.selectFrom('moderation_appeals').select('status').where('world_id', '=', world.id).execute();
  const bySanction: Record<string, number> = {};
  for (const t of SANCTION_TYPES) bySanction[t] = 0;
  for (const d of decisions) bySanction[d.sanction_type] = (bySanction[d.sanction_type] ?? 0) + 1;
  const byType: Record<string, number> = {};
  for (const t of SANCTION_TYPES.filter((t) => t !== 'none')) byType[t] = 0;
  for (const s of sanctions) byType[s.type] = (byType[s.type] ?? 0) + 1;
  return {
    worldId: world.id,
    worldName: world.name,
    generatedAt: now,
    reports: {
      total: reports.length,
      fromTrustedFlaggers: reports.filter((r) => Number(r.priority) > 0).length,
      byCategory: tally(reports.map((r) => r.category)),
      byChannel: tally(reports.map((r) => r.channel)),
    },
    decisions: {
      total: decisions.length,
      byCategory: tally(decisions.map((d) => d.category)),
      bySanction,
      automated: decisions.filter((d) => (JSON.parse(d.statement_json) as { automated: { decision: boolean } }).automated.decision).length,
    },
    sanctions: { byType, inForce: sanctions.filter((s) => s.status === 'active' && (s.ends_at === null || s.ends_at > now)).length },
    medianTimeToDecisionSeconds: median(decisions.map((d) => (Date.parse(d.decided_at) - Date.parse(d.opened_at)) / 1000)),
    appeals: {
      filed: appeals.length,
      open: appeals.filter((a) => a.status === 'open').length,
      upheld: appeals.filter((a) => a.status === 'upheld').length,
      reversed: appeals.filter((a) => a.status === 'reversed').length,
    },
  };
}

/** The statistics as CSV: `section,key,value`, one figure a line. */
export function statisticsCsv(s: ModerationStatistics): string {
  const rows: Array<[string, string, string | number]> = [
    ['world', 'id', s.worldId],
    ['world', 'generated_at', s.generatedAt],
    ['reports', 'total', s.reports.total],
    ['reports', 'from_trusted_flaggers', s.reports.fromTrustedFlaggers],
    ...Object.entries(s.reports.byCategory).map(([k, v]): [string, string, number] => ['reports_by_category', k, v]),
    ...Object.entries(s.reports.byChannel).map(([k, v]): [string, string, number] => ['reports_by_channel', k, v]),
    ['decisions', 'total', s.decisions.total],
    ['decisions', 'automated', s.decisions.automated],
    ...Object.entries(s.decisions.byCategory).map(([k, v]): [string, string, number] => ['decisions_by_category', k, v]),
    ...Object.entries(s.decisions.bySanction).map(([k, v]): [string, string, number] => ['decisions_by_sanction', k, v]),
    ...Object.entries(s.sanctions.byType).map(([k, v]): [string, string, number] => ['sanctions_by_type', k, v]),
    ['sanctions', 'in_force', s.sanctions.inForce],
    ['decisions', 'median_time_to_decision_seconds', s.medianTimeToDecisionSeconds ?? ''],
    ['appeals', 'filed', s.appeals.filed],
    ['appeals', 'open', s.appeals.open],
    ['appeals', 'upheld', s.appeals.upheld],
    ['appeals', 'reversed', s.appeals.reversed],
  ];
  const cell = (v: string | number) => (/[",\n]/.test(String(v)) ? `"${String(v).replaceAll('"', '""')}"` : String(v));
  return `section,key,value\n${rows.map((r) => r.map(cell).join(',')).join('\n')}\n`;
}
