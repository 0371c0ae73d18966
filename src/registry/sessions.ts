/**
 * Person sessions. A person signs in by signing a short JWT with one of their holder
 * keys (typ `mvid-session+jwt`, aud = this service, a nonce from /nonces, fresh iat) and
 * gets an opaque bearer token, stored only as a SHA-256 hash, with an expiry. The same
 * assertion shape (typ `mvid-key+jwt`, key in the header) proves possession of a new
 * holder key. Other sign-in methods (passkeys, cookies) add a `method`, not a table.
 */
import type { JsonWebKey } from 'node:crypto';
import { MvidError } from '../core/index.ts';
import { decodeJws, jwkThumbprint, publicHolderJwk, verifiedBy } from './jws.ts';
import { checkNonce, consumeNonce, nonceKey } from './nonces.ts';
import { createSession } from './persons.ts';
import { CLOCK_SKEW_SECONDS, type IssuedSession, MAX_ASSERTION_AGE_SECONDS, type RegistryDeps, SESSION_TTL_SECONDS } from './types.ts';
import { parseStored, sha256Hex } from './util.ts';

export const SESSION_ASSERTION_TYP = 'mvid-session+jwt';
export const KEY_PROOF_TYP = 'mvid-key+jwt';
const MAX_ASSERTION_LENGTH = 8 * 1024;

/** Who a valid session token belongs to. */
export interface PersonPrincipal {
  personId: string;
  sessionId: string;
  method: string;
  holderKeyId: string | null;
  expiresAt: string;
}

export interface VerifiedAssertion {
  jwk: JsonWebKey;
  kid: string;
  nonce: string;
  nonceExpires: Date;
}

function invalid(message: string): never {
  throw new MvidError('assertion_invalid', message);
}

/**
 * Checks a holder assertion's typ, signature, audience, freshness and nonce. The key
 * comes from `resolveKey` (by `kid`) or, for a key proof, from the header's `jwk`.
 * @throws MvidError assertion_invalid | nonce_invalid | nonce_expired
 */
export async function verifyAssertion(
  compact: string,
  expected: {
    typ: string;
    audience: string;
    now: Date;
    nonceKey: Uint8Array;
    resolveKey?: (kid: string) => Promise<JsonWebKey | undefined>;
  },
): Promise<VerifiedAssertion> {
  const jws = (compact.length <= MAX_ASSERTION_LENGTH ? decodeJws(compact) : undefined) ?? invalid('the assertion is not a compact JWS');
  if (jws.header.typ !== expected.typ || jws.header.crit !== undefined) invalid(`the assertion typ must be ${expected.typ}`);
  let jwk: JsonWebKey | undefined;
  if (expected.resolveKey) {
    if (typeof jws.header.kid !== 'string') invalid('the assertion names no holder key (kid)');
    jwk = await expected.resolveKey(jws.header.kid);
    if (!jwk) invalid('the assertion is signed by an unknown or revoked holder key');
  } else {
    jwk = publicHolderJwk(jws.header.jwk);
  }
  if (!verifiedBy(jws, jwk)) invalid('the assertion signature does not verify with the holder key');
  if (jws.payload.aud !== expected.audience) invalid('the assertion is for another audience');
  const nowSeconds = Math.floor(expected.now.getTime() / 1000);
  const iat = typeof jws.payload.iat === 'number' ? jws.payload.iat : invalid('the assertion has no iat');
  if (nowSeconds - iat > MAX_ASSERTION_AGE_SECONDS + CLOCK_SKEW_SECONDS || iat > nowSeconds + CLOCK_SKEW_SECONDS) {
    invalid('the assertion is too old or dated in the future');
  }
  const nonceExpires = checkNonce(expected.nonceKey, jws.payload.nonce, expected.now);
  return { jwk, kid: jwkThumbprint(jwk), nonce: jws.payload.nonce as string, nonceExpires };
}

export class Sessions {
  readonly #deps: RegistryDeps;
  readonly #nonceKey: Uint8Array;

  constructor(deps: RegistryDeps) {
    this.#deps = deps;
    this.#nonceKey = nonceKey(deps.secrets.nonceSecret);
  }

  /** The nonce MAC key, for the other assertion checks in the registry. */
  get nonceKey(): Uint8Array {
    return this.#nonceKey;
  }

  /**
   * Signs a person in with a holder-key assertion.
   * @throws MvidError assertion_invalid | nonce_* | person_closed
   */
  async signIn(assertion: string): Promise<IssuedSession & { personId: string }> {
    const { store, clock, options, random } = this.#deps;
    const now = clock.now();
    let personId = '';
    const verified = await verifyAssertion(assertion, {
      typ: SESSION_ASSERTION_TYP,
      audience: options.audience,
      now,
      nonceKey: this.#nonceKey,
      resolveKey: async (kid) => {
        const row = await store.db
          .selectFrom('registry_holder_keys')
          .select(['person_id', 'jwk_json'])
          .where('id', '=', kid)
          .where('revoked_at', 'is', null)
          .executeTakeFirst();
        personId = row?.person_id ?? '';
        return row ? parseStored<JsonWebKey>(row.jwk_json) : undefined;
      },
    });
    return store.transaction(async (tx) => {
      await consumeNonce(tx, verified.nonce, verified.nonceExpires, now);
      const person = await tx.selectFrom('registry_persons').select('status').where('id', '=', personId).executeTakeFirst();
      if (person?.status !== 'active') throw new MvidError('person_closed', 'this account is closed; sign-in is refused');
      const session = await createSession(
        tx,
        personId,
        'holder_key',
        verified.kid,
        now,
        options.sessionTtlSeconds ?? SESSION_TTL_SECONDS,
        random,
      );
      return { ...session, personId };
    });
  }

  /** The principal behind a bearer token, or `undefined` for an unknown, expired or revoked one. */
  async authenticate(token: string): Promise<PersonPrincipal | undefined> {
    if (!token.startsWith('mvs_') || token.length > 200) return undefined;
    const now = this.#deps.clock.now().toISOString();
    const row = await this.#deps.store.db
      .selectFrom('person_sessions as s')
      .innerJoin('registry_persons as p', 'p.id', 's.person_id')
      .select(['s.id', 's.person_id', 's.method', 's.holder_key_id', 's.expires_at', 's.revoked_at', 'p.status'])
      .where('s.token_hash', '=', sha256Hex(token))
      .executeTakeFirst();
    if (!row || row.revoked_at !== null || row.expires_at <= now || row.status !== 'active') return undefined;
    return { personId: row.person_id, sessionId: row.id, method: row.method, holderKeyId: row.holder_key_id, expiresAt: row.expires_at };
  }

  /** Ends one session (sign-out). */
  async revoke(sessionId: string): Promise<void> {
    const now = this.#deps.clock.now().toISOString();
    await this.#deps.store.db
      .updateTable('person_sessions')
      .set({ revoked_at: now })
      .where('id', '=', sessionId)
      .where('revoked_at', 'is', null)
      .execute();
  }
}
