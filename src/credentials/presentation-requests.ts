/**
 * Presentation requests: a world asks a person to show claims, and may ask for no
 * more than it registered. The request carries a fresh nonce and the world's client
 * id as audience, so what the person's wallet answers is useless anywhere else. Worlds
 * verify offline with src/sdk; `verify` is the same check run by mvid for worlds that
 * prefer to ask.
 */
import { MvidError, toBase64Url, ValidationError } from '../core/index.ts';
import { verifyPresentation } from '../sdk/index.ts';
import type { JSONWebKeySet, JsonSchema, StatusListSource } from '../sdk/index.ts';
import type { CredentialsDeps } from './ports.ts';
import type { StatusLists } from './status-store.ts';
import { CREDENTIAL_KINDS, type CredentialKind, credentialSchema, kindOfClaim, vctFor } from './types.ts';
import { addSeconds, parseStored } from './util.ts';

export const PRESENTATION_REQUEST_TTL_SECONDS = 600;
const MAX_CLAIMS = 20;
const MAX_PRESENTATIONS = 5;

export interface PresentationRequest {
  id: string;
  /** The audience the wallet must bind its presentation to. */
  audience: string;
  nonce: string;
  claims: string[];
  expiresAt: string;
  /** The same request as an OpenID4VP DCQL query, one credential query per type. */
  dcqlQuery: Record<string, unknown>;
}

export interface VerifiedRequest {
  requestId: string;
  /** Only the claims the request asked for, whatever else a wallet disclosed. */
  claims: Record<string, unknown>;
  credentials: Array<{ vct: string; expiresAt: string | undefined }>;
}

export class PresentationRequests {
  readonly #deps: CredentialsDeps;
  readonly #lists: StatusLists;
  /** One object for the process: the SDK caches imported keys and verified lists per JWKS object. */
  readonly #jwks: JSONWebKeySet;

  constructor(deps: CredentialsDeps, lists: StatusLists, jwks: JSONWebKeySet) {
    this.#deps = deps;
    this.#lists = lists;
    this.#jwks = jwks;
  }

  /**
   * Creates a request for `claims` on behalf of `world`.
   * @throws MvidError not_found (unknown world) | claims_not_registered | validation_failed
   */
  async create(world: string, claims: readonly string[]): Promise<PresentationRequest> {
    const { store, clock, random, worlds } = this.#deps;
    const unique = [...new Set(claims)];
    if (unique.length === 0 || unique.length > MAX_CLAIMS) throw new ValidationError(`ask for 1-${MAX_CLAIMS} claims`, 'claims');
    const unknown = unique.filter((c) => kindOfClaim(c) === undefined);
    if (unknown.length > 0) throw new ValidationError(`no mvid credential carries ${unknown.join(', ').slice(0, 200)}`, 'claims');
    const allowed = await worlds.allowedClaims(world);
    if (allowed === undefined) throw new MvidError('not_found', 'no such world is registered');
    const beyond = unique.filter((c) => !allowed.includes(c));
    if (beyond.length > 0) {
      throw new MvidError('claims_not_registered', `the world did not register ${beyond.join(', ')}`, { extensions: { claims: beyond } });
    }
    const now = clock.now();
    const request = {
      id: random.uuid(),
      world,
      nonce: toBase64Url(random.bytes(24)),
      claims_json: JSON.stringify(unique),
      created_at: now.toISOString(),
      expires_at: addSeconds(now, PRESENTATION_REQUEST_TTL_SECONDS).toISOString(),
      used_at: null,
    };
    await store.db.insertInto('credentials_presentation_requests').values(request).execute();
    return {
      id: request.id,
      audience: world,
      nonce: request.nonce,
      claims: unique,
      expiresAt: request.expires_at,
      dcqlQuery: this.#dcql(unique),
    };
  }

  #dcql(claims: readonly string[]): Record<string, unknown> {
    const { publicUrl } = this.#deps.options;
    const kinds = CREDENTIAL_KINDS.filter((k) => claims.some((c) => kindOfClaim(c) === k));
    return {
      credentials: kinds.map((kind) => ({
        id: kind,
        format: 'dc+sd-jwt',
        meta: { vct_values: [vctFor(publicUrl, kind)] },
        claims: claims.filter((c) => kindOfClaim(c) === kind).map((c) => ({ path: [c] })),
      })),
    };
  }

  /**
   * Verifies the answer to request `requestId` (one presentation per credential type it
   * spans) and spends the request. `world` is the authenticated caller (undefined for
   * an administrator).
   * @throws MvidError presentation_request_invalid | any verifier code (credential_revoked, kb_nonce_mismatch, …)
   */
  async verify(requestId: string, presentations: readonly string[], world: string | undefined): Promise<VerifiedRequest> {
    const { store, clock, options } = this.#deps;
    if (presentations.length === 0 || presentations.length > MAX_PRESENTATIONS) {
      throw new ValidationError(`send 1-${MAX_PRESENTATIONS} presentations`, 'presentations');
    }
    const row = await store.db.selectFrom('credentials_presentation_requests').selectAll().where('id', '=', requestId).executeTakeFirst();
    const now = clock.now();
    if (!row || (world !== undefined && row.world !== world) || row.used_at !== null || row.expires_at <= now.toISOString()) {
      throw new MvidError('presentation_request_invalid', 'no open presentation request with this id');
    }
    const claims = parseStored<string[]>(row.claims_json);
    const kinds = [...new Set(claims.map((c) => kindOfClaim(c) as CredentialKind))];
    const vcts = kinds.map((k) => vctFor(options.publicUrl, k));
    const typeSchemas: Record<string, JsonSchema> = Object.fromEntries(
      kinds.map((k) => [vctFor(options.publicUrl, k), credentialSchema(options.publicUrl, k)]),
    );
    const statusLists: StatusListSource = { get: (uri) => this.#ownList(uri) };
    const disclosed: Record<string, unknown> = {};
    const credentials: VerifiedRequest['credentials'] = [];
    const seenVcts = new Set<string>();
    for (const presentation of presentations) {
      const verified = await verifyPresentation(presentation, {
        audience: row.world,
        nonce: row.nonce,
        trustedIssuers: [{ iss: options.publicUrl, jwks: this.#jwks }],
        allowedVcts: vcts,
        typeSchemas,
        statusLists,
        now,
      });
      if (seenVcts.has(verified.vct)) throw new ValidationError('send one presentation per credential type', 'presentations');
      seenVcts.add(verified.vct);
      for (const name of claims) if (Object.hasOwn(verified.claims, name)) disclosed[name] = verified.claims[name];
      credentials.push({ vct: verified.vct, expiresAt: verified.expiresAt?.toISOString() });
    }
    const missing = claims.filter((c) => !Object.hasOwn(disclosed, c));
    if (missing.length > 0) throw new MvidError('claims_missing', `required claims not disclosed: ${missing.join(', ')}`);
    // Spent only by a valid answer, and only once: a concurrent second answer loses here.
    const spent = await store.db
      .updateTable('credentials_presentation_requests')
      .set({ used_at: now.toISOString() })
      .where('id', '=', requestId)
      .where('used_at', 'is', null)
      .executeTakeFirst();
    if (Number(spent.numUpdatedRows) !== 1) throw new MvidError('presentation_replayed', 'this presentation request was already answered');
    return { requestId, claims: disclosed, credentials };
  }

  async #ownList(uri: string): Promise<string | undefined> {
    const id = this.#lists.listIdOf(uri);
    return id === undefined ? undefined : this.#lists.token(id);
  }
}
