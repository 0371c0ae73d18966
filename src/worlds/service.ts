/**
 * The worlds service: registration, pairwise subjects, the claims a world may receive,
 * the person's consents and what each world received. The OpenID Connect protocol
 * itself is oidc-provider's (wired in src/http/oidc); this is what it asks.
 */
import { type Clock, LruCache, MvidError, type Random } from '../core/index.ts';
import { pseudonymInput, type VrfKey, type VrfProof, vrfKeyFromSecret } from '../crypto/index.ts';
import { blindNymInput, isBlindPseudonym } from '../bbs/index.ts';
import { BlindSignIn } from './blind.ts';
import type { Store, Tx } from '../store/index.ts';
import { Consents } from './consents.ts';
import { Handles } from './handles.ts';
import { destroyGrant, grantsOfPerson, kyselyOidcAdapter, type OidcAdapterClass, sweepOidcModels } from './oidc-store.ts';
import { Passkeys } from './passkeys.ts';
import { WorldRegistry } from './registration.ts';
import {
  type AgePredicateFn,
  DEFAULT_PSEUDONYM_KIND,
  defaultTrustLevels,
  isWorldClaim,
  type PersonDirectory,
  type TrustLevels,
  type World,
  WORLD_CLAIMS,
  type WorldClaim,
  type WorldPseudonymKind,
} from './types.ts';
import { WebSessions } from './web-sessions.ts';

export interface WorldsDeps {
  store: Store;
  clock: Clock;
  random: Random;
  publicUrl: string;
  /** Production: the URLs a world registers must be https on public hosts. */
  production?: boolean;
  /** `pseudonymSecret`: 32 bytes the pseudonym VRF key is derived from (key dir `pseudonym-vrf.key`). */
  secrets: { pseudonymSecret: Uint8Array; cookieSecret: Uint8Array };
  persons: PersonDirectory;
  trustLevels?: TrustLevels;
  agePredicates?: AgePredicateFn;
}

/** A world as the person sees it in the portal: what it may ask, what it got, when. */
export interface PersonWorldView {
  world: { id: string; name: string; purpose: string; logoUri: string | null; policyUri: string | null };
  /** Whether a live grant exists (consent given and not withdrawn). */
  consentActive: boolean;
  /** Claims the person consented to release (the live grant), or none when withdrawn. */
  consented: WorldClaim[];
  /** Claims the world actually received, and when first and last. */
  received: WorldClaim[];
  firstReleasedAt: string | null;
  lastReleasedAt: string | null;
  /** The person's handle in this world, if they claimed one. */
  handle: string | null;
  /** The person's standing in this world only (there is no global score). */
  trustLevel: string;
}

export interface WorldsPersonExport {
  worlds: Array<PersonWorldView & { pseudonym: string }>;
  handles: Array<{ worldId: string; handle: string; createdAt: string }>;
  grants: Array<{ id: string; worldId: string; scope: string; rejectedScope: string; iat: number | null; exp: number | null }>;
  passkeys: Array<{
    id: string;
    name: string;
    publicKey: string;
    signCount: number;
    transports: string[];
    createdAt: string;
    lastUsedAt: string | null;
  }>;
  browserSessions: Array<{ id: string; createdAt: string; expiresAt: string; revokedAt: string | null }>;
}

/** The parts of a Grant payload a person can read: what was allowed, refused, and when. */
function pick(payload: Record<string, unknown>): { scope: string; rejectedScope: string; iat: number | null; exp: number | null } {
  const openid = (payload.openid ?? {}) as { scope?: string };
  const rejected = (payload.rejected ?? {}) as { openid?: { scope?: string } };
  return {
    scope: openid.scope ?? '',
    rejectedScope: rejected.openid?.scope ?? '',
    iat: typeof payload.iat === 'number' ? payload.iat : null,
    exp: typeof payload.exp === 'number' ? payload.exp : null,
  };
}

