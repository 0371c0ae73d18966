/**
 * The mvid log entry vocabulary: every event type and its fields, in canonical
 * order. Field values are ids, SHA-256 hashes or commitments, timestamps, small
 * counts and enums only: each kind has a strict pattern, so a name, pseudonym,
 * handle or birthdate cannot be written into the public log by mistake.
 *
 * Field kinds (32-byte values use unpadded base64url, as elsewhere in mvid):
 *   id    a random or digest identifier: lowercase UUID, or 32 bytes in base64url
 *         (43 characters, canonical), e.g. a trustee-set id
 *   hash  32 bytes in base64url: a SHA-256 digest or commitment, or a 32-byte
 *         public key. A reference to a person must not be guessable from public
 *         data (e.g. the registry's personRef, a hash of the random person id)
 *   time  UTC "YYYY-MM-DDTHH:MM:SSZ" (whole seconds, see `entryTime`), not
 *         before 2020 (so no birthdate fits)
 *   uint  decimal integer in a per-field range
 *   enum  one of a per-field list of words
 */

export type FieldSpec =
  | { readonly kind: 'id' | 'hash' | 'time'; readonly optional?: true }
  | { readonly kind: 'uint'; readonly min: number; readonly max: number; readonly optional?: true }
  | { readonly kind: 'enum'; readonly values: readonly string[]; readonly optional?: true };

const id = { kind: 'id' } as const;
const hash = { kind: 'hash' } as const;
const time = { kind: 'time' } as const;
function uint<const Min extends number, const Max extends number>(min: Min, max: Max) {
  return { kind: 'uint', min, max } as const;
}
function oneOf<const V extends readonly string[]>(...values: V) {
  return { kind: 'enum', values } as const;
}
function optional<const S extends FieldSpec>(spec: S): S & { readonly optional: true } {
  return { ...spec, optional: true } as const;
}

