/**
 * Decisions: a moderator of the world decides a case with a statement of reasons (DSA
 * Art. 17) and, possibly, a sanction bound to the subject in this world only. The
 * repeat-offender policy (Art. 23) may raise the sanction. The subject is told (the
 * statement); each identified reporter learns the outcome (action taken or not), not
 * the statement. Appeals (Art. 20) are filed by the subject within the world's window
 * and decided by another moderator, upholding or reversing with reasons.
 */
import { ConflictError, MvidError, ValidationError } from '../core/index.ts';
import { type Ctx, DAY_MS, newId, requireWorld, ruleOf, text } from './context.ts';
import type { Cases } from './cases.ts';
import type { Settings } from './roles.ts';
import { PRIORITY_TRUSTED_FLAGGER, SANCTION_TYPES, type SanctionType, type StatementOfReasons } from './types.ts';
import type { Tx } from '../store/index.ts';

export interface DecisionInput {
  facts: string;
  /** The rule relied on; defaults to the case's category. */
  category?: string;
  sanction: { type: SanctionType; durationDays?: number; until?: string; features?: string[] };
  automated?: { detection?: boolean; decision?: boolean };
  /** The Transparency Database's statement category; defaults to STATEMENT_CATEGORY_SCOPE_OF_PLATFORM_SERVICE. */
  dsaCategory?: string;
}

export interface AppealInput {
  outcome: 'uphold' | 'reverse';
  reasons: string;
}

const FEATURE = /^[a-z0-9][a-z0-9_.-]{0,63}$/;
const DSA_CATEGORY = /^STATEMENT_CATEGORY_[A-Z_]{3,80}$/;
const MAX_DAYS = 3650;

const severity = (t: SanctionType) => SANCTION_TYPES.indexOf(t);
const day = (iso: string) => iso.slice(0, 10);

/** Start, end and features of a sanction as asked, checked. @throws ValidationError */
function sanctionTerms(input: DecisionInput['sanction'], now: Date): { endsAt: string | null; features: string[] } {
  const { type } = input;
  if (!SANCTION_TYPES.includes(type)) throw new ValidationError('unknown sanction type', 'sanction.type');
  let endsAt: string | null = null;
  if (input.durationDays !== undefined && input.until !== undefined)
    throw new ValidationError('give a duration or an end, not both', 'sanction.until');
  if (input.durationDays !== undefined) {
    if (!Number.isInteger(input.durationDays) || input.durationDays < 1 || input.durationDays > MAX_DAYS)
      throw new ValidationError(`a duration is 1 to ${MAX_DAYS} days`, 'sanction.durationDays');
    endsAt = new Date(now.getTime() + input.durationDays * DAY_MS).toISOString();
  } else if (input.until !== undefined) {
    const ms = Date.parse(input.until);
    if (!Number.isFinite(ms) || ms <= now.getTime() || ms > now.getTime() + MAX_DAYS * DAY_MS)
      throw new ValidationError('the end is a future date-time within ten years', 'sanction.until');
    endsAt = new Date(ms).toISOString();
  }
  if (type === 'suspension' && endsAt === null) throw new ValidationError('a suspension has an end (durationDays or until)', 'sanction');
  if ((type === 'ban' || type === 'warning' || type === 'none') && endsAt !== null)
    throw new ValidationError(`a ${type} has no end`, 'sanction');
  const features = [...new Set(input.features ?? [])];
  if (type === 'feature_restriction' && (features.length < 1 || features.length > 20 || !features.every((f) => FEATURE.test(f))))
    throw new ValidationError('a feature restriction names 1 to 20 features (lowercase words)', 'sanction.features');
  if (type !== 'feature_restriction' && features.length > 0)
    throw new ValidationError('only a feature restriction names features', 'sanction.features');
  return { endsAt, features };
}

const TDB_ACCOUNT: Partial<Record<SanctionType, string>> = {
  suspension: 'DECISION_ACCOUNT_SUSPENDED',
  ban: 'DECISION_ACCOUNT_TERMINATED',
};

export class Decisions {
  readonly #ctx: Ctx;
  readonly #cases: Cases;
  readonly #settings: Settings;
  constructor(ctx: Ctx, cases: Cases, settings: Settings) {
    this.#ctx = ctx;
    this.#cases = cases;
    this.#settings = settings;
  }