/** Claim scopes granted by a Grant payload (oidc-provider keeps them as `openid.scope`). */
function grantedClaims(payload: Record<string, unknown>): WorldClaim[] {
  const scope = (payload.openid as { scope?: string } | undefined)?.scope ?? '';
  return scope.split(' ').filter(isWorldClaim);
}

/** How fresh `worlds_releases.last_at` is kept: one minute. */
const RELEASE_RECORD_RESOLUTION_MS = 60_000;

/** Subjects kept in memory: a VRF evaluation costs milliseconds, and sign-ins repeat. */
const SUBJECT_CACHE_ENTRIES = 10_000;

export class WorldsService {
  readonly registry: WorldRegistry;
  readonly handles: Handles;
  readonly passkeys: Passkeys;
  readonly webSessions: WebSessions;
  /** Consent per person + world, until withdrawn (new browsers' grants are rebuilt from it). */
  readonly consents: Consents;
  readonly persons: PersonDirectory;
  /** IdP-blind sign-in: BBS credential batches and blind pseudonyms (./blind.ts). */
  readonly blind: BlindSignIn;
  readonly #deps: WorldsDeps;
  readonly #trust: TrustLevels;
  readonly #vrf: VrfKey;
  readonly #subjects = new LruCache<string, string>(SUBJECT_CACHE_ENTRIES);
  /** Subjects this process has written to the pseudonym index (so it writes each once). */
  readonly #indexed = new LruCache<string, string>(SUBJECT_CACHE_ENTRIES);
  /** Client metadata per cached world row (the registry's entry object), frozen. */
  readonly #clientMetadata = new WeakMap<object, Readonly<Record<string, unknown>>>();

  constructor(deps: WorldsDeps) {
    this.#deps = deps;
    this.#vrf = vrfKeyFromSecret(deps.secrets.pseudonymSecret);
    this.registry = new WorldRegistry(deps.store, deps.clock, deps.random, { production: deps.production === true });
    this.handles = new Handles(deps.store, deps.clock);
    this.passkeys = new Passkeys(deps.store, deps.clock, deps.random, { publicUrl: deps.publicUrl });
    this.webSessions = new WebSessions(deps.store, deps.clock, deps.random, deps.secrets.cookieSecret);
    this.consents = new Consents(deps.store, deps.clock);
    this.persons = deps.persons;
    this.#trust = deps.trustLevels ?? defaultTrustLevels;
    this.blind = new BlindSignIn({
      store: deps.store,
      publicUrl: deps.publicUrl,
      pseudonymSecret: deps.secrets.pseudonymSecret,
      vrf: this.#vrf,
      persons: deps.persons,
      ...(deps.agePredicates === undefined ? {} : { agePredicates: deps.agePredicates }),
      worlds: () => this.registry.list(),
    });
  }

  /**
   * The person's subject in a world: the output of the pseudonym VRF (src/crypto vrf.ts) on
   * `world:<client id>` ‖ 0x00 ‖ person id, base64url of 32 bytes. The sector is the world
   * itself, not its host, so two worlds never share a subject even when they share a host;
   * the NUL keeps the input unambiguous. Being a VRF, the service can prove which person id
   * a subject belongs to (`subjectProof`) without anyone being able to compute subjects.
   */
  subjectFor(worldId: string, personId: string): string {
    const key = `${worldId}\0${personId}`;
    const cached = this.#subjects.get(key);
    if (cached !== undefined) return cached;
    const subject = this.#vrf.evaluate(pseudonymInput(worldId, personId));
    this.#subjects.set(key, subject);
    return subject;
  }

  /**
   * The person's pseudonym in a world, of the given kind: its OIDC subject (`subjectFor`) or
   * its blind sign-in pseudonym (`blind.pseudonymFor`). Both are cached.
   */
  pseudonymFor(worldId: string, personId: string, kind: WorldPseudonymKind): string {
    return kind === 'blind' ? this.blind.pseudonymFor(worldId, personId) : this.subjectFor(worldId, personId);
  }

