/** Vocabulary of src/moderation: roles, sanctions, statements of reasons, and the ports others implement. */

export const MODERATION_ROLES = ['moderator', 'trusted_flagger'] as const;
export type ModerationRole = (typeof MODERATION_ROLES)[number];

/** From mildest to most severe; `none` is a decision that the report did not warrant a sanction. */
export const SANCTION_TYPES = ['none', 'warning', 'mute', 'feature_restriction', 'suspension', 'ban'] as const;
export type SanctionType = (typeof SANCTION_TYPES)[number];

/** Sanctions that refuse sign-in to the world while active. */
export const BLOCKING_SANCTIONS: ReadonlySet<SanctionType> = new Set(['suspension', 'ban']);

/** Report priorities: a trusted flagger's report (DSA Art. 22) goes ahead of the rest. */
export const PRIORITY_NORMAL = 0;
export const PRIORITY_TRUSTED_FLAGGER = 10;

/** Repeat-offender policy (DSA Art. 23): after `threshold` upheld sanctions within `windowDays`, escalate. */
export interface RepeatOffenderPolicy {
  threshold: number;
  windowDays: number;
  /** The sanction a further decision is raised to at least (a suspension of `suspensionDays`, or a ban). */
  escalateTo: 'suspension' | 'ban';
  suspensionDays: number;
}

export interface ModerationSettings {
  /** Days after a decision during which the person may appeal (DSA Art. 20: at least six months is the rule for platforms). */
  appealWindowDays: number;
  repeatOffender: RepeatOffenderPolicy;
  /** Where out-of-court dispute settlement (DSA Art. 21) is offered, shown in every statement of reasons. */
  disputeSettlement: string | null;
}

export const DEFAULT_MODERATION_SETTINGS: ModerationSettings = {
  appealWindowDays: 183,
  repeatOffender: { threshold: 3, windowDays: 365, escalateTo: 'suspension', suspensionDays: 30 },
  disputeSettlement: null,
};

/** Limits on reporting, per reporter and world. */
export interface ReportLimits {
  /** Reports one reporter may file in one world per hour. */
  perHour: number;
  /** Window in which a second report by the same reporter about the same subject and rule is a duplicate. */
  duplicateWindowHours: number;
}

export const DEFAULT_REPORT_LIMITS: ReportLimits = { perHour: 10, duplicateWindowHours: 24 };

/** An evidence item as recorded on a report: the content hash, never the bytes. */
export interface EvidenceRef {
  sha256: string;
  contentType: string;
  size: number;
}

/**
 * A DSA Art. 17(3) statement of reasons, and its shape for the EU DSA Transparency
 * Database (Art. 24(5)), which receives no personal data: the person is not named there.
 */
export interface StatementOfReasons {
  /** Art. 17(3)(a): what was decided, and its territorial scope and duration. */
  sanction: { type: SanctionType; startsAt: string; endsAt: string | null; features: string[] };
  /** Art. 17(3)(b): the facts and circumstances relied on. */
  facts: string;
  /** Art. 17(3)(c): whether automated means were used in detection or decision. */
  automated: { detection: boolean; decision: boolean };
  /** Art. 17(3)(e): the contractual ground — the world's published rule relied on. */
  rule: { category: string; text: string };
  /** How the case came to the world: a notice (Art. 16), a trusted flagger (Art. 22) or its own initiative. */
  source: 'notice' | 'trusted_flagger' | 'own_initiative';
  /** Art. 17(3)(f): the redress available. */
  redress: { appeal: { until: string; how: string }; disputeSettlement: string | null; judicial: string };
  /** Repeat-offender escalation applied (Art. 23), if any. */
  escalated: boolean;
  world: { id: string; name: string };
  decidedAt: string;
  /** The fields of a Transparency Database statement (API v1), ready to submit. */
  transparencyDatabase: Record<string, unknown>;
}

/** Port: who is behind a world's pseudonym or handle, and the world's pseudonym of a person. */
export interface WorldDirectory {
  /** The world's name and published rules; undefined when unknown or disabled. */
  world(worldId: string): Promise<{ id: string; name: string; rules: Array<{ category: string; text: string }> } | undefined>;
  /** A pseudonym or handle in this world → person id, only for persons known to the world. */
  resolve(worldId: string, pseudonymOrHandle: string): Promise<string | undefined>;
  /**
   * How the world names persons: person id → the pseudonym the world knows them by (its OIDC
   * `sub`, or its blind sign-in pseudonym, as the world is registered). One look-up of the
   * world per call; the function it returns is synchronous and cached underneath.
   */
  pseudonymsOf(worldId: string): Promise<(personId: string) => string>;
  /** When the person first appeared in the world and which claims they chose to share there. */
  presence(worldId: string, personId: string): Promise<{ since: string; shared: string[] } | undefined>;
}

/** Port: the evidence blob store (content-addressed, integrity-checked on read) and its upload check. */
export interface EvidenceStore {
  put(bytes: Uint8Array, contentType: string): Promise<{ sha256: string; size: number; contentType: string }>;
  get(sha256: string): Promise<{ bytes: Uint8Array; contentType: string }>;
  delete(sha256: string): Promise<void>;
  /** Sniffs the bytes; returns the accepted content type or throws evidence_type_unsupported / evidence_too_large. */
  check(bytes: Uint8Array, declaredType: string): string;
}
