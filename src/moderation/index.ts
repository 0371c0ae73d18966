/**
 * Moderation inside each world: reports with evidence, cases and decisions with DSA
 * Art. 17 statements of reasons, sanctions bound to a person in one world, appeals,
 * per-world trust levels and statistics. Never a disclosure path: it reveals no one and
 * links nothing across worlds.
 */
export { createModeration, ModerationService } from './service.ts';
export type { PersonModerationView, Notice } from './service.ts';
export type { ModerationDeps } from './context.ts';
export type { NewReport, ReportView } from './reports.ts';
export type { CaseSummary, CaseFile } from './cases.ts';
export type { DecisionInput, AppealInput } from './decisions.ts';
export { TRUST_LEVELS } from './standing.ts';
export type { SanctionView, Standing, SignInBlock, ModerationClaim, TrustLevel, TrustExplanation, TrustReason } from './standing.ts';
export { statisticsCsv } from './statistics.ts';
export type { ModerationStatistics } from './statistics.ts';
export {
  MODERATION_ROLES,
  SANCTION_TYPES,
  BLOCKING_SANCTIONS,
  PRIORITY_NORMAL,
  PRIORITY_TRUSTED_FLAGGER,
  DEFAULT_MODERATION_SETTINGS,
  DEFAULT_REPORT_LIMITS,
} from './types.ts';
export type {
  ModerationRole,
  SanctionType,
  ModerationSettings,
  RepeatOffenderPolicy,
  ReportLimits,
  EvidenceRef,
  StatementOfReasons,
  WorldDirectory,
  EvidenceStore,
} from './types.ts';
