/**
 * Reports: filed by a world for one of its members (or anonymously), or by a person
 * signed in to mvid. The subject is named by the world's pseudonym or their handle
 * there, the ground by one of the world's published rules; evidence is cited by the
 * SHA-256 of bytes uploaded to the same world. A report joins the open case about the
 * same subject and rule, or opens one. Each reporter is rate-limited per world, and a
 * repeat of the same report within the duplicate window is refused.
 */
import { MvidError, ValidationError } from '../core/index.ts';
import { type Ctx, isoTime, newId, nowIso, requireWorld, resolveSubject, ruleOf, text } from './context.ts';
import { type EvidenceRef, PRIORITY_NORMAL, PRIORITY_TRUSTED_FLAGGER } from './types.ts';
import type { Roles } from './roles.ts';

const SHA256 = /^[0-9a-f]{64}$/;
const HOUR_MS = 3_600_000;

export interface NewReport {
  /** `world`: the world's client on behalf of a member; `person`: a person signed in to mvid. */
  channel: 'world' | 'person';
  /** The reporting person (a signed-in person, or a member the world names by pseudonym or handle); null: anonymous. */
  reporter: { personId: string } | { subject: string } | null;
  /** The world's pseudonym of the subject, or their handle there. */
  subject: string;
  category: string;
  text: string;
  occurredAt?: string;
  location?: string;
  evidence?: string[];
}

/** What a reporter may see of their report: its status and outcome, never the case file. */
export interface ReportView {
  id: string;
  worldId: string;
  category: string;
  status: 'open' | 'decided';
  outcome: { decision: 'action_taken' | 'no_action'; decidedAt: string } | null;
  createdAt: string;
}

export class Reports {
  readonly #ctx: Ctx;
  readonly #roles: Roles;
  constructor(ctx: Ctx, roles: Roles) {
    this.#ctx = ctx;
    this.#roles = roles;
  }

