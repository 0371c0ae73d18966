/**
 * Passkeys (WebAuthn) are the only way a person signs in to mvid's pages: no
 * passwords anywhere. A passkey is added by a person who already holds a session
 * (right after enrolment or recovery, with the registry's session token); sign-in
 * is a discoverable-credential assertion. Challenges are single use and short-lived.
 */
import { createHash } from 'node:crypto';
import type {
  AuthenticationResponseJSON,
  AuthenticatorTransport,
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialRequestOptionsJSON,
  RegistrationResponseJSON,
  VerifiedAuthenticationResponse,
  VerifiedRegistrationResponse,
} from '@simplewebauthn/server';
import { type Clock, fromBase64Url, lazy, MvidError, type Random, toBase64Url } from '../core/index.ts';
import type { Store } from '../store/index.ts';

export const CHALLENGE_TTL_SECONDS = 300;

/** The WebAuthn library, loaded on the first passkey ceremony: an idle server does not need it. */
const webauthn = lazy(() => import('@simplewebauthn/server'));

export interface PasskeyRecord {
  id: string;
  name: string;
  transports: string[];
  createdAt: string;
  lastUsedAt: string | null;
}

export interface PasskeyOptions {
  /** mvid's public URL: its origin is the expected WebAuthn origin, its host the RP id. */
  publicUrl: string;
  rpName?: string;
}

function refuse(message: string, cause?: unknown): MvidError {
  return new MvidError('passkey_invalid', message, cause === undefined ? {} : { cause });
}

/** The challenge a client answered, read from its clientDataJSON (verified again by the library). */
function challengeOf(clientDataJSON: unknown): string {
  if (typeof clientDataJSON !== 'string' || clientDataJSON.length > 4096) throw refuse('clientDataJSON missing');
  try {
    const parsed = JSON.parse(new TextDecoder().decode(fromBase64Url(clientDataJSON))) as { challenge?: unknown };
    if (typeof parsed.challenge === 'string' && parsed.challenge.length <= 128) return parsed.challenge;
  } catch (error) {
    throw refuse('clientDataJSON is not base64url JSON', error);
  }
  throw refuse('clientDataJSON has no challenge');
}

export class Passkeys {
  readonly #store: Store;
  readonly #clock: Clock;
  readonly #random: Random;
  readonly #origin: string;
  readonly #rpId: string;
  readonly #rpName: string;

  constructor(store: Store, clock: Clock, random: Random, options: PasskeyOptions) {
    this.#store = store;
    this.#clock = clock;
    this.#random = random;
    const url = new URL(options.publicUrl);
    this.#origin = url.origin;
    this.#rpId = url.hostname;
    this.#rpName = options.rpName ?? 'mvid';
  }

  /** Stores the challenge's base64url; the library is handed the raw bytes (a string it would encode again). */
  async #issueChallenge(purpose: 'register' | 'sign_in', personId: string | null): Promise<Uint8Array<ArrayBuffer>> {
    const bytes = new Uint8Array(this.#random.bytes(32));
    const challenge = toBase64Url(bytes);
    const now = this.#clock.now();
    const expiresAt = new Date(now.getTime() + CHALLENGE_TTL_SECONDS * 1000).toISOString();
    await this.#store.db.deleteFrom('worlds_challenges').where('expires_at', '<', now.toISOString()).execute();
    await this.#store.db
      .insertInto('worlds_challenges')
      .values({ challenge, purpose, person_id: personId, expires_at: expiresAt })
      .execute();
    return bytes;
  }

  /** Consumes a challenge (single use): the person it was issued to, or a refusal. */
  async #consumeChallenge(challenge: string, purpose: string): Promise<string | null> {
    const row = await this.#store.db
      .deleteFrom('worlds_challenges')
      .where('challenge', '=', challenge)
      .where('purpose', '=', purpose)
      .returning(['person_id', 'expires_at'])
      .executeTakeFirst();
    if (!row) throw refuse('the challenge was not issued here, or was already answered');
    if (row.expires_at < this.#clock.now().toISOString()) throw refuse('the challenge expired');
    return row.person_id;
  }

  /** Options for `navigator.credentials.create()` for a person with a session. */
  async registrationOptions(personId: string, displayName = 'mvid identity'): Promise<PublicKeyCredentialCreationOptionsJSON> {
    const existing = await this.#store.db
      .selectFrom('worlds_passkeys')
      .select(['id', 'transports_json'])
      .where('person_id', '=', personId)
      .execute();
    const challenge = await this.#issueChallenge('register', personId);
    const { generateRegistrationOptions } = await webauthn();
    return generateRegistrationOptions({
      rpName: this.#rpName,
      rpID: this.#rpId,
      // A stable, opaque user handle: the authenticator replaces rather than piles up mvid credentials.
      userID: createHash('sha256').update(`mvid-webauthn-user\0${personId}`).digest().subarray(0, 32),
      userName: displayName,
      userDisplayName: displayName,
      challenge,
      attestationType: 'none',
      excludeCredentials: existing.map((c) => ({ id: c.id, transports: JSON.parse(c.transports_json) as string[] })),
      authenticatorSelection: { residentKey: 'required', userVerification: 'required' },
      supportedAlgorithmIDs: [-7, -8, -257],
    });
  }

