/**
 * OpenID4VCI 1.0, pre-authorized code flow. A signed-in person asks the portal for
 * an offer; the wallet trades the offer's code (and, if set, the transaction code the
 * person reads off the portal) for a short-lived access token, fetches a `c_nonce`,
 * and requests credentials with one key proof per copy. Codes and tokens are stored
 * only as hashes; a code is single use, and a wrong transaction code burns it, so it
 * cannot be guessed at.
 */
import { constantTimeEqual, MvidError, ValidationError } from '../core/index.ts';
import { ATTRIBUTE_KINDS } from './attribute-issuers.ts';
import { randomBelow } from './issue.ts';
import type { Issuance, IssueResult } from './issuance.ts';
import { oid4vciEndpoints, PRE_AUTHORIZED_GRANT } from './metadata.ts';
import type { CredentialsDeps } from './ports.ts';
import { type CredentialKind, isCredentialKind } from './types.ts';
import { addSeconds, parseStored, randomToken, sha256B64u } from './util.ts';

export const OFFER_TTL_SECONDS = 600;
export const ACCESS_TOKEN_TTL_SECONDS = 600;
const TX_CODE_LENGTH = 6;
const ACCESS_TOKEN_PREFIX = 'mvc_';

export interface CreatedOffer {
  credentialOffer: Record<string, unknown>;
  /** `openid-credential-offer://?credential_offer=…`, for a QR code or a same-device link. */
  credentialOfferUri: string;
  /** Shown to the person only, never put in the offer: a stolen offer alone is useless. */
  txCode: string | undefined;
  expiresAt: string;
}

export interface AccessGrant {
  personId: string;
  kinds: CredentialKind[];
}

function grantError(message: string): MvidError {
  return new MvidError('grant_invalid', message, { extensions: { error: 'invalid_grant' } });
}

export class Oid4vci {
  readonly #deps: CredentialsDeps;
  readonly #issuance: Issuance;

  constructor(deps: CredentialsDeps, issuance: Issuance) {
    this.#deps = deps;
    this.#issuance = issuance;
  }

