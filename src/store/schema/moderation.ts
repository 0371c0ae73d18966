/**
 * Tables owned by src/moderation. Every row belongs to one world; persons appear by id
 * (a world sees them only as its own pseudonym), never by legal identity.
 */

/** Per-world settings: appeal window, repeat-offender policy (JSON). */
export interface ModerationSettingsTable {
  world_id: string;
  settings_json: string;
  updated_at: string;
}

/** A role a world granted a person there: `moderator` or `trusted_flagger`. */
export interface ModerationRolesTable {
  world_id: string;
  person_id: string;
  role: string;
  granted_at: string;
}

/** Evidence uploaded to a world's moderation (the bytes are in the blob store, by hash). */
export interface ModerationEvidenceTable {
  world_id: string;
  sha256: string;
  content_type: string;
  size: number;
  uploaded_at: string;
}

/** A case: the reports about one subject under one rule category, until decided. */
export interface ModerationCasesTable {
  id: string;
  world_id: string;
  subject_person_id: string;
  category: string;
  priority: number;
  /** `open` or `decided`. */
  status: string;
  assigned_to: string | null;
  opened_at: string;
  decided_at: string | null;
}

export interface ModerationReportsTable {
  id: string;
  world_id: string;
  case_id: string;
  /** `world` (filed by the world's client) or `person` (filed by a signed-in person). */
  channel: string;
  /** Null when anonymous. */
  reporter_person_id: string | null;
  subject_person_id: string;
  category: string;
  text: string;
  occurred_at: string | null;
  location: string | null;
  /** JSON array of {sha256, contentType, size}. */
  evidence_json: string;
  priority: number;
  created_at: string;
}

/** An internal note on a case (moderators only). */
export interface ModerationNotesTable {
  id: string;
  case_id: string;
  author_person_id: string | null;
  text: string;
  created_at: string;
}

/** A decision and its DSA Art. 17 statement of reasons (JSON). */
export interface ModerationDecisionsTable {
  id: string;
  world_id: string;
  case_id: string;
  subject_person_id: string;
  moderator_person_id: string;
  category: string;
  /** `none`, `warning`, `mute`, `feature_restriction`, `suspension` or `ban`. */
  sanction_type: string;
  statement_json: string;
  decided_at: string;
}

export interface ModerationSanctionsTable {
  id: string;
  world_id: string;
  person_id: string;
  decision_id: string;
  type: string;
  /** JSON array of restricted features (feature_restriction). */
  features_json: string;
  reason: string;
  starts_at: string;
  /** Null for a ban or an open-ended restriction. */
  ends_at: string | null;
  /** `active`, `expired` or `reversed`. */
  status: string;
  ended_at: string | null;
}

/** An appeal (DSA Art. 20) against one decision. */
export interface ModerationAppealsTable {
  id: string;
  world_id: string;
  decision_id: string;
  person_id: string;
  text: string;
  filed_at: string;
  /** `open`, `upheld` or `reversed`. */
  status: string;
  decided_by: string | null;
  reasons: string | null;
  decided_at: string | null;
}

/** What a person is told: a decision about them, the outcome of their report or appeal. */
export interface ModerationNoticesTable {
  id: string;
  world_id: string;
  person_id: string;
  kind: string;
  body_json: string;
  created_at: string;
}

export interface ModerationTables {
  moderation_settings: ModerationSettingsTable;
  moderation_roles: ModerationRolesTable;
  moderation_evidence: ModerationEvidenceTable;
  moderation_cases: ModerationCasesTable;
  moderation_reports: ModerationReportsTable;
  moderation_notes: ModerationNotesTable;
  moderation_decisions: ModerationDecisionsTable;
  moderation_sanctions: ModerationSanctionsTable;
  moderation_appeals: ModerationAppealsTable;
  moderation_notices: ModerationNoticesTable;
}
