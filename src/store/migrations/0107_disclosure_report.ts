/**
 * Running aggregates of the public transparency report (issue 18), updated in the same
 * transaction as the disclosure log events (src/disclosure/report-aggregates.ts), so serving
 * the report no longer re-reads every event: one row per request with its counts (where it
 * is counted, and its decision time, indexed for the median) and one row per figure of the
 * report (totals, by authority, by jurisdiction, by offence category). Requests filed before
 * this migration are not counted (nothing was deployed before it); anyone can still
 * recompute the report from the log.
 */
import type { MigrationContext } from '../migration.ts';

const COUNTS = [
  'requests',
  'emergency_requests',
  'approvals',
  'denials',
  'releases',
  'released_envelopes',
  'denied_requests',
  'expired_requests',
] as const;

export async function up({ db }: MigrationContext): Promise<void> {
  let tally = db.schema
    .createTable('disclosure_report_requests')
    .addColumn('request_id', 'text', (c) => c.primaryKey())
    .addColumn('authority_id', 'text', (c) => c.notNull())
    .addColumn('jurisdiction', 'text', (c) => c.notNull())
    .addColumn('category', 'text', (c) => c.notNull())
    .addColumn('unverified', 'integer', (c) => c.notNull())
    .addColumn('requested_at', 'text', (c) => c.notNull())
    .addColumn('decided_at', 'text')
    .addColumn('decision_seconds', 'double precision');
  for (const c of COUNTS) tally = tally.addColumn(c, 'integer', (col) => col.notNull().defaultTo(0));
  await tally.execute();
  await db.schema.createIndex('disclosure_report_requests_decision').on('disclosure_report_requests').column('decision_seconds').execute();
  let figures = db.schema
    .createTable('disclosure_report_figures')
    .addColumn('dimension', 'text', (c) => c.notNull())
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('unverified', 'integer', (c) => c.notNull().defaultTo(0))
    .addPrimaryKeyConstraint('disclosure_report_figures_pk', ['dimension', 'key']);
  for (const c of COUNTS) figures = figures.addColumn(c, 'integer', (col) => col.notNull().defaultTo(0));
  await figures.execute();
}