  /**
   * Decides an open case (the caller checked the moderator role).
   * @throws MvidError not_found | moderation_case_decided | moderation_rule_unknown | validation_failed
   */
  async decide(
    worldId: string,
    caseId: string,
    moderatorPersonId: string,
    input: DecisionInput,
  ): Promise<{ decisionId: string; sanctionId: string | null; statement: StatementOfReasons }> {
    const ctx = this.#ctx;
    const world = await requireWorld(ctx, worldId);
    const kase = await this.#cases.row(worldId, caseId);
    if (kase.subject_person_id === moderatorPersonId)
      throw new MvidError('forbidden', 'a moderator does not decide a case about themselves');
    const rule = ruleOf(world, input.category ?? kase.category);
    const facts = text(input.facts, 'facts', 8000, 10);
    if (input.dsaCategory !== undefined && !DSA_CATEGORY.test(input.dsaCategory))
      throw new ValidationError('a Transparency Database category is STATEMENT_CATEGORY_…', 'dsaCategory');
    const now = ctx.clock.now();
    const at = now.toISOString();
    const terms = sanctionTerms(input.sanction, now);
    const settings = await this.#settings.of(worldId);
    const decisionId = newId(ctx, 'md');
    return ctx.store.transaction(async (tx) => {
      await ctx.store.lock(tx, `moderation-case:${worldId}:${kase.subject_person_id}`);
      const current = await tx.selectFrom('moderation_cases').select('status').where('id', '=', caseId).executeTakeFirstOrThrow();
      if (current.status !== 'open') throw new MvidError('moderation_case_decided', 'this case is already decided');
      let type = input.sanction.type;
      let { endsAt } = terms;
      let escalated = false;
      const policy = settings.repeatOffender;
      if (type !== 'none' && severity(type) < severity(policy.escalateTo)) {
        const prior = await tx
          .selectFrom('moderation_sanctions')
          .select('id')
          .where('world_id', '=', worldId)
          .where('person_id', '=', kase.subject_person_id)
          .where('status', '!=', 'reversed')
          .where('starts_at', '>', new Date(now.getTime() - policy.windowDays * DAY_MS).toISOString())
          .execute();
        if (prior.length >= policy.threshold) {
          type = policy.escalateTo;
          endsAt = type === 'suspension' ? new Date(now.getTime() + policy.suspensionDays * DAY_MS).toISOString() : null;
          escalated = true;
        }
      }
      const reports = await tx
        .selectFrom('moderation_reports')
        .select(['id', 'reporter_person_id', 'priority', 'occurred_at'])
        .where('case_id', '=', caseId)
        .execute();
      const source = reports.some((r) => Number(r.priority) >= PRIORITY_TRUSTED_FLAGGER)
        ? 'trusted_flagger'
        : reports.length
          ? 'notice'
          : 'own_initiative';
      const automated = { detection: input.automated?.detection === true, decision: input.automated?.decision === true };
      const appealUntil = new Date(now.getTime() + settings.appealWindowDays * DAY_MS).toISOString();
      const features = type === 'feature_restriction' ? terms.features : [];
      const occurred =
        reports
          .map((r) => r.occurred_at)
          .filter((o): o is string => o !== null)
          .sort()[0] ?? kase.opened_at;
      const statement: StatementOfReasons = {
        sanction: { type, startsAt: at, endsAt, features },
        facts,
        automated,
        rule,
        source,
        redress: {
          appeal: {
            until: appealUntil,
            how: `Appeal from your mvid account page (/account) or POST /moderation/v1/me/decisions/${decisionId}/appeal; another moderator of ${world.name} decides.`,
          },
          disputeSettlement: settings.disputeSettlement,
          judicial: 'You may also take the decision to a court.',
        },
        escalated,
        world: { id: world.id, name: world.name },
        decidedAt: at,
        transparencyDatabase: {
          puid: decisionId,
          decision_account: TDB_ACCOUNT[type] ?? null,
          decision_provision: type === 'mute' || type === 'feature_restriction' ? 'DECISION_PROVISION_PARTIAL_SUSPENSION' : null,
          decision_visibility: type === 'warning' ? ['DECISION_VISIBILITY_OTHER'] : null,
          decision_visibility_other: type === 'warning' ? 'warning without restriction' : null,
          account_type: 'ACCOUNT_TYPE_PRIVATE',
          decision_ground: 'DECISION_GROUND_INCOMPATIBLE_CONTENT',
          incompatible_content_ground: rule.category,
          incompatible_content_explanation: rule.text,
          incompatible_content_illegal: 'No',
          category: input.dsaCategory ?? 'STATEMENT_CATEGORY_SCOPE_OF_PLATFORM_SERVICE',
          decision_facts: facts,
          source_type:
            source === 'trusted_flagger' ? 'SOURCE_TRUSTED_FLAGGER' : source === 'notice' ? 'SOURCE_ARTICLE_16' : 'SOURCE_VOLUNTARY',
          automated_detection: automated.detection ? 'Yes' : 'No',
          automated_decision: automated.decision ? 'AUTOMATED_DECISION_FULLY' : 'AUTOMATED_DECISION_NOT_AUTOMATED',
          content_type: ['CONTENT_TYPE_OTHER'],
          content_type_other: 'conduct in a virtual world',
          content_date: day(occurred),
          application_date: day(at),
          end_date_account_restriction: endsAt === null ? null : day(endsAt),
        },
      };
      await tx
        .insertInto('moderation_decisions')
        .values({
          id: decisionId,
          world_id: worldId,
          case_id: caseId,
          subject_person_id: kase.subject_person_id,
          moderator_person_id: moderatorPersonId,
          category: rule.category,
          sanction_type: type,
          statement_json: JSON.stringify(statement),
          decided_at: at,
        })
        .execute();
      let sanctionId: string | null = null;
      if (type !== 'none') {
        sanctionId = newId(ctx, 'ms');
        await tx
          .insertInto('moderation_sanctions')
          .values({
            id: sanctionId,
            world_id: worldId,
            person_id: kase.subject_person_id,
            decision_id: decisionId,
            type,
            features_json: JSON.stringify(features),
            reason: rule.category,
            starts_at: at,
            // A warning is on record but restricts nothing: it ends as it starts.
            ends_at: type === 'warning' ? at : endsAt,
            status: type === 'warning' ? 'expired' : 'active',
            ended_at: type === 'warning' ? at : null,
          })
          .execute();
      }
      await tx.updateTable('moderation_cases').set({ status: 'decided', decided_at: at }).where('id', '=', caseId).execute();
      await this.#notice(tx, worldId, kase.subject_person_id, 'decision', { decisionId, statement });
      const outcome = type === 'none' ? 'no_action' : 'action_taken';
      for (const r of reports) {
        if (r.reporter_person_id !== null)
          await this.#notice(tx, worldId, r.reporter_person_id, 'report_outcome', { reportId: r.id, outcome, decidedAt: at });
      }
      return { decisionId, sanctionId, statement };
    });
  }

