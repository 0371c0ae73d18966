/** Registry vocabulary: options, records and constants shared by the registry modules. */
import type { JsonWebKey } from 'node:crypto';
import type { Clock, Random } from '../core/index.ts';
import type { EnvelopeSealer } from '../crypto/index.ts';
import type { Store, Tx } from '../store/index.ts';
import type { TagOracle } from './tag-oracle.ts';
import type { PendingDisclosures } from './dkg.ts';

/** The credential type of a person-identification credential (the EU PID type). */
export const PID_VCT = 'urn:eudi:pid:1';

/** `iss` of the development PID issuer; refused outside development mode whatever the database says. */
export const DEV_ISSUER_ISS = 'urn:mvid:dev-pid-issuer';
export const DEV_ISSUER_NAME = 'mvid-dev';

/** How long a nonce from `POST /registry/v1/nonces` may be answered. */
export const NONCE_TTL_SECONDS = 300;
/** How old a key-binding JWT or holder assertion may be, and how much clock skew is tolerated. */
export const MAX_ASSERTION_AGE_SECONDS = 300;
export const CLOCK_SKEW_SECONDS = 60;
/** Default lifetime of a person session. */
export const SESSION_TTL_SECONDS = 3600;

/** The escrow field groups: one envelope each, so an opening can be limited to what an order covers. */
export const FIELD_GROUPS = ['name_birth', 'identifier', 'document', 'contact'] as const;
export type FieldGroup = (typeof FIELD_GROUPS)[number];

/** Attributes the service itself reads (sealed with the data-at-rest key). */
/** `age_milestones` (src/core's `AgeMilestones`), not the birthdate: that stays in the `name_birth` envelope. */
export const SERVICE_ATTRIBUTES = ['age_milestones', 'nationalities', 'residence_country'] as const;
export type ServiceAttribute = (typeof SERVICE_ATTRIBUTES)[number];

export type PersonStatus = 'active' | 'closed';

export type PersonEventType =
  | 'enrolled'
  | 'recovered'
  | 'key_added'
  | 'key_revoked'
  | 'closed'
  | 'exported'
  | 'envelopes_destroyed'
  | 'swept';

/** What the registry needs from its surroundings. */
export interface RegistryDeps {
  store: Store;
  clock: Clock;
  random: Random;
  /** Computes uniqueness tags with the tag service's key, which is not in this key directory. */
  tagOracle: TagOracle;
  /** Secrets from the key directory; none of them ever enters the database. */
  secrets: {
    dataKey: Uint8Array;
    /** Keys the stateless nonces' MAC (a key derived from it, never the secret itself). */
    nonceSecret: Uint8Array;
    /** Keys the salted person commitments (`subject`) in log entries (through a derived key). */
    logSubjectSecret: Uint8Array;
  };
  options: RegistryOptions;
  log: RegistryLog;
  /** Seals escrow envelopes off the event loop (the composition root's worker pool); in-thread when absent. */
  sealer?: EnvelopeSealer;
  /** The disclosure requests pending for a trustee set (a reshare of it waits for them: dkg.ts). */
  pendingDisclosures: PendingDisclosures;
}

export interface RegistryOptions {
  mode: 'development' | 'production';
  /** This service's public URL: the `aud` of key-binding JWTs and holder assertions. */
  audience: string;
  retentionDays: number;
  /** Longest life of an escrow envelope from its sealing (its expiry picks its retention epoch); default 730. */
  escrowLifetimeDays?: number;
  /** Retention-epoch length in months (1, 2, 3, 4, 6 or 12); default 1. */
  escrowEpochMonths?: number;
  sessionTtlSeconds?: number;
}

/**
 * Port to the transparency log: queues entries in the caller's transaction, so the
 * domain write and its log entry commit (or vanish) together.
 */
export interface RegistryLog {
  enqueue(tx: Tx, entries: Uint8Array[]): Promise<void>;
}

export interface IssuerRecord {
  id: string;
  name: string;
  iss: string;
  jwks: { keys: JsonWebKey[] };
  claims: string[];
  namespaces: string[];
  vcts: string[];
  dev: boolean;
  createdAt: string;
  disabledAt: string | null;
}

export interface HolderKeyRecord {
  /** RFC 7638 thumbprint. */
  kid: string;
  jwk: JsonWebKey;
  createdAt: string;
  revokedAt: string | null;
  revokedReason: string | null;
}

export interface PersonEvent {
  id: number;
  type: string;
  at: string;
  detail: Record<string, unknown>;
}

export interface PersonSummary {
  id: string;
  status: PersonStatus;
  createdAt: string;
  closedAt: string | null;
  purgeAfter: string | null;
}

/** A new session's bearer token: returned once, stored only as a hash. */
export interface IssuedSession {
  token: string;
  expiresAt: string;
}