  /**
   * Which pseudonym the world knows its users by (its registered setting; `oidc` for an
   * unknown world). Read through the registry's short client cache, as every token request is.
   */
  async pseudonymKindOf(worldId: string): Promise<WorldPseudonymKind> {
    return (await this.registry.clientEntry(worldId))?.world.pseudonyms ?? DEFAULT_PSEUDONYM_KIND;
  }

  /**
   * The subject handed to a world (a sign-in's `sub`, or with `kind` blind the pseudonym
   * moderation names the person by): `pseudonymFor`, and the first time this process hands
   * it out, a row of the pseudonym index (`worlds_pseudonyms`) so that `personOfSubject` is
   * one indexed read. Writing is idempotent; the cache keeps repeated sign-ins at no write at all.
   */
  async subjectOf(worldId: string, personId: string, kind: WorldPseudonymKind = DEFAULT_PSEUDONYM_KIND): Promise<string> {
    const key = `${kind}\0${worldId}\0${personId}`;
    const cached = this.#indexed.get(key);
    if (cached !== undefined) return cached;
    const subject = this.pseudonymFor(worldId, personId, kind);
    await this.#deps.store.db
      .insertInto('worlds_pseudonyms')
      .values({ world_id: worldId, pseudonym: subject, person_id: personId })
      .onConflict((oc) => oc.columns(['world_id', 'pseudonym']).doNothing())
      .execute();
    this.#indexed.set(key, subject);
    return subject;
  }

  /**
   * The person behind a subject, from the pseudonym index: one indexed read, and the row is
   * trusted only if the VRF evaluated again on its person id gives the subject (the index is
   * a cache of a deterministic function; a forged or stale row resolves to nobody).
   * Undefined for a subject never handed out since the index exists. A blind sign-in
   * pseudonym (64 characters) is checked against the person's blind pseudonym instead.
   */
  async personOfSubject(worldId: string, subject: string): Promise<string | undefined> {
    const row = await this.#deps.store.db
      .selectFrom('worlds_pseudonyms')
      .select('person_id')
      .where('world_id', '=', worldId)
      .where('pseudonym', '=', subject)
      .executeTakeFirst();
    if (row === undefined) return undefined;
    const expected = isBlindPseudonym(subject) ? this.blind.pseudonymFor(worldId, row.person_id) : this.subjectFor(worldId, row.person_id);
    return expected === subject ? row.person_id : undefined;
  }

  /** The subject with its VRF proof: "this pseudonym in this world is this person id", checkable with `pseudonymKey`. */
  subjectProof(worldId: string, personId: string, blind = false): { subject: string; proof: VrfProof } {
    if (blind) {
      // A blind pseudonym opens through the person's pseudonym secret: the VRF proof of its input (src/crypto blind-signin.ts).
      const { proof } = this.#vrf.prove(blindNymInput(personId), this.#deps.random);
      return { subject: this.blind.pseudonymFor(worldId, personId), proof };
    }
    const { output, proof } = this.#vrf.prove(pseudonymInput(worldId, personId), this.#deps.random);
    return { subject: output, proof };
  }

  /** The pseudonym VRF's public key (base64url ristretto255 point): trustees and authorities pin it. */
  get pseudonymKey(): string {
    return this.#vrf.publicKey;
  }

