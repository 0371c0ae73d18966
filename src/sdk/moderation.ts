/**
 * For worlds: a person's sanction state in this world, from the `mvid_moderation` claim
 * of an ID token (offline) or from mvid's API (fresh). It is this world's own state —
 * mvid tells no world about another world's sanctions.
 *
 * @example
 * const who = await verifyWorldIdToken(idToken, options);
 * if (restricts(who.moderation, 'chat')) muteChat(who.sub);
 */

export const MODERATION_STATES = ['none', 'warning', 'mute', 'feature_restriction', 'suspension', 'ban'] as const;
export type ModerationState = (typeof MODERATION_STATES)[number];

export interface WorldModeration {
  /** The most severe sanction in force in this world, or `none`. */
  state: ModerationState;
  /** When it ends (null: no end, or nothing in force). */
  until: string | null;
  /** Features restricted by a feature restriction. */
  features: string[];
}

export const NO_SANCTION: WorldModeration = Object.freeze({ state: 'none', until: null, features: [] }) as WorldModeration;

/** Reads the `mvid_moderation` claim; anything malformed or absent reads as no sanction. */
export function moderationOf(payload: Record<string, unknown>): WorldModeration {
  const raw = payload.mvid_moderation as Partial<WorldModeration> | undefined;
  if (typeof raw !== 'object' || raw === null || !(MODERATION_STATES as readonly unknown[]).includes(raw.state)) return NO_SANCTION;
  return {
    state: raw.state as ModerationState,
    until: typeof raw.until === 'string' ? raw.until : null,
    features: Array.isArray(raw.features) ? raw.features.filter((f): f is string => typeof f === 'string') : [],
  };
}

/** Features a mute silences. */
const MUTED = new Set(['chat', 'voice']);

/**
 * Whether the sanction keeps the person from `feature` now: everything under a suspension
 * or ban, chat and voice under a mute, the named features under a restriction.
 */
export function restricts(m: WorldModeration, feature: string, now: Date = new Date()): boolean {
  if (m.until !== null && Date.parse(m.until) <= now.getTime()) return false;
  if (m.state === 'suspension' || m.state === 'ban') return true;
  if (m.state === 'mute') return MUTED.has(feature);
  return m.features.includes(feature);
}

export interface FetchModerationOptions {
  /** mvid's public URL (not the /oidc issuer). */
  baseUrl: string;
  clientId: string;
  clientSecret: string;
  /** The person's pseudonym in this world (`sub`, or the blind sign-in pseudonym) or handle there. */
  subject: string;
  fetch?: typeof fetch;
}

/** The fresh sanction state from mvid's API (`GET /moderation/v1/worlds/{world}/sanctions/{subject}`). */
export async function fetchModeration(options: FetchModerationOptions): Promise<WorldModeration> {
  const basic = Buffer.from(`${encodeURIComponent(options.clientId)}:${encodeURIComponent(options.clientSecret)}`).toString('base64');
  const url = `${options.baseUrl.replace(/\/$/, '')}/moderation/v1/worlds/${encodeURIComponent(options.clientId)}/sanctions/${encodeURIComponent(options.subject)}`;
  const response = await (options.fetch ?? fetch)(url, { headers: { authorization: `Basic ${basic}`, accept: 'application/json' } });
  if (!response.ok) throw new Error(`mvid answered ${response.status} for the sanction state`);
  return moderationOf({ mvid_moderation: await response.json() });
}