/** Fields of each event type after `type` and `time`, in their canonical order. */
export const ENTRY_SCHEMAS = {
  /** An authority asked for envelopes of a committed subject, citing a court order and an offence. */
  disclosure_request: { request: id, authority: id, subject: hash, courtOrder: hash, offence: hash, trusteeSet: id, expires: time },
  trustee_approval: { request: id, trustee: id, statement: hash },
  trustee_denial: {
    request: id,
    trustee: id,
    reason: oneOf('insufficient_basis', 'not_an_offence', 'order_invalid', 'disproportionate', 'other'),
    statement: hash,
  },
  /** An envelope was opened for the request; `transcript` commits to the partial decryptions and proofs. */
  release: { request: id, envelope: id, approvals: uint(1, 255), transcript: hash },
  release_receipt: { request: id, envelope: id, authority: id, receipt: hash },
  request_expired: { request: id },
  request_closed: { request: id, outcome: oneOf('released', 'denied', 'withdrawn', 'expired') },
  /**
   * A trustee set took office: its id commits to threshold, trustees and commitments; `escrowKey` is its public key.
   * `ceremony` says how its key was made; for a DKG, `transcript` commits to every trustee's commitments, proofs and
   * complaints (served at /registry/v1/dkg/{id}/transcript) and `disqualified` counts the trustees it excluded.
   * For a reshare, `resharedFrom` is the set whose key (the same `escrowKey`) this set now holds, `transcript`
   * commits to the old trustees' re-dealings and the new trustees' complaints, `disqualified` counts old trustees
   * left out; envelopes sealed to `resharedFrom` open with this set from now on.
   */
  trustee_set: {
    trusteeSet: id,
    threshold: uint(1, 255),
    trusteeCount: uint(1, 255),
    escrowKey: hash,
    replaces: optional(id),
    ceremony: optional(oneOf('dealer', 'dkg', 'reshare')),
    transcript: optional(hash),
    disqualified: optional(uint(0, 255)),
    resharedFrom: optional(id),
  },
  /**
   * A retention-epoch escrow key of trustee set `trusteeSet` took office: envelopes whose retention ends in
   * [`startsAt`, `endsAt`) are sealed to `escrowKey` (its id commits to threshold, trustees and commitments, as a
   * trustee set's does), whose public key is `publicKey`. `ceremony` and `transcript` as for `trustee_set`. For a
   * reshare (the set's key was reshared to new trustees, and every live epoch key with it), `resharedFrom` is the
   * old set's epoch key whose public key (the same `publicKey`) this key holds, `disqualified` counts old trustees
   * left out; envelopes sealed to `resharedFrom` open with this key from now on.
   */
  escrow_epoch: {
    trusteeSet: id,
    escrowKey: id,
    publicKey: hash,
    startsAt: time,
    endsAt: time,
    threshold: uint(1, 255),
    trusteeCount: uint(1, 255),
    ceremony: optional(oneOf('dealer', 'dkg', 'reshare')),
    transcript: optional(hash),
    disqualified: optional(uint(0, 255)),
    resharedFrom: optional(id),
  },
  /**
   * A trustee destroyed its share of an epoch key: `trustee` is its verification key in that key, `statement` the
   * SHA-256 of its signed destruction statement (served at /registry/v1/escrow-epochs; src/crypto epoch.ts).
   */
  escrow_epoch_destroyed: { trusteeSet: id, escrowKey: id, trustee: hash, statement: hash },
  /**
   * The uniqueness-tag service answered its `count`-th evaluation for an enrolment or recovery; `service` is its
   * public key. Counts rise by one per enrolment attempt: a larger jump is evaluations nobody enrolled with.
   */
  tag_evaluations: { service: hash, count: uint(1, Number.MAX_SAFE_INTEGER) },
  /** A service key changed; keys are named by the SHA-256 of their public part. */
  key_rotation: { purpose: oneOf('log', 'token', 'data_at_rest'), newKey: hash, previousKey: optional(hash) },
  /** An escrow envelope was deleted; field groups mirror the registry's FIELD_GROUPS. */
  envelope_destroyed: {
    envelope: id,
    subject: hash,
    trusteeSet: id,
    fieldGroup: oneOf('name_birth', 'identifier', 'document', 'contact'),
    reason: oneOf('retention_expired', 'erasure_request', 'superseded', 'request_closed'),
  },
  /**
   * An escrow envelope was sealed (at enrolment or recovery). `binding` commits to the
   * envelope id, person id (random and opaque), trustee set, field group and the SHA-256
   * of C1 (src/crypto `envelopeBinding`), so an envelope cannot later be passed off as
   * another person's; the entry itself names nobody.
   */
  envelope_sealed: {
    envelope: id,
    trusteeSet: id,
    fieldGroup: oneOf('name_birth', 'identifier', 'document', 'contact'),
    binding: hash,
  },
  /** The person's notification of a disclosure was postponed by a court order. */
  notification_delay_extended: { request: id, until: time, courtOrder: hash },
  /** A registry event about a person, who appears only as a salted commitment. */
  person_event: {
    action: oneOf('enrolled', 'recovered', 'closed', 'swept', 'suspended', 'reinstated', 'credential_issued', 'credential_revoked'),
    subject: hash,
    issuer: optional(id),
    reference: optional(hash),
  },
} as const satisfies Record<string, Record<string, FieldSpec>>;

export type LogEventType = keyof typeof ENTRY_SCHEMAS;

type ValueOf<S> = S extends { kind: 'uint' } ? number : S extends { kind: 'enum'; values: readonly (infer V)[] } ? V : string;
type Simplify<T> = { [K in keyof T]: T[K] } & {};
type Fields<F> = { -readonly [K in keyof F as F[K] extends { optional: true } ? never : K]: ValueOf<F[K]> } & {
  -readonly [K in keyof F as F[K] extends { optional: true } ? K : never]?: ValueOf<F[K]>;
};

/** One event of the given type: `time` is when it happened (UTC, whole seconds). */
export type LogEventOf<T extends LogEventType> = Simplify<{ type: T; time: string } & Fields<(typeof ENTRY_SCHEMAS)[T]>>;

/** Any mvid log event. */
export type LogEvent = { [T in LogEventType]: LogEventOf<T> }[LogEventType];

/** Rules between fields of one event; a message when broken. */
export const CROSS_FIELD_RULES: { [T in LogEventType]?: (event: LogEventOf<T>) => string | null } = {
  trustee_set: (e) => (e.threshold > e.trusteeCount ? 'threshold exceeds the number of trustees' : null),
  escrow_epoch: (e) =>
    e.threshold > e.trusteeCount
      ? 'threshold exceeds the number of trustees'
      : e.startsAt >= e.endsAt
        ? 'the epoch ends before it starts'
        : null,
};
