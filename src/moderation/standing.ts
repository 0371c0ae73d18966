/**
 * A person's standing in one world: the sanctions in force (computed against the clock,
 * so a suspension ends on time even before the sweeper records it), whether sign-in is
 * refused and why, the token claim the world receives, and the trust level with its
 * reasons. Nothing here looks at any other world.
 */
import { MvidError } from '../core/index.ts';
import { type Ctx, DAY_MS, type SanctionRow } from './context.ts';
import { BLOCKING_SANCTIONS, SANCTION_TYPES, type SanctionType, type StatementOfReasons } from './types.ts';

export interface SanctionView {
  id: string;
  decisionId: string;
  type: SanctionType;
  features: string[];
  reason: string;
  startsAt: string;
  endsAt: string | null;
  status: 'active' | 'expired' | 'reversed';
}

export interface Standing {
  /** The most severe sanction in force, or `none`. */
  state: SanctionType;
  sanctions: SanctionView[];
}

/** Why sign-in to a world is refused: the sanction and the statement of reasons to quote. */
export interface SignInBlock {
  sanction: SanctionView;
  statement: StatementOfReasons;
}

/** What a world reads in its tokens: `mvid_moderation`. */
export interface ModerationClaim {
  state: SanctionType;
  until: string | null;
  features: string[];
}

export const TRUST_LEVELS = ['restricted', 'new', 'member', 'established', 'trusted'] as const;
export type TrustLevel = (typeof TRUST_LEVELS)[number];

/** One reason for a trust level, as data (pages word it in the reader's language). */
export type TrustReason =
  | { kind: 'in_force'; sanction: string; until: string | null }
  | { kind: 'not_signed_in' }
  | { kind: 'days'; days: number }
  | { kind: 'shares'; claims: string[] }
  | { kind: 'sanctions'; total: number; recent: number };

export interface TrustExplanation {
  level: TrustLevel;
  /** The reasons in English sentences (the API's), one per entry of `why`. */
  reasons: string[];
  why: TrustReason[];
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** The English sentence of a reason, as the API has always given it. */
export function trustReasonText(r: TrustReason): string {
  switch (r.kind) {
    case 'in_force':
      return `a ${r.sanction.replace('_', ' ')} is in force${r.until ? ` until ${r.until}` : ''}`;
    case 'not_signed_in':
      return 'you have not signed in to this world yet';
    case 'days':
      return `${r.days} days in this world`;
    case 'shares':
      return r.claims.length === 0
        ? 'you share no attributes with this world'
        : `you share ${plural(r.claims.length, 'attribute')} with this world (${r.claims.join(', ')})`;
    case 'sanctions':
      return r.total === 0 ? 'no sanctions in this world' : `${plural(r.total, 'sanction')} in this world, ${r.recent} in the last 90 days`;
  }
}

function explained(level: TrustLevel, why: TrustReason[]): TrustExplanation {
  return { level, reasons: why.map(trustReasonText), why };
}

function view(r: SanctionRow, now: string): SanctionView {
  const lapsed = r.status === 'active' && r.ends_at !== null && r.ends_at <= now;
  return {
    id: r.id,
    decisionId: r.decision_id,
    type: r.type as SanctionType,
    features: JSON.parse(r.features_json) as string[],
    reason: r.reason,
    startsAt: r.starts_at,
    endsAt: r.ends_at,
    status: lapsed ? 'expired' : (r.status as SanctionView['status']),
  };
}

const severity = (t: SanctionType) => SANCTION_TYPES.indexOf(t);

export class StandingService {
  readonly #ctx: Ctx;
  constructor(ctx: Ctx) {
    this.#ctx = ctx;
  }

  /** Every sanction of the person in this world, newest first. */
  async history(worldId: string, personId: string): Promise<SanctionView[]> {
    const now = this.#ctx.clock.now().toISOString();
    const rows = await this.#ctx.store.db
      .selectFrom('moderation_sanctions')
      .selectAll()
      .where('world_id', '=', worldId)
      .where('person_id', '=', personId)
      .orderBy('starts_at', 'desc')
      .execute();
    return rows.map((r) => view(r, now));
  }

