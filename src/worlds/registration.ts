/**
 * World registration: a world is an OpenID Connect client with a declared purpose,
 * published community rules and the exact claims it may request. Client secrets are
 * shown once and kept only as a SHA-256 hash (they are 256-bit random, so a fast
 * hash is enough); private_key_jwt with the world's own JWKS is preferred.
 */
import { hash } from 'node:crypto';
import {
  type Clock,
  checkOutboundUrl,
  constantTimeEqual,
  LruCache,
  MvidError,
  type OutboundPolicy,
  type Random,
  toBase64Url,
  ValidationError,
  utf8,
} from '../core/index.ts';
import type { Selectable } from 'kysely';
import type { Database, Store } from '../store/index.ts';
import {
  type CommunityRule,
  DEFAULT_PSEUDONYM_KIND,
  isWorldClaim,
  isWorldPseudonymKind,
  type JsonWebKeySet,
  type NewWorld,
  type RegisteredWorld,
  type RequestedClaim,
  type World,
  type WorldAuthMethod,
  type WorldPseudonymKind,
} from './types.ts';

const RULE_CATEGORY = /^[a-z0-9][a-z0-9_-]{0,63}$/;

interface StoredMetadata {
  redirectUris: string[];
  postLogoutRedirectUris: string[];
  logoUri: string | null;
  policyUri: string | null;
  tosUri: string | null;
  rules: CommunityRule[];
  claims: RequestedClaim[];
}

function hashSecret(secret: string): string {
  // One-shot: every client-secret token request hashes what it presents (no Hash object to build).
  return hash('sha256', secret, 'hex');
}

/** Whether a presented client secret matches the stored hash (constant time). */
export function clientSecretMatches(storedHash: string | null, presented: string): boolean {
  if (storedHash === null || typeof presented !== 'string' || presented.length > 512) return false;
  return constantTimeEqual(utf8(hashSecret(presented)), utf8(storedHash));
}

/**
 * https, or (in development) http on a loopback host, a world under development; never a
 * fragment or credentials; in production never a loopback, private or link-local host,
 * however spelt (src/core outbound.ts): a browser on mvid's pages is sent there, and a
 * redirect or logo inside the operator's network is a foothold for request forgery.
 */
function checkUrl(value: string, field: string, policy: OutboundPolicy): string {
  const url = checkOutboundUrl(value, field, policy);
  if (url.hash !== '' || value.includes('#')) throw new ValidationError(`${field} must not have a fragment`, field);
  return value;
}

function checkJwks(jwks: unknown): JsonWebKeySet {
  const keys = (jwks as JsonWebKeySet | undefined)?.keys;
  if (!Array.isArray(keys) || keys.length === 0 || keys.length > 10) throw new ValidationError('jwks must hold 1 to 10 keys', 'jwks');
  for (const key of keys) {
    if (typeof key !== 'object' || key === null || !['EC', 'OKP', 'RSA'].includes(String(key.kty))) {
      throw new ValidationError('jwks keys must be EC, OKP or RSA public keys', 'jwks');
    }
    for (const secret of ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k']) {
      if (secret in key) throw new ValidationError('jwks must hold public keys only', 'jwks');
    }
  }
  return { keys: keys.map((k) => ({ ...k })) };
}

/** @throws ValidationError unless `oidc` or `blind` */
function checkPseudonymKind(value: unknown): WorldPseudonymKind {
  if (!isWorldPseudonymKind(value)) throw new ValidationError('pseudonyms is oidc or blind', 'pseudonyms');
  return value;
}