  /**
   * Verifies an attestation for a registration challenge issued to this person and stores the passkey.
   * @throws MvidError passkey_invalid
   */
  async register(personId: string, response: RegistrationResponseJSON, name = 'passkey'): Promise<PasskeyRecord> {
    const challenge = challengeOf(response?.response?.clientDataJSON);
    const owner = await this.#consumeChallenge(challenge, 'register');
    if (owner !== personId) throw refuse('the challenge was issued to someone else');
    const { verifyRegistrationResponse } = await webauthn();
    let result: VerifiedRegistrationResponse;
    try {
      result = await verifyRegistrationResponse({
        response,
        expectedChallenge: challenge,
        expectedOrigin: this.#origin,
        expectedRPID: this.#rpId,
        requireUserVerification: true,
      });
    } catch (error) {
      throw refuse(`the passkey registration does not verify: ${(error as Error).message}`, error);
    }
    if (!result.verified) throw refuse('the passkey registration does not verify');
    const { credential } = result.registrationInfo;
    const now = this.#clock.now().toISOString();
    const inserted = await this.#store.db
      .insertInto('worlds_passkeys')
      .values({
        id: credential.id,
        person_id: personId,
        public_key: toBase64Url(credential.publicKey),
        counter: credential.counter,
        transports_json: JSON.stringify(credential.transports ?? []),
        name: name.slice(0, 100),
        created_at: now,
        last_used_at: null,
      })
      .onConflict((oc) => oc.column('id').doNothing())
      .executeTakeFirst();
    if (Number(inserted.numInsertedOrUpdatedRows ?? 0n) !== 1) throw refuse('this passkey is already registered');
    return { id: credential.id, name: name.slice(0, 100), transports: credential.transports ?? [], createdAt: now, lastUsedAt: null };
  }

  /** Options for `navigator.credentials.get()`: discoverable credentials, so no account is named. */
  async authenticationOptions(): Promise<PublicKeyCredentialRequestOptionsJSON> {
    const challenge = await this.#issueChallenge('sign_in', null);
    const { generateAuthenticationOptions } = await webauthn();
    return generateAuthenticationOptions({ rpID: this.#rpId, challenge, userVerification: 'required', allowCredentials: [] });
  }

  /**
   * Verifies an assertion; returns the person it signs in. A counter that does not
   * advance (a cloned authenticator) is refused by the library.
   * @throws MvidError passkey_invalid
   */
  async authenticate(response: AuthenticationResponseJSON): Promise<{ personId: string; passkeyId: string }> {
    const challenge = challengeOf(response?.response?.clientDataJSON);
    await this.#consumeChallenge(challenge, 'sign_in');
    const id = typeof response.id === 'string' ? response.id : '';
    const row = await this.#store.db.selectFrom('worlds_passkeys').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) throw refuse('unknown passkey');
    const { verifyAuthenticationResponse } = await webauthn();
    let result: VerifiedAuthenticationResponse;
    try {
      result = await verifyAuthenticationResponse({
        response,
        expectedChallenge: challenge,
        expectedOrigin: this.#origin,
        expectedRPID: this.#rpId,
        credential: {
          id: row.id,
          publicKey: new Uint8Array(fromBase64Url(row.public_key)),
          counter: Number(row.counter),
          transports: JSON.parse(row.transports_json) as AuthenticatorTransport[],
        },
        requireUserVerification: true,
      });
    } catch (error) {
      throw refuse(`the passkey assertion does not verify: ${(error as Error).message}`, error);
    }
    if (!result.verified) throw refuse('the passkey assertion does not verify');
    await this.#store.db
      .updateTable('worlds_passkeys')
      .set({ counter: result.authenticationInfo.newCounter, last_used_at: this.#clock.now().toISOString() })
      .where('id', '=', row.id)
      .execute();
    return { personId: row.person_id, passkeyId: row.id };
  }

  async list(personId: string): Promise<PasskeyRecord[]> {
    const rows = await this.#store.db
      .selectFrom('worlds_passkeys')
      .selectAll()
      .where('person_id', '=', personId)
      .orderBy('created_at')
      .execute();
    return rows.map((r) => ({
      id: r.id,
      name: r.name,
      transports: JSON.parse(r.transports_json) as string[],
      createdAt: r.created_at,
      lastUsedAt: r.last_used_at,
    }));
  }

  /** Renames one of the person's passkeys; false when they have no such passkey. */
  async rename(personId: string, id: string, name: string): Promise<boolean> {
    const result = await this.#store.db
      .updateTable('worlds_passkeys')
      .set({ name })
      .where('person_id', '=', personId)
      .where('id', '=', id)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  async remove(personId: string, id: string): Promise<boolean> {
    const result = await this.#store.db
      .deleteFrom('worlds_passkeys')
      .where('person_id', '=', personId)
      .where('id', '=', id)
      .executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }
}