  async of(worldId: string, personId: string): Promise<Standing> {
    const active = (await this.history(worldId, personId)).filter((s) => s.status === 'active');
    const state = active.reduce<SanctionType>((worst, s) => (severity(s.type) > severity(worst) ? s.type : worst), 'none');
    return { state, sanctions: active };
  }

  /** The suspension or ban that refuses sign-in to this world now, if any (a ban before a suspension). */
  async signInBlock(worldId: string, personId: string): Promise<SignInBlock | undefined> {
    const { sanctions } = await this.of(worldId, personId);
    const blocking = sanctions.filter((s) => BLOCKING_SANCTIONS.has(s.type)).sort((a, b) => severity(b.type) - severity(a.type));
    const sanction = blocking[0];
    if (!sanction) return undefined;
    const d = await this.#ctx.store.db
      .selectFrom('moderation_decisions')
      .select('statement_json')
      .where('id', '=', sanction.decisionId)
      .executeTakeFirstOrThrow();
    return { sanction, statement: JSON.parse(d.statement_json) as StatementOfReasons };
  }

  /** @throws MvidError sign_in_sanctioned while a suspension or ban is in force */
  async requireNotBlocked(worldId: string, personId: string): Promise<void> {
    const block = await this.signInBlock(worldId, personId);
    if (block)
      throw new MvidError('sign_in_sanctioned', `sign-in to ${block.statement.world.name} is refused: ${block.sanction.type}`, {
        extensions: { sanction: block.sanction.type, until: block.sanction.endsAt, decisionId: block.sanction.decisionId },
      });
  }

  async claim(worldId: string, personId: string): Promise<ModerationClaim> {
    const { state, sanctions } = await this.of(worldId, personId);
    const worst = sanctions.filter((s) => s.type === state);
    const ends = worst.map((s) => s.endsAt);
    const until =
      state === 'none' || ends.includes(null)
        ? null
        : (ends
            .filter((e): e is string => e !== null)
            .sort()
            .at(-1) ?? null);
    return { state, until, features: [...new Set(sanctions.flatMap((s) => s.features))].sort() };
  }

  /**
   * The trust level in this world, from tenure there, the claims the person chose to share
   * there, and this world's sanctions — with the reasons, for the person to read.
   */
  async trust(worldId: string, personId: string): Promise<TrustExplanation> {
    const now = this.#ctx.clock.now();
    const presence = await this.#ctx.worlds.presence(worldId, personId);
    const history = await this.history(worldId, personId);
    const upheld = history.filter((s) => s.status !== 'reversed');
    const inForce = upheld.filter((s) => s.status === 'active' && s.type !== 'warning');
    if (inForce.length > 0) {
      return explained(
        'restricted',
        inForce.map((s) => ({ kind: 'in_force', sanction: s.type, until: s.endsAt })),
      );
    }
    if (!presence) return explained('new', [{ kind: 'not_signed_in' }]);
    const days = Math.floor((now.getTime() - Date.parse(presence.since)) / DAY_MS);
    const shared = presence.shared.length;
    const recent = upheld.filter((s) => Date.parse(s.startsAt) > now.getTime() - 90 * DAY_MS);
    const why: TrustReason[] = [
      { kind: 'days', days },
      { kind: 'shares', claims: [...presence.shared] },
      { kind: 'sanctions', total: upheld.length, recent: recent.length },
    ];
    let level: TrustLevel = 'new';
    if (days >= 7) level = 'member';
    if (days >= 30 && shared >= 1 && recent.length === 0) level = 'established';
    if (days >= 180 && shared >= 2 && upheld.length === 0) level = 'trusted';
    return explained(level, why);
  }

  /** Records expiries the clock has already applied (for statistics and notices); returns how many. */
  async sweep(): Promise<number> {
    const now = this.#ctx.clock.now().toISOString();
    const result = await this.#ctx.store.db
      .updateTable('moderation_sanctions')
      .set((eb) => ({ status: 'expired', ended_at: eb.ref('ends_at') }))
      .where('status', '=', 'active')
      .where('ends_at', 'is not', null)
      .where('ends_at', '<=', now)
      .executeTakeFirst();
    return Number(result.numUpdatedRows);
  }
}