  async #notice(tx: Tx, worldId: string, personId: string, kind: string, body: Record<string, unknown>): Promise<void> {
    await tx
      .insertInto('moderation_notices')
      .values({
        id: newId(this.#ctx, 'mo'),
        world_id: worldId,
        person_id: personId,
        kind,
        body_json: JSON.stringify(body),
        created_at: this.#ctx.clock.now().toISOString(),
      })
      .execute();
  }

  /**
   * The subject appeals a decision about them, within the world's window.
   * @throws MvidError not_found | appeal_window_closed | appeal_exists | validation_failed
   */
  async appeal(personId: string, decisionId: string, body: string): Promise<{ appealId: string; worldId: string; filedAt: string }> {
    const ctx = this.#ctx;
    const d = await ctx.store.db.selectFrom('moderation_decisions').selectAll().where('id', '=', decisionId).executeTakeFirst();
    if (!d || d.subject_person_id !== personId) throw new MvidError('not_found', 'no such decision about you');
    const reasons = text(body, 'text', 4000);
    const settings = await this.#settings.of(d.world_id);
    const now = ctx.clock.now();
    if (now.getTime() > Date.parse(d.decided_at) + settings.appealWindowDays * DAY_MS)
      throw new MvidError('appeal_window_closed', `appeals close ${settings.appealWindowDays} days after the decision`);
    const appealId = newId(ctx, 'ma');
    try {
      await ctx.store.db
        .insertInto('moderation_appeals')
        .values({
          id: appealId,
          world_id: d.world_id,
          decision_id: decisionId,
          person_id: personId,
          text: reasons,
          filed_at: now.toISOString(),
          status: 'open',
          decided_by: null,
          reasons: null,
          decided_at: null,
        })
        .execute();
    } catch (error) {
      if (error instanceof ConflictError) throw new MvidError('appeal_exists', 'this decision has already been appealed');
      throw error;
    }
    return { appealId, worldId: d.world_id, filedAt: now.toISOString() };
  }