  /**
   * Creates a credential offer for `kinds` (mvid-proofed kinds only: attribute kinds
   * need the issuer's credential, which the portal's issue endpoint takes).
   * @throws ValidationError for unknown or attribute kinds; MvidError person_closed
   */
  async createOffer(personId: string, kinds: readonly string[], options: { txCode?: boolean } = {}): Promise<CreatedOffer> {
    const { store, clock, random, options: opts } = this.#deps;
    const unique = [...new Set(kinds)];
    if (unique.length === 0 || !unique.every(isCredentialKind)) throw new ValidationError('kinds must name credential kinds', 'kinds');
    const attribute = unique.filter((k) => ATTRIBUTE_KINDS.includes(k));
    if (attribute.length > 0) {
      throw new ValidationError(
        `${attribute.join(', ')} need the issuer's credential: use POST /credentials/v1/issue with a source`,
        'kinds',
      );
    }
    if ((await this.#deps.subjects.status(personId)) !== 'active') throw new MvidError('person_closed', 'this account is closed');
    const now = clock.now();
    const code = randomToken('', random);
    const txCode = options.txCode ? String(randomBelow(10 ** TX_CODE_LENGTH, random)).padStart(TX_CODE_LENGTH, '0') : undefined;
    const expiresAt = addSeconds(now, OFFER_TTL_SECONDS).toISOString();
    await store.db
      .insertInto('credentials_offers')
      .values({
        code_hash: sha256B64u(code),
        person_id: personId,
        kinds_json: JSON.stringify(unique),
        tx_code_hash: txCode === undefined ? null : sha256B64u(txCode),
        created_at: now.toISOString(),
        expires_at: expiresAt,
        used_at: null,
      })
      .execute();
    const grant: Record<string, unknown> = {
      'pre-authorized_code': code,
      authorization_server: oid4vciEndpoints(opts.publicUrl).authorizationServer,
      ...(txCode === undefined
        ? {}
        : { tx_code: { input_mode: 'numeric', length: TX_CODE_LENGTH, description: 'The code shown on your mvid page' } }),
    };
    const credentialOffer = {
      credential_issuer: opts.publicUrl,
      credential_configuration_ids: unique,
      grants: { [PRE_AUTHORIZED_GRANT]: grant },
    };
    return {
      credentialOffer,
      credentialOfferUri: `openid-credential-offer://?credential_offer=${encodeURIComponent(JSON.stringify(credentialOffer))}`,
      txCode,
      expiresAt,
    };
  }

  /**
   * The token endpoint: trades a pre-authorized code (and transaction code) for an
   * access token covering the offered kinds.
   * @throws MvidError grant_invalid; validation_failed (invalid_request / unsupported_grant_type)
   */
  async token(params: Record<string, unknown>): Promise<Record<string, unknown>> {
    const { store, clock, random } = this.#deps;
    if (params.grant_type !== PRE_AUTHORIZED_GRANT) {
      throw new MvidError('validation_failed', `grant_type must be ${PRE_AUTHORIZED_GRANT}`, {
        extensions: { error: 'unsupported_grant_type', field: 'grant_type' },
      });
    }
    const code = params['pre-authorized_code'];
    if (typeof code !== 'string' || code.length === 0 || code.length > 200) {
      throw new MvidError('validation_failed', 'pre-authorized_code is missing', {
        extensions: { error: 'invalid_request', field: 'pre-authorized_code' },
      });
    }
    const txCode = params.tx_code;
    const now = clock.now();
    const at = now.toISOString();
    const issued = await store.transaction(async (tx) => {
      // The code is spent by this update whatever happens next: a wrong tx_code burns it.
      const offer = await tx
        .updateTable('credentials_offers')
        .set({ used_at: at })
        .where('code_hash', '=', sha256B64u(code))
        .where('used_at', 'is', null)
        .where('expires_at', '>', at)
        .returning(['person_id', 'kinds_json', 'tx_code_hash'])
        .executeTakeFirst();
      if (!offer) return grantError('the pre-authorized code is unknown, expired or already used');
      if (offer.tx_code_hash !== null) {
        const given = typeof txCode === 'string' ? sha256B64u(txCode) : '';
        if (!constantTimeEqual(Buffer.from(given), Buffer.from(offer.tx_code_hash))) {
          return grantError('the transaction code is wrong; ask for a new offer');
        }
      } else if (txCode !== undefined) {
        return grantError('this offer has no transaction code');
      }
      const token = randomToken(ACCESS_TOKEN_PREFIX, random);
      await tx
        .insertInto('credentials_access_tokens')
        .values({
          token_hash: sha256B64u(token),
          person_id: offer.person_id,
          kinds_json: offer.kinds_json,
          created_at: at,
          expires_at: addSeconds(now, ACCESS_TOKEN_TTL_SECONDS).toISOString(),
        })
        .execute();
      return token;
    });
    // Errors are returned, not thrown, so the spent code commits with the transaction.
    if (issued instanceof MvidError) throw issued;
    return { access_token: issued, token_type: 'Bearer', expires_in: ACCESS_TOKEN_TTL_SECONDS };
  }

  /** The grant behind an access token, or undefined for an unknown or expired one. */
  async authenticate(token: string): Promise<AccessGrant | undefined> {
    if (!token.startsWith(ACCESS_TOKEN_PREFIX) || token.length > 200) return undefined;
    const row = await this.#deps.store.db
      .selectFrom('credentials_access_tokens')
      .select(['person_id', 'kinds_json', 'expires_at'])
      .where('token_hash', '=', sha256B64u(token))
      .executeTakeFirst();
    if (!row || row.expires_at <= this.#deps.clock.now().toISOString()) return undefined;
    return { personId: row.person_id, kinds: parseStored(row.kinds_json) };
  }

  /**
   * The credential endpoint: `{ credential_configuration_id, proofs: { jwt: [...] } }`
   * → `{ credentials: [{ credential }, ...] }`, one copy per proof.
   * @throws MvidError credential_configuration_unknown | proof_invalid | proof_nonce_invalid | issuance errors
   */
  async credential(
    grant: AccessGrant,
    body: Record<string, unknown>,
  ): Promise<{ credentials: Array<{ credential: string }>; result: IssueResult }> {
    if (body.credential_identifier !== undefined) {
      throw new MvidError('validation_failed', 'credential_identifier is not supported; name a credential_configuration_id', {
        extensions: { error: 'invalid_credential_request', field: 'credential_identifier' },
      });
    }
    const id = body.credential_configuration_id;
    if (typeof id !== 'string' || !grant.kinds.includes(id as CredentialKind)) {
      throw new MvidError('credential_configuration_unknown', 'the access token covers no such credential configuration', {
        extensions: { error: 'unknown_credential_configuration' },
      });
    }
    const proofs = (body.proofs as { jwt?: unknown } | undefined)?.jwt;
    if (!Array.isArray(proofs)) {
      throw new MvidError('proof_invalid', 'proofs.jwt is required: one key proof per copy', { extensions: { error: 'invalid_proof' } });
    }
    const result = await this.#issuance.issue(grant.personId, { kind: id, proofs });
    return { credentials: result.credentials.map((c) => ({ credential: c.credential })), result };
  }
}