/** Validates a registration; returns the normalised metadata. */
export function validateNewWorld(
  input: NewWorld,
  policy: OutboundPolicy = { production: false },
): StoredMetadata & { name: string; purpose: string; authMethod: WorldAuthMethod; pseudonyms: WorldPseudonymKind } {
  const name = input.name.trim();
  if (name.length < 1 || name.length > 100) throw new ValidationError('name must be 1 to 100 characters', 'name');
  const purpose = input.purpose.trim();
  if (purpose.length < 1 || purpose.length > 1000) throw new ValidationError('purpose must be 1 to 1000 characters', 'purpose');
  if (input.redirectUris.length < 1 || input.redirectUris.length > 20) throw new ValidationError('1 to 20 redirect URIs', 'redirectUris');
  const redirectUris = input.redirectUris.map((u) => checkUrl(u, 'redirectUris', policy));
  // One world, one origin host: oidc-provider would otherwise demand a sector_identifier_uri.
  if (new Set(redirectUris.map((u) => new URL(u).host)).size > 1) {
    throw new ValidationError('all redirect URIs must share one host', 'redirectUris');
  }
  const postLogoutRedirectUris = (input.postLogoutRedirectUris ?? []).map((u) => checkUrl(u, 'postLogoutRedirectUris', policy));
  const rules = input.rules.map((r) => {
    if (!RULE_CATEGORY.test(r.category)) throw new ValidationError('rule categories are lowercase words (a-z, 0-9, _ -)', 'rules');
    const text = r.text.trim();
    if (text.length < 1 || text.length > 4000) throw new ValidationError('rule text must be 1 to 4000 characters', 'rules');
    return { category: r.category, text };
  });
  if (rules.length > 100) throw new ValidationError('at most 100 rules', 'rules');
  const seen = new Set<string>();
  const claims = input.claims.map((c) => {
    if (!isWorldClaim(c.name)) throw new ValidationError(`unknown claim ${String(c.name)}`, 'claims');
    if (seen.has(c.name)) throw new ValidationError(`claim ${c.name} listed twice`, 'claims');
    seen.add(c.name);
    return { name: c.name, required: c.required === true };
  });
  const authMethod: WorldAuthMethod = input.authMethod ?? (input.jwks ? 'private_key_jwt' : 'client_secret_basic');
  if (authMethod === 'private_key_jwt' && !input.jwks) throw new ValidationError('private_key_jwt needs the world JWKS', 'jwks');
  return {
    name,
    purpose,
    authMethod,
    pseudonyms: checkPseudonymKind(input.pseudonyms ?? DEFAULT_PSEUDONYM_KIND),
    redirectUris,
    postLogoutRedirectUris,
    logoUri: input.logoUri === undefined ? null : checkUrl(input.logoUri, 'logoUri', policy),
    policyUri: input.policyUri === undefined ? null : checkUrl(input.policyUri, 'policyUri', policy),
    tosUri: input.tosUri === undefined ? null : checkUrl(input.tosUri, 'tosUri', policy),
    rules,
    claims,
  };
}

type Row = Selectable<Database['worlds']>;

function toWorld(row: Row): World {
  const meta = JSON.parse(row.metadata_json) as StoredMetadata;
  return {
    id: row.id,
    name: row.name,
    ...meta,
    purpose: row.purpose,
    authMethod: row.auth_method as WorldAuthMethod,
    jwks: row.jwks_json === null ? null : (JSON.parse(row.jwks_json) as JsonWebKeySet),
    pseudonyms: isWorldPseudonymKind(row.pseudonyms) ? row.pseudonyms : DEFAULT_PSEUDONYM_KIND,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    disabledAt: row.disabled_at,
  };
}

/**
 * How long a world's row is kept for the token and authorization endpoints, which read it
 * on every request (it was a tenth of a client-credentials token's CPU). A world disabled
 * through this registry is dropped at once; one disabled by another node or by the CLI
 * stops being served within this time.
 */
export const CLIENT_CACHE_MS = 1000;

type ClientEntry = { world: World; secretHash: string | null } | undefined;

export class WorldRegistry {
  readonly #store: Store;
  readonly #clock: Clock;
  readonly #random: Random;
  readonly #clients = new LruCache<string, { until: number; entry: ClientEntry }>(1024);

  readonly #urls: OutboundPolicy;

  /** `production`: registered URLs must be https on public hosts (see checkUrl). */
  constructor(store: Store, clock: Clock, random: Random, options: { production?: boolean } = {}) {
    this.#store = store;
    this.#clock = clock;
    this.#random = random;
    this.#urls = { production: options.production === true };
  }

