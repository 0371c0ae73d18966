/** Vocabulary of src/worlds: the claim catalogue, world records and the ports others implement. */
import type { AgeSource } from '../core/index.ts';
import type { Tx } from '../store/index.ts';

/**
 * Every claim a world may register and request. Each is also an OAuth scope of the
 * same name, so a world asks for exactly the claims it registered and nothing wider.
 */
export const WORLD_CLAIMS = {
  age_over_13: { label: 'Over 13', description: 'Whether you are at least 13 years old (not your birthdate).' },
  age_over_16: { label: 'Over 16', description: 'Whether you are at least 16 years old (not your birthdate).' },
  age_over_18: { label: 'Over 18', description: 'Whether you are at least 18 years old (not your birthdate).' },
  age_over_21: { label: 'Over 21', description: 'Whether you are at least 21 years old (not your birthdate).' },
  handle: { label: 'Handle', description: 'The display name you chose for this world.' },
  trust_level: { label: 'Trust level', description: 'Your standing in this world only (new, established, …).' },
  occupation: { label: 'Occupation', description: 'An occupation attested by a registered issuing body.' },
  residence_country: { label: 'Country of residence', description: 'The country you reside in (ISO 3166-1 alpha-2).' },
} as const satisfies Record<string, { label: string; description: string }>;

export type WorldClaim = keyof typeof WORLD_CLAIMS;
export const WORLD_CLAIM_NAMES = Object.keys(WORLD_CLAIMS) as WorldClaim[];

export function isWorldClaim(value: unknown): value is WorldClaim {
  return typeof value === 'string' && Object.hasOwn(WORLD_CLAIMS, value);
}

/** One published community rule: a policy category and its text (moderation reads these). */
export interface CommunityRule {
  category: string;
  text: string;
}

export interface RequestedClaim {
  name: WorldClaim;
  /** A required claim cannot be unticked on the consent page (refusing it refuses sign-in). */
  required: boolean;
}

/**
 * Which pseudonym a world knows its users by: `oidc`, the pairwise `sub` of its ID tokens
 * (the default), or `blind`, the pseudonym its blind sign-in presentations show
 * (docs/blind-signin.md). Moderation names persons to the world by this kind.
 */
export const WORLD_PSEUDONYM_KINDS = ['oidc', 'blind'] as const;
export type WorldPseudonymKind = (typeof WORLD_PSEUDONYM_KINDS)[number];
export const DEFAULT_PSEUDONYM_KIND: WorldPseudonymKind = 'oidc';

export function isWorldPseudonymKind(value: unknown): value is WorldPseudonymKind {
  return typeof value === 'string' && (WORLD_PSEUDONYM_KINDS as readonly string[]).includes(value);
}

export type WorldAuthMethod = 'private_key_jwt' | 'client_secret_basic' | 'client_secret_post';

export interface JsonWebKeySet {
  keys: Array<Record<string, unknown>>;
}

export interface NewWorld {
  name: string;
  redirectUris: string[];
  postLogoutRedirectUris?: string[];
  logoUri?: string;
  policyUri?: string;
  tosUri?: string;
  rules: CommunityRule[];
  purpose: string;
  claims: RequestedClaim[];
  /** private_key_jwt when `jwks` is given; otherwise a client secret is generated. */
  authMethod?: WorldAuthMethod;
  jwks?: JsonWebKeySet;
  /** Which pseudonym the world knows its users by; `oidc` when absent. */
  pseudonyms?: WorldPseudonymKind;
}

export interface World {
  id: string;
  name: string;
  redirectUris: string[];
  postLogoutRedirectUris: string[];
  logoUri: string | null;
  policyUri: string | null;
  tosUri: string | null;
  rules: CommunityRule[];
  purpose: string;
  claims: RequestedClaim[];
  authMethod: WorldAuthMethod;
  jwks: JsonWebKeySet | null;
  pseudonyms: WorldPseudonymKind;
  createdAt: string;
  updatedAt: string;
  disabledAt: string | null;
}

/** What registration returns: the world and, for client_secret_*, the secret (shown once). */
export interface RegisteredWorld {
  world: World;
  clientId: string;
  clientSecret?: string;
}

/** Person attributes the service may read to answer claims (from the registry and credentials). */
export interface PersonAttributes {
  /** ISO date; only ever turned into age predicates, never released. */
  /** Age milestones (what the registry stores) or a full birthdate (older records, tests). */
  birthdate?: AgeSource;
  residenceCountry?: string;
  occupation?: string;
}

/** Port: the registry's view of persons (implemented by the composition root over src/registry). */
export interface PersonDirectory {
  /** Whether the person exists and may sign in (not closed). */
  isActive(personId: string): Promise<boolean>;
  attributes(personId: string): Promise<PersonAttributes>;
}

/** Port: the moderation module's per-world standing of a person; default "new". */
export interface TrustLevels {
  levelOf(worldId: string, personId: string): Promise<string>;
}

/** Port: age predicates from age milestones or a birthdate (src/core's `agePredicates`). */
export type AgePredicateFn = (source: AgeSource, now: Date) => Record<string, boolean>;

/** Hook the registry calls when a person's account closes (in the closure's transaction). */
export type PersonClosedHandler = (tx: Tx, event: { personId: string; at: Date }) => Promise<void>;

export const DEFAULT_TRUST_LEVEL = 'new';
export const defaultTrustLevels: TrustLevels = { levelOf: async () => DEFAULT_TRUST_LEVEL };