  async openAppeals(
    worldId: string,
  ): Promise<Array<{ id: string; decisionId: string; caseId: string; subject: string; text: string; filedAt: string }>> {
    const rows = await this.#ctx.store.db
      .selectFrom('moderation_appeals')
      .innerJoin('moderation_decisions', 'moderation_decisions.id', 'moderation_appeals.decision_id')
      .select([
        'moderation_appeals.id',
        'moderation_appeals.decision_id',
        'moderation_decisions.case_id',
        'moderation_appeals.person_id',
        'moderation_appeals.text',
        'moderation_appeals.filed_at',
      ])
      .where('moderation_appeals.world_id', '=', worldId)
      .where('moderation_appeals.status', '=', 'open')
      .orderBy('moderation_appeals.filed_at')
      .execute();
    const pseudonym = await this.#ctx.worlds.pseudonymsOf(worldId);
    return rows.map((r) => ({
      id: r.id,
      decisionId: r.decision_id,
      caseId: r.case_id,
      subject: pseudonym(r.person_id),
      text: r.text,
      filedAt: r.filed_at,
    }));
  }

  /**
   * Decides an appeal (the caller checked the moderator role): never by the moderator who decided.
   * @throws MvidError not_found | conflict (already decided) | appeal_same_moderator | validation_failed
   */
  async decideAppeal(
    worldId: string,
    appealId: string,
    moderatorPersonId: string,
    input: AppealInput,
  ): Promise<{ appealId: string; status: 'upheld' | 'reversed'; decidedAt: string }> {
    const ctx = this.#ctx;
    const reasons = text(input.reasons, 'reasons', 4000, 10);
    if (input.outcome !== 'uphold' && input.outcome !== 'reverse') throw new ValidationError('outcome is uphold or reverse', 'outcome');
    const at = ctx.clock.now().toISOString();
    const status = input.outcome === 'uphold' ? 'upheld' : 'reversed';
    await ctx.store.transaction(async (tx) => {
      const a = await tx
        .selectFrom('moderation_appeals')
        .selectAll()
        .where('id', '=', appealId)
        .where('world_id', '=', worldId)
        .executeTakeFirst();
      if (!a) throw new MvidError('not_found', 'no such appeal in this world');
      await ctx.store.lock(tx, `moderation-appeal:${appealId}`);
      const fresh = await tx.selectFrom('moderation_appeals').select('status').where('id', '=', appealId).executeTakeFirstOrThrow();
      if (fresh.status !== 'open') throw new MvidError('conflict', 'this appeal is already decided');
      const d = await tx
        .selectFrom('moderation_decisions')
        .select(['moderator_person_id'])
        .where('id', '=', a.decision_id)
        .executeTakeFirstOrThrow();
      if (a.person_id === moderatorPersonId) throw new MvidError('forbidden', 'a moderator does not decide their own appeal');
      if (d.moderator_person_id === moderatorPersonId)
        throw new MvidError('appeal_same_moderator', 'another moderator of this world must decide the appeal against your decision');
      await tx
        .updateTable('moderation_appeals')
        .set({ status, decided_by: moderatorPersonId, reasons, decided_at: at })
        .where('id', '=', appealId)
        .execute();
      if (status === 'reversed') {
        await tx
          .updateTable('moderation_sanctions')
          .set({ status: 'reversed', ended_at: at })
          .where('decision_id', '=', a.decision_id)
          .execute();
      }
      await this.#notice(tx, worldId, a.person_id, 'appeal_outcome', {
        appealId,
        decisionId: a.decision_id,
        outcome: status,
        reasons,
        decidedAt: at,
      });
    });
    return { appealId, status, decidedAt: at };
  }
}