  /**
   * Registers a world; returns its client id and, unless it authenticates with its JWKS, a secret shown only now.
   * @throws MvidError validation_failed | world_exists
   */
  async add(input: NewWorld): Promise<RegisteredWorld> {
    const v = validateNewWorld(input, this.#urls);
    const jwks = v.authMethod === 'private_key_jwt' ? checkJwks(input.jwks) : null;
    const id = `w_${toBase64Url(this.#random.bytes(16))}`;
    const clientSecret = v.authMethod === 'private_key_jwt' ? undefined : `mvcs_${toBase64Url(this.#random.bytes(32))}`;
    const now = this.#clock.now().toISOString();
    const metadata: StoredMetadata = {
      redirectUris: v.redirectUris,
      postLogoutRedirectUris: v.postLogoutRedirectUris,
      logoUri: v.logoUri,
      policyUri: v.policyUri,
      tosUri: v.tosUri,
      rules: v.rules,
      claims: v.claims,
    };
    const row: Row = {
      id,
      name: v.name,
      metadata_json: JSON.stringify(metadata),
      purpose: v.purpose,
      auth_method: v.authMethod,
      jwks_json: jwks === null ? null : JSON.stringify(jwks),
      secret_hash: clientSecret === undefined ? null : hashSecret(clientSecret),
      created_at: now,
      updated_at: now,
      disabled_at: null,
      pseudonyms: v.pseudonyms,
    };
    const inserted = await this.#store.db
      .insertInto('worlds')
      .values(row)
      .onConflict((oc) => oc.column('name').doNothing())
      .executeTakeFirst();
    if (Number(inserted.numInsertedOrUpdatedRows ?? 0n) !== 1)
      throw new MvidError('world_exists', `a world named ${v.name} is already registered`);
    const world = toWorld(row);
    return clientSecret === undefined ? { world, clientId: id } : { world, clientId: id, clientSecret };
  }

  async get(id: string): Promise<World | undefined> {
    const row = await this.#store.db.selectFrom('worlds').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toWorld(row);
  }

  /** @throws MvidError world_not_found */
  async require(id: string): Promise<World> {
    const world = await this.get(id);
    if (!world) throw new MvidError('world_not_found', 'no such world');
    return world;
  }

  async list(): Promise<World[]> {
    const rows = await this.#store.db.selectFrom('worlds').selectAll().orderBy('created_at').orderBy('id').execute();
    return rows.map(toWorld);
  }

  async secretHashOf(id: string): Promise<string | null> {
    const row = await this.#store.db.selectFrom('worlds').select('secret_hash').where('id', '=', id).executeTakeFirst();
    return row?.secret_hash ?? null;
  }

  /** The world and its client-secret hash in one read (what every token request looks up). */
  async getWithSecretHash(id: string): Promise<ClientEntry> {
    const row = await this.#store.db.selectFrom('worlds').selectAll().where('id', '=', id).executeTakeFirst();
    return row && { world: toWorld(row), secretHash: row.secret_hash };
  }

  /** `getWithSecretHash` through a cache of CLIENT_CACHE_MS (monotonic time; unknown ids too, bounded). */
  async clientEntry(id: string): Promise<ClientEntry> {
    const now = performance.now();
    const hit = this.#clients.get(id);
    if (hit && hit.until > now) return hit.entry;
    const entry = await this.getWithSecretHash(id);
    this.#clients.set(id, { until: now + CLIENT_CACHE_MS, entry });
    return entry;
  }

  /**
   * Sets which pseudonym the world knows its users by; returns the world and the kind it had
   * before (equal when nothing changed: then nothing is written).
   * @throws MvidError world_not_found | validation_failed
   */
  async setPseudonyms(id: string, kind: WorldPseudonymKind): Promise<{ world: World; previous: WorldPseudonymKind }> {
    const pseudonyms = checkPseudonymKind(kind);
    const before = await this.require(id);
    if (before.pseudonyms === pseudonyms) return { world: before, previous: pseudonyms };
    await this.#store.db
      .updateTable('worlds')
      .set({ pseudonyms, updated_at: this.#clock.now().toISOString() })
      .where('id', '=', id)
      .execute();
    this.#clients.delete(id);
    return { world: await this.require(id), previous: before.pseudonyms };
  }

  /** Disables a world: it can no longer sign anyone in (its grants are revoked by the caller). */
  async disable(id: string): Promise<World> {
    const now = this.#clock.now().toISOString();
    await this.#store.db
      .updateTable('worlds')
      .set({ disabled_at: now, updated_at: now })
      .where('id', '=', id)
      .where('disabled_at', 'is', null)
      .execute();
    // After the write, so a lookup racing it cannot put the enabled row back.
    this.#clients.delete(id);
    return this.require(id);
  }
}
