/**
 * Moderation inside each world (src/moderation): roles granted by a world, reports with
 * evidence hashes, cases, notes, decisions with their statements of reasons, sanctions,
 * appeals, notices to persons and per-world settings. Person ids, never legal identity;
 * every row belongs to exactly one world, so nothing joins a person across worlds.
 */
import type { MigrationContext } from '../migration.ts';

export async function up({ db }: MigrationContext): Promise<void> {
  await db.schema
    .createTable('moderation_settings')
    .addColumn('world_id', 'text', (c) => c.primaryKey().references('worlds.id'))
    .addColumn('settings_json', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('moderation_roles')
    .addColumn('world_id', 'text', (c) => c.notNull().references('worlds.id'))
    .addColumn('person_id', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('granted_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('moderation_roles_pk', ['world_id', 'person_id', 'role'])
    .execute();
  await db.schema
    .createTable('moderation_evidence')
    .addColumn('world_id', 'text', (c) => c.notNull().references('worlds.id'))
    .addColumn('sha256', 'text', (c) => c.notNull())
    .addColumn('content_type', 'text', (c) => c.notNull())
    .addColumn('size', 'integer', (c) => c.notNull())
    .addColumn('uploaded_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('moderation_evidence_pk', ['world_id', 'sha256'])
    .execute();
  await db.schema
    .createTable('moderation_cases')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('world_id', 'text', (c) => c.notNull().references('worlds.id'))
    .addColumn('subject_person_id', 'text', (c) => c.notNull())
    .addColumn('category', 'text', (c) => c.notNull())
    .addColumn('priority', 'integer', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('assigned_to', 'text')
    .addColumn('opened_at', 'text', (c) => c.notNull())
    .addColumn('decided_at', 'text')
    .execute();
  await db.schema
    .createIndex('moderation_cases_queue')
    .on('moderation_cases')
    .columns(['world_id', 'status', 'priority', 'opened_at'])
    .execute();
  await db.schema
    .createIndex('moderation_cases_subject')
    .on('moderation_cases')
    .columns(['world_id', 'subject_person_id', 'status'])
    .execute();
  await db.schema
    .createTable('moderation_reports')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('world_id', 'text', (c) => c.notNull().references('worlds.id'))
    .addColumn('case_id', 'text', (c) => c.notNull().references('moderation_cases.id'))
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('reporter_person_id', 'text')
    .addColumn('subject_person_id', 'text', (c) => c.notNull())
    .addColumn('category', 'text', (c) => c.notNull())
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('occurred_at', 'text')
    .addColumn('location', 'text')
    .addColumn('evidence_json', 'text', (c) => c.notNull())
    .addColumn('priority', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('moderation_reports_reporter')
    .on('moderation_reports')
    .columns(['world_id', 'reporter_person_id', 'created_at'])
    .execute();
  await db.schema.createIndex('moderation_reports_case').on('moderation_reports').column('case_id').execute();
  await db.schema
    .createTable('moderation_notes')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('case_id', 'text', (c) => c.notNull().references('moderation_cases.id'))
    .addColumn('author_person_id', 'text')
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('moderation_notes_case').on('moderation_notes').column('case_id').execute();
  await db.schema
    .createTable('moderation_decisions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('world_id', 'text', (c) => c.notNull().references('worlds.id'))
    .addColumn('case_id', 'text', (c) => c.notNull().references('moderation_cases.id'))
    .addColumn('subject_person_id', 'text', (c) => c.notNull())
    .addColumn('moderator_person_id', 'text', (c) => c.notNull())
    .addColumn('category', 'text', (c) => c.notNull())
    .addColumn('sanction_type', 'text', (c) => c.notNull())
    .addColumn('statement_json', 'text', (c) => c.notNull())
    .addColumn('decided_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('moderation_decisions_subject')
    .on('moderation_decisions')
    .columns(['world_id', 'subject_person_id'])
    .execute();
  await db.schema
    .createTable('moderation_sanctions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('world_id', 'text', (c) => c.notNull().references('worlds.id'))
    .addColumn('person_id', 'text', (c) => c.notNull())
    .addColumn('decision_id', 'text', (c) => c.notNull().references('moderation_decisions.id'))
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('features_json', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('starts_at', 'text', (c) => c.notNull())
    .addColumn('ends_at', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('ended_at', 'text')
    .execute();
  await db.schema
    .createIndex('moderation_sanctions_person')
    .on('moderation_sanctions')
    .columns(['world_id', 'person_id', 'status'])
    .execute();
  await db.schema.createIndex('moderation_sanctions_expiry').on('moderation_sanctions').columns(['status', 'ends_at']).execute();
  await db.schema
    .createTable('moderation_appeals')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('world_id', 'text', (c) => c.notNull().references('worlds.id'))
    .addColumn('decision_id', 'text', (c) => c.notNull().unique().references('moderation_decisions.id'))
    .addColumn('person_id', 'text', (c) => c.notNull())
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('filed_at', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('decided_by', 'text')
    .addColumn('reasons', 'text')
    .addColumn('decided_at', 'text')
    .execute();
  await db.schema.createIndex('moderation_appeals_world').on('moderation_appeals').columns(['world_id', 'status']).execute();
  await db.schema
    .createTable('moderation_notices')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('world_id', 'text', (c) => c.notNull().references('worlds.id'))
    .addColumn('person_id', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('body_json', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('moderation_notices_person').on('moderation_notices').columns(['person_id', 'created_at']).execute();
}