  /**
   * Checks and stores evidence bytes for a world's moderation; returns what a report cites.
   * @throws MvidError evidence_type_unsupported | evidence_too_large (from the evidence store's check)
   */
  async upload(worldId: string, bytes: Uint8Array, declaredType: string): Promise<EvidenceRef> {
    await requireWorld(this.#ctx, worldId);
    const contentType = this.#ctx.evidence.check(bytes, declaredType);
    const stored = await this.#ctx.evidence.put(bytes, contentType);
    await this.#ctx.store.db
      .insertInto('moderation_evidence')
      .values({
        world_id: worldId,
        sha256: stored.sha256,
        content_type: stored.contentType,
        size: stored.size,
        uploaded_at: nowIso(this.#ctx),
      })
      .onConflict((oc) => oc.columns(['world_id', 'sha256']).doNothing())
      .execute();
    return { sha256: stored.sha256, contentType: stored.contentType, size: stored.size };
  }

  /**
   * Files a report; returns its id and the case it joined (the case id is for the world, never shown to a person reporter).
   * @throws MvidError world_not_found | moderation_subject_unknown | moderation_rule_unknown | moderation_evidence_unknown | rate_limited | validation_failed
   */
  async file(worldId: string, input: NewReport): Promise<{ reportId: string; caseId: string; priority: number }> {
    const ctx = this.#ctx;
    const world = await requireWorld(ctx, worldId);
    const subjectId = await resolveSubject(ctx, worldId, input.subject);
    const reporterId =
      input.reporter === null
        ? null
        : 'personId' in input.reporter
          ? input.reporter.personId
          : await resolveSubject(ctx, worldId, input.reporter.subject, 'reporter');
    if (reporterId !== null && reporterId === subjectId) throw new ValidationError('a person cannot report themselves', 'subject');
    const rule = ruleOf(world, input.category);
    const body = text(input.text, 'text', 4000);
    const occurredAt = input.occurredAt === undefined ? null : isoTime(input.occurredAt, 'occurredAt');
    const location = input.location === undefined ? null : text(input.location, 'location', 200);
    const hashes = [...new Set(input.evidence ?? [])];
    if (hashes.length > 10) throw new ValidationError('at most 10 evidence items per report', 'evidence');
    if (hashes.some((h) => !SHA256.test(h))) throw new ValidationError('evidence items are lowercase hex SHA-256 hashes', 'evidence');
    const evidence = hashes.length
      ? await ctx.store.db
          .selectFrom('moderation_evidence')
          .selectAll()
          .where('world_id', '=', worldId)
          .where('sha256', 'in', hashes)
          .execute()
      : [];
    if (evidence.length !== hashes.length)
      throw new MvidError('moderation_evidence_unknown', 'cite only evidence uploaded to this world', {
        extensions: { field: 'evidence' },
      });
    const refs: EvidenceRef[] = hashes.map((h) => {
      const e = evidence.find((x) => x.sha256 === h) as (typeof evidence)[number];
      return { sha256: e.sha256, contentType: e.content_type, size: Number(e.size) };
    });
    const now = ctx.clock.now();
    if (reporterId !== null) await this.#checkLimits(worldId, reporterId, subjectId, rule.category, now);
    const trusted = reporterId !== null && (await this.#roles.has(worldId, reporterId, 'trusted_flagger'));
    const priority = trusted ? PRIORITY_TRUSTED_FLAGGER : PRIORITY_NORMAL;
    const reportId = newId(ctx, 'mr');
    const at = now.toISOString();
    const caseId = await ctx.store.transaction(async (tx) => {
      // One open case per subject and rule: parallel reports must not open two.
      await ctx.store.lock(tx, `moderation-case:${worldId}:${subjectId}`);
      const open = await tx
        .selectFrom('moderation_cases')
        .select(['id', 'priority'])
        .where('world_id', '=', worldId)
        .where('subject_person_id', '=', subjectId)
        .where('category', '=', rule.category)
        .where('status', '=', 'open')
        .executeTakeFirst();
      let id: string;
      if (open) {
        id = open.id;
        if (priority > Number(open.priority)) await tx.updateTable('moderation_cases').set({ priority }).where('id', '=', id).execute();
      } else {
        id = newId(ctx, 'mc');
        await tx
          .insertInto('moderation_cases')
          .values({
            id,
            world_id: worldId,
            subject_person_id: subjectId,
            category: rule.category,
            priority,
            status: 'open',
            assigned_to: null,
            opened_at: at,
            decided_at: null,
          })
          .execute();
      }
      await tx
        .insertInto('moderation_reports')
        .values({
          id: reportId,
          world_id: worldId,
          case_id: id,
          channel: input.channel,
          reporter_person_id: reporterId,
          subject_person_id: subjectId,
          category: rule.category,
          text: body,
          occurred_at: occurredAt,
          location,
          evidence_json: JSON.stringify(refs),
          priority,
          created_at: at,
        })
        .execute();
      return id;
    });
    return { reportId, caseId, priority };
  }

  async #checkLimits(worldId: string, reporterId: string, subjectId: string, category: string, now: Date): Promise<void> {
    const { limits, store } = this.#ctx;
    const since = new Date(now.getTime() - Math.max(HOUR_MS, limits.duplicateWindowHours * HOUR_MS)).toISOString();
    const recent = await store.db
      .selectFrom('moderation_reports')
      .select(['subject_person_id', 'category', 'created_at'])
      .where('world_id', '=', worldId)
      .where('reporter_person_id', '=', reporterId)
      .where('created_at', '>', since)
      .execute();
    const hourAgo = new Date(now.getTime() - HOUR_MS).toISOString();
    const dupSince = new Date(now.getTime() - limits.duplicateWindowHours * HOUR_MS).toISOString();
    if (recent.some((r) => r.subject_person_id === subjectId && r.category === category && r.created_at > dupSince))
      throw new MvidError('rate_limited', 'you already reported this person under this rule; the moderators have it', {
        extensions: { retryAfter: limits.duplicateWindowHours * 3600 },
      });
    if (recent.filter((r) => r.created_at > hourAgo).length >= limits.perHour)
      throw new MvidError('rate_limited', `at most ${limits.perHour} reports an hour in one world`, {
        extensions: { retryAfter: 3600 },
      });
  }

  /**
   * The reporter's view of their report. `reporter` is the reporting person, or `world` for the world itself.
   * @throws MvidError not_found (also for a report of someone else or of another world)
   */
  async view(worldId: string, reportId: string, reporter: { personId: string } | 'world'): Promise<ReportView> {
    const db = this.#ctx.store.db;
    const row = await db
      .selectFrom('moderation_reports')
      .selectAll()
      .where('id', '=', reportId)
      .where('world_id', '=', worldId)
      .executeTakeFirst();
    if (!row || (reporter !== 'world' && row.reporter_person_id !== reporter.personId)) throw new MvidError('not_found', 'no such report');
    const decision = await db
      .selectFrom('moderation_decisions')
      .select(['sanction_type', 'decided_at'])
      .where('case_id', '=', row.case_id)
      .orderBy('decided_at', 'desc')
      .executeTakeFirst();
    return {
      id: row.id,
      worldId,
      category: row.category,
      status: decision ? 'decided' : 'open',
      outcome: decision
        ? { decision: decision.sanction_type === 'none' ? 'no_action' : 'action_taken', decidedAt: decision.decided_at }
        : null,
      createdAt: row.created_at,
    };
  }
}