  /** oidc-provider's storage adapter class over this store. */
  oidcAdapter(): OidcAdapterClass {
    return kyselyOidcAdapter(this.#deps.store, this.#deps.clock, (id) => this.clientMetadata(id));
  }

  /** The OpenID Connect client metadata of an enabled world (undefined otherwise). */
  async clientMetadata(clientId: string): Promise<Readonly<Record<string, unknown>> | undefined> {
    const found = await this.registry.clientEntry(clientId);
    if (!found || found.world.disabledAt !== null) return undefined;
    // One frozen object per cached row: oidc-provider's clients are kept per metadata object (provider.ts).
    let metadata = this.#clientMetadata.get(found);
    if (metadata === undefined) {
      metadata = Object.freeze(buildClientMetadata(found.world, found.secretHash));
      this.#clientMetadata.set(found, metadata);
    }
    return metadata;
  }

  /**
   * The claims released to a world for the granted scopes, and a record that they were.
   * Claims the world did not register are never computed, whatever the scopes say.
   */
  async claimsFor(worldId: string, personId: string, scopes: ReadonlySet<string>): Promise<Record<string, unknown>> {
    const world = await this.registry.require(worldId);
    const wanted = world.claims.map((c) => c.name).filter((name) => scopes.has(name));
    if (wanted.length === 0) return {};
    const attributes = await this.#deps.persons.attributes(personId);
    const now = this.#deps.clock.now();
    const ages = attributes.birthdate && this.#deps.agePredicates ? this.#deps.agePredicates(attributes.birthdate, now) : {};
    const out: Record<string, unknown> = {};
    for (const name of wanted) {
      if (name.startsWith('age_over_')) {
        if (typeof ages[name] === 'boolean') out[name] = ages[name];
      } else if (name === 'handle') {
        const handle = await this.handles.of(worldId, personId);
        if (handle !== undefined) out.handle = handle;
      } else if (name === 'trust_level') {
        out.trust_level = await this.#trust.levelOf(worldId, personId);
      } else if (name === 'occupation') {
        if (attributes.occupation) out.occupation = attributes.occupation;
      } else if (name === 'residence_country') {
        if (attributes.residenceCountry) out.residence_country = attributes.residenceCountry;
      }
    }
    await this.#recordRelease(worldId, personId, Object.keys(out), now);
    return out;
  }

  async #recordRelease(worldId: string, personId: string, claims: string[], at: Date): Promise<void> {
    if (claims.length === 0) return;
    const iso = at.toISOString();
    if (await this.#releaseAlreadyRecorded(worldId, personId, claims, at)) return;
    await this.#deps.store.transaction(async (tx) => {
      const row = await tx
        .selectFrom('worlds_releases')
        .select('claims_json')
        .where('world_id', '=', worldId)
        .where('person_id', '=', personId)
        .executeTakeFirst();
      const union = [...new Set([...(row ? (JSON.parse(row.claims_json) as string[]) : []), ...claims])].sort();
      if (row) {
        await tx
          .updateTable('worlds_releases')
          .set({ claims_json: JSON.stringify(union), last_at: iso })
          .where('world_id', '=', worldId)
          .where('person_id', '=', personId)
          .execute();
      } else {
        await tx
          .insertInto('worlds_releases')
          .values({ world_id: worldId, person_id: personId, claims_json: JSON.stringify(union), first_at: iso, last_at: iso })
          .execute();
      }
    });
  }

  /**
   * Whether the record already names these claims with a `last_at` under a minute old: a world
   * that signs the same person in again and again then costs no durable write per sign-in, and
   * "last received" stays true to the minute.
   */
  async #releaseAlreadyRecorded(worldId: string, personId: string, claims: readonly string[], at: Date): Promise<boolean> {
    const row = await this.#deps.store.db
      .selectFrom('worlds_releases')
      .select(['claims_json', 'last_at'])
      .where('world_id', '=', worldId)
      .where('person_id', '=', personId)
      .executeTakeFirst();
    if (!row || at.getTime() - Date.parse(row.last_at) >= RELEASE_RECORD_RESOLUTION_MS) return false;
    const recorded = new Set(JSON.parse(row.claims_json) as string[]);
    return claims.every((c) => recorded.has(c));
  }

  /** Every world the person uses: consented claims (live grants) and what it received, and when. */
  async worldsOf(personId: string): Promise<PersonWorldView[]> {
    const { store, clock } = this.#deps;
    const grants = await grantsOfPerson(store, clock, personId);
    const consents = await this.consents.ofPerson(personId);
    const releases = await store.db.selectFrom('worlds_releases').selectAll().where('person_id', '=', personId).execute();
    const ids = new Set([...grants.map((g) => String(g.payload.clientId)), ...consents.keys(), ...releases.map((r) => r.world_id)]);
    const out: PersonWorldView[] = [];
    for (const id of [...ids].sort()) {
      const world = await this.registry.get(id);
      if (!world) continue;
      const live = grants.filter((g) => g.payload.clientId === id);
      const remembered = (consents.get(id)?.scopes ?? []).filter(isWorldClaim);
      const consented = [...new Set([...live.flatMap((g) => grantedClaims(g.payload)), ...remembered])].sort();
      const release = releases.find((r) => r.world_id === id);
      out.push({
        world: { id: world.id, name: world.name, purpose: world.purpose, logoUri: world.logoUri, policyUri: world.policyUri },
        consentActive: live.length > 0 || remembered.length > 0,
        consented,
        handle: (await this.handles.of(id, personId)) ?? null,
        trustLevel: await this.#trust.levelOf(id, personId),
        received: release ? (JSON.parse(release.claims_json) as WorldClaim[]) : [],
        firstReleasedAt: release?.first_at ?? null,
        lastReleasedAt: release?.last_at ?? null,
      });
    }
    return out;
  }

  /**
   * Everything the worlds side of mvid holds about the person, for their data export:
   * each world with the pseudonym it knows them by, consent, what it received and when,
   * handles, passkeys (public keys included), grants and browser sessions.
   */
  async exportOf(personId: string): Promise<WorldsPersonExport> {
    const { store, clock } = this.#deps;
    const worlds = await Promise.all(
      (await this.worldsOf(personId)).map(async (w) => ({
        ...w,
        pseudonym: this.pseudonymFor(w.world.id, personId, await this.pseudonymKindOf(w.world.id)),
      })),
    );
    const passkeys = await store.db
      .selectFrom('worlds_passkeys')
      .select(['id', 'name', 'public_key', 'counter', 'transports_json', 'created_at', 'last_used_at'])
      .where('person_id', '=', personId)
      .orderBy('created_at')
      .execute();
    const sessions = await store.db
      .selectFrom('worlds_web_sessions')
      .select(['id', 'created_at', 'expires_at', 'revoked_at'])
      .where('person_id', '=', personId)
      .orderBy('created_at')
      .execute();
    return {
      worlds,
      handles: await this.handles.allOf(personId),
      grants: (await grantsOfPerson(store, clock, personId)).map((g) => ({
        id: g.id,
        worldId: String(g.payload.clientId),
        ...pick(g.payload),
      })),
      passkeys: passkeys.map((p) => ({
        id: p.id,
        name: p.name,
        publicKey: p.public_key,
        signCount: Number(p.counter),
        transports: JSON.parse(p.transports_json) as string[],
        createdAt: p.created_at,
        lastUsedAt: p.last_used_at,
      })),
      browserSessions: sessions.map((r) => ({ id: r.id, createdAt: r.created_at, expiresAt: r.expires_at, revokedAt: r.revoked_at })),
    };
  }

  /**
   * Withdraws consent: the whole grant (and every token under it) for a world, or
   * one claim only (kept out of every later ID token and userinfo answer).
   * @throws MvidError world_not_found
   */
  async revokeConsent(personId: string, worldId: string, claim?: WorldClaim): Promise<void> {
    await this.registry.require(worldId);
    await this.consents.withdraw(personId, worldId, claim);
    const { store, clock } = this.#deps;
    for (const grant of (await grantsOfPerson(store, clock, personId)).filter((g) => g.payload.clientId === worldId)) {
      if (claim === undefined) {
        await destroyGrant(store, grant.id);
        continue;
      }
      const openid = (grant.payload.openid ?? {}) as { scope?: string; claims?: string[] };
      const scope = (openid.scope ?? '').split(' ').filter((s) => s !== '' && s !== claim);
      const payload = { ...grant.payload, openid: { ...openid, scope: scope.join(' ') } };
      await store.db
        .updateTable('oidc_models')
        .set({ payload_json: JSON.stringify(payload) })
        .where('model', '=', 'Grant')
        .where('id', '=', grant.id)
        .execute();
    }
  }

  /** The registry's closure hook: ends browser sessions and every grant of the person. */
  async onPersonClosed(tx: Tx, event: { personId: string; at: Date }): Promise<void> {
    await this.#signOutEverywhere(tx, event.personId, event.at);
    await this.consents.removeAll(tx, event.personId);
  }

  /**
   * The registry's recovery hook, in the recovery's transaction: whoever holds the lost
   * passkeys or an old session is out — every browser session ends, every passkey is
   * removed, and every sign-in state and token at worlds (oidc-provider's sessions,
   * grants, codes and tokens) is deleted. Consents stay (they are the person's choices),
   * and so does the person id, so each world's pairwise pseudonym, and every sanction
   * recorded against it, is unchanged.
   */
  async onPersonRecovered(tx: Tx, event: { personId: string; at: Date }): Promise<void> {
    await this.#signOutEverywhere(tx, event.personId, event.at);
    await tx.deleteFrom('worlds_passkeys').where('person_id', '=', event.personId).execute();
  }

  async #signOutEverywhere(tx: Tx, personId: string, at: Date): Promise<void> {
    await this.webSessions.revokeAll(tx, personId, at);
    const grants = await tx
      .selectFrom('oidc_models')
      .select('id')
      .where('model', '=', 'Grant')
      .where('account_id', '=', personId)
      .execute();
    for (const g of grants) await tx.deleteFrom('oidc_models').where('grant_id', '=', g.id).execute();
    await tx.deleteFrom('oidc_models').where('account_id', '=', personId).execute();
  }

  /** Deletes expired protocol state and challenges. */
  async sweep(): Promise<number> {
    const { store, clock } = this.#deps;
    const now = clock.now().toISOString();
    const challenges = await store.db.deleteFrom('worlds_challenges').where('expires_at', '<', now).executeTakeFirst();
    return (await sweepOidcModels(store, clock)) + Number(challenges.numDeletedRows);
  }

  /** Label and description of a claim, for consent pages. */
  static describe(claim: WorldClaim): { label: string; description: string } {
    return WORLD_CLAIMS[claim];
  }

  /** @throws MvidError world_not_found when the world is unknown or disabled */
  async enabledWorld(worldId: string): Promise<World> {
    const world = await this.registry.get(worldId);
    if (!world || world.disabledAt !== null) throw new MvidError('world_not_found', 'no such world');
    return world;
  }
}

