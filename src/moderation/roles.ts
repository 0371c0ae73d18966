/** Per-world roles (moderator, trusted flagger) and settings (appeal window, repeat-offender policy). */
import { MvidError, ValidationError } from '../core/index.ts';
import { type Ctx, nowIso, requireWorld, resolveSubject } from './context.ts';
import { DEFAULT_MODERATION_SETTINGS, type ModerationRole, type ModerationSettings } from './types.ts';

export class Roles {
  readonly #ctx: Ctx;
  constructor(ctx: Ctx) {
    this.#ctx = ctx;
  }

  /** Grants a role to the person behind a pseudonym or handle of the world; returns their pseudonym. */
  async grant(worldId: string, subject: string, role: ModerationRole): Promise<{ subject: string; role: ModerationRole }> {
    await requireWorld(this.#ctx, worldId);
    const personId = await resolveSubject(this.#ctx, worldId, subject);
    await this.#ctx.store.db
      .insertInto('moderation_roles')
      .values({ world_id: worldId, person_id: personId, role, granted_at: nowIso(this.#ctx) })
      .onConflict((oc) => oc.columns(['world_id', 'person_id', 'role']).doNothing())
      .execute();
    return { subject: (await this.#ctx.worlds.pseudonymsOf(worldId))(personId), role };
  }

  async revoke(worldId: string, subject: string, role: ModerationRole): Promise<void> {
    const personId = await resolveSubject(this.#ctx, worldId, subject);
    await this.#ctx.store.db
      .deleteFrom('moderation_roles')
      .where('world_id', '=', worldId)
      .where('person_id', '=', personId)
      .where('role', '=', role)
      .execute();
  }

  async has(worldId: string, personId: string, role: ModerationRole): Promise<boolean> {
    const row = await this.#ctx.store.db
      .selectFrom('moderation_roles')
      .select('role')
      .where('world_id', '=', worldId)
      .where('person_id', '=', personId)
      .where('role', '=', role)
      .executeTakeFirst();
    return row !== undefined;
  }

  /** @throws MvidError forbidden unless the person moderates this world (a moderator of another world is nobody here) */
  async requireModerator(worldId: string, personId: string): Promise<void> {
    if (!(await this.has(worldId, personId, 'moderator'))) throw new MvidError('forbidden', 'you are not a moderator of this world');
  }

  async list(worldId: string): Promise<Array<{ subject: string; role: string; grantedAt: string }>> {
    const rows = await this.#ctx.store.db
      .selectFrom('moderation_roles')
      .selectAll()
      .where('world_id', '=', worldId)
      .orderBy('granted_at')
      .execute();
    const pseudonym = await this.#ctx.worlds.pseudonymsOf(worldId);
    return rows.map((r) => ({ subject: pseudonym(r.person_id), role: r.role, grantedAt: r.granted_at }));
  }
}

export class Settings {
  readonly #ctx: Ctx;
  constructor(ctx: Ctx) {
    this.#ctx = ctx;
  }

  async of(worldId: string): Promise<ModerationSettings> {
    const row = await this.#ctx.store.db
      .selectFrom('moderation_settings')
      .select('settings_json')
      .where('world_id', '=', worldId)
      .executeTakeFirst();
    return row
      ? { ...DEFAULT_MODERATION_SETTINGS, ...(JSON.parse(row.settings_json) as Partial<ModerationSettings>) }
      : DEFAULT_MODERATION_SETTINGS;
  }

  /** @throws ValidationError for a window or policy out of bounds */
  async update(worldId: string, patch: Partial<ModerationSettings>): Promise<ModerationSettings> {
    await requireWorld(this.#ctx, worldId);
    const next: ModerationSettings = { ...(await this.of(worldId)), ...patch };
    if (!Number.isInteger(next.appealWindowDays) || next.appealWindowDays < 14 || next.appealWindowDays > 3650)
      throw new ValidationError('the appeal window is 14 to 3650 days', 'appealWindowDays');
    const p = next.repeatOffender;
    if (!Number.isInteger(p.threshold) || p.threshold < 1 || p.threshold > 100)
      throw new ValidationError('the repeat-offender threshold is 1 to 100 sanctions', 'repeatOffender.threshold');
    if (!Number.isInteger(p.windowDays) || p.windowDays < 1 || p.windowDays > 3650)
      throw new ValidationError('the repeat-offender window is 1 to 3650 days', 'repeatOffender.windowDays');
    if (!Number.isInteger(p.suspensionDays) || p.suspensionDays < 1 || p.suspensionDays > 3650)
      throw new ValidationError('the escalated suspension is 1 to 3650 days', 'repeatOffender.suspensionDays');
    const json = JSON.stringify(next);
    const at = nowIso(this.#ctx);
    await this.#ctx.store.db
      .insertInto('moderation_settings')
      .values({ world_id: worldId, settings_json: json, updated_at: at })
      .onConflict((oc) => oc.column('world_id').doUpdateSet({ settings_json: json, updated_at: at }))
      .execute();
    return next;
  }
}
