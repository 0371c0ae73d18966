/**
 * The moderation service of one mvid: each world judges conduct in it under its own
 * published rules, and the outcome is bound to the person *in that world only*. It
 * reveals no identity, links no pseudonyms across worlds and keeps no global score; a
 * moderation decision is never a basis for lawful disclosure (src/disclosure refuses it).
 */
import { Cases } from './cases.ts';
import { appealsOf, type Ctx, type ModerationDeps, requireWorld, resolveSubject } from './context.ts';
import { Decisions } from './decisions.ts';
import { Reports } from './reports.ts';
import { Roles, Settings } from './roles.ts';
import { type ModerationClaim, StandingService, type SanctionView, type TrustExplanation } from './standing.ts';
import { type ModerationStatistics, statistics } from './statistics.ts';
import { DEFAULT_REPORT_LIMITS, type StatementOfReasons } from './types.ts';

/** What a person sees of themselves in one world. */
export interface PersonModerationView {
  worldId: string;
  worldName: string;
  state: string;
  sanctions: SanctionView[];
  decisions: Array<{
    id: string;
    statement: StatementOfReasons;
    decidedAt: string;
    appeal: { id: string; status: string; reasons: string | null; decidedAt: string | null } | null;
  }>;
  trust: TrustExplanation;
}

export interface Notice {
  id: string;
  worldId: string;
  kind: string;
  body: Record<string, unknown>;
  createdAt: string;
}

export class ModerationService {
  readonly roles: Roles;
  readonly settings: Settings;
  readonly reports: Reports;
  readonly cases: Cases;
  readonly decisions: Decisions;
  readonly standing: StandingService;
  readonly #ctx: Ctx;

  constructor(deps: ModerationDeps) {
    this.#ctx = { ...deps, limits: { ...DEFAULT_REPORT_LIMITS, ...deps.limits } };
    this.roles = new Roles(this.#ctx);
    this.settings = new Settings(this.#ctx);
    this.reports = new Reports(this.#ctx, this.roles);
    this.cases = new Cases(this.#ctx);
    this.decisions = new Decisions(this.#ctx, this.cases, this.settings);
    this.standing = new StandingService(this.#ctx);
  }

  /** The person behind a pseudonym or handle this world knows. @throws MvidError world_not_found | moderation_subject_unknown */
  async resolve(worldId: string, subject: string): Promise<string> {
    await requireWorld(this.#ctx, worldId);
    return resolveSubject(this.#ctx, worldId, subject);
  }

  /** A member's sanction state as the world reads it (the token claim's content plus the sanctions in force). */
  async sanctionState(worldId: string, subject: string): Promise<ModerationClaim & { subject: string; sanctions: SanctionView[] }> {
    const personId = await this.resolve(worldId, subject);
    const [standing, claim] = await Promise.all([this.standing.of(worldId, personId), this.standing.claim(worldId, personId)]);
    return { subject: await this.pseudonymOf(worldId, personId), ...claim, sanctions: standing.sanctions };
  }

  /** The world's pseudonym of a person (of the kind the world knows its users by): the only way a person is named to a world. */
  async pseudonymOf(worldId: string, personId: string): Promise<string> {
    return (await this.#ctx.worlds.pseudonymsOf(worldId))(personId);
  }

  /** A world's statistics, without personal data. @throws MvidError world_not_found */
  async statistics(worldId: string): Promise<ModerationStatistics> {
    return statistics(this.#ctx, await requireWorld(this.#ctx, worldId));
  }

  /** Statistics of every world that has moderation activity (the public transparency page). */
  async allStatistics(): Promise<ModerationStatistics[]> {
    const ids = await this.#ctx.store.publicRead((db) =>
      db.selectFrom('moderation_cases').select('world_id').distinct().orderBy('world_id').execute(),
    );
    const out: ModerationStatistics[] = [];
    for (const { world_id } of ids) {
      const world = await this.#ctx.worlds.world(world_id);
      if (world) out.push(await statistics(this.#ctx, world));
    }
    return out;
  }

  /** The person's standing, decisions about them (with appeals) and trust level in one world. @throws MvidError world_not_found */
  async personView(personId: string, worldId: string): Promise<PersonModerationView> {
    const world = await requireWorld(this.#ctx, worldId);
    const db = this.#ctx.store.db;
    const standing = await this.standing.of(worldId, personId);
    const decisions = await db
      .selectFrom('moderation_decisions')
      .selectAll()
      .where('world_id', '=', worldId)
      .where('subject_person_id', '=', personId)
      .orderBy('decided_at', 'desc')
      .execute();
    const appeals = await appealsOf(
      this.#ctx,
      decisions.map((d) => d.id),
    );
    return {
      worldId,
      worldName: world.name,
      state: standing.state,
      sanctions: await this.standing.history(worldId, personId),
      decisions: decisions.map((d) => {
        const a = appeals.get(d.id);
        return {
          id: d.id,
          statement: JSON.parse(d.statement_json) as StatementOfReasons,
          decidedAt: d.decided_at,
          appeal: a ? { id: a.id, status: a.status, reasons: a.reasons, decidedAt: a.decided_at } : null,
        };
      }),
      trust: await this.standing.trust(worldId, personId),
    };
  }

  /** What the person was told: decisions about them, outcomes of their reports and appeals. */
  async notices(personId: string, worldId?: string): Promise<Notice[]> {
    let q = this.#ctx.store.db.selectFrom('moderation_notices').selectAll().where('person_id', '=', personId);
    if (worldId !== undefined) q = q.where('world_id', '=', worldId);
    const rows = await q.orderBy('created_at', 'desc').limit(200).execute();
    return rows.map((r) => ({
      id: r.id,
      worldId: r.world_id,
      kind: r.kind,
      body: JSON.parse(r.body_json) as Record<string, unknown>,
      createdAt: r.created_at,
    }));
  }

  /** The person's worlds with moderation records (for the account page). */
  async worldsOf(personId: string): Promise<string[]> {
    const rows = await this.#ctx.store.db
      .selectFrom('moderation_decisions')
      .select('world_id')
      .where('subject_person_id', '=', personId)
      .distinct()
      .execute();
    return rows.map((r) => r.world_id).sort();
  }

  /** Expiry of sanctions on time. */
  async sweep(): Promise<number> {
    return this.standing.sweep();
  }

  /** @throws MvidError forbidden unless the person moderates the world */
  async requireModerator(worldId: string, personId: string): Promise<void> {
    await requireWorld(this.#ctx, worldId);
    await this.roles.requireModerator(worldId, personId);
  }
}

export function createModeration(deps: ModerationDeps): ModerationService {
  return new ModerationService(deps);
}