export function createWorlds(deps: WorldsDeps): WorldsService {
  return new WorldsService(deps);
}

/** The OpenID Connect client metadata of a world, as oidc-provider reads it. */
function buildClientMetadata(world: World, secretHash: string | null): Record<string, unknown> {
  const metadata: Record<string, unknown> = {
    client_id: world.id,
    client_name: world.name,
    redirect_uris: world.redirectUris,
    post_logout_redirect_uris: world.postLogoutRedirectUris,
    grant_types: ['authorization_code', 'refresh_token', 'client_credentials'],
    response_types: ['code'],
    token_endpoint_auth_method: world.authMethod,
    subject_type: 'pairwise',
    id_token_signed_response_alg: 'ES256',
    // The world may ask for exactly the claims it registered (each is a scope), nothing wider.
    scope: ['openid', 'offline_access', 'mvid:world', ...world.claims.map((c) => c.name)].join(' '),
  };
  if (world.logoUri) metadata.logo_uri = world.logoUri;
  if (world.policyUri) metadata.policy_uri = world.policyUri;
  if (world.tosUri) metadata.tos_uri = world.tosUri;
  if (world.jwks) metadata.jwks = world.jwks;
  // oidc-provider wants a secret for client_secret_* methods; it receives the hash, compared by hash (see provider.ts).
  if (world.authMethod !== 'private_key_jwt') metadata.client_secret = secretHash ?? undefined;
  return metadata;
}
