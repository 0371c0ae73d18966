/**
 * Wiring of src/moderation: the worlds answer who is behind a pseudonym or handle (only
 * persons the world knows), the world's rules and a person's presence there; the
 * evidence store keeps uploads by hash. Moderation in turn answers the worlds' trust
 * levels, sanction claims and sign-in refusals.
 */
import { type BlobStore, checkEvidence, openBlobStore } from '../blobs/index.ts';
import { blobStoreConfigOf, type Config } from '../config/index.ts';
import type { ServiceKeys } from '../keys/index.ts';
import type { Registry } from '../registry/index.ts';
import type { Clock, Random } from '../core/index.ts';
import { createModeration, type EvidenceStore, type ModerationService, type WorldDirectory } from '../moderation/index.ts';
import type { Store } from '../store/index.ts';
import type { TrustLevels, WorldsService } from '../worlds/index.ts';
import { findPersonInWorld } from './disclosure.ts';
import { type AttestedClaims, buildWorlds, type WorldsWiringOptions } from './worlds.ts';

export function worldsDirectory(store: Store, worlds: WorldsService): WorldDirectory {
  return {
    async world(worldId) {
      const world = await worlds.registry.get(worldId);
      return world && world.disabledAt === null ? { id: world.id, name: world.name, rules: world.rules } : undefined;
    },
    // Only persons the world knows (a handle, or a pseudonym it was given): one indexed read, never a scan.
    async resolve(worldId, subject) {
      const personId = await findPersonInWorld(worlds, worldId, subject);
      // From here on moderation names this person to the world by pseudonym (a handle's holder
      // may never have signed in there): the pseudonym of the world's kind is indexed like a sign-in's `sub`.
      if (personId !== undefined) await worlds.subjectOf(worldId, personId, await worlds.pseudonymKindOf(worldId));
      return personId;
    },
    // The kind the world is registered with (docs/blind-signin.md): a blind-only world never saw an OIDC subject.
    async pseudonymsOf(worldId) {
      const kind = await worlds.pseudonymKindOf(worldId);
      return (personId) => worlds.pseudonymFor(worldId, personId, kind);
    },
    async presence(worldId, personId) {
      const row = await store.db
        .selectFrom('worlds_releases')
        .select(['first_at', 'claims_json'])
        .where('world_id', '=', worldId)
        .where('person_id', '=', personId)
        .executeTakeFirst();
      if (!row) return undefined;
      // The trust level is what is being computed, not something the person shared.
      const shared = (JSON.parse(row.claims_json) as string[]).filter((c) => c !== 'trust_level');
      return { since: row.first_at, shared };
    },
  };
}

/**
 * Trust levels for the worlds, answered by moderation once it exists: the worlds are
 * built first (moderation needs them), so the port forwards to a late-bound service.
 */
export function lateTrustLevels(): TrustLevels & { bind(moderation: ModerationService): void } {
  let bound: ModerationService | undefined;
  return {
    bind(moderation) {
      bound = moderation;
    },
    async levelOf(worldId, personId) {
      if (!bound) throw new TypeError('trust levels asked before moderation was built');
      return (await bound.standing.trust(worldId, personId)).level;
    },
  };
}

/** The blob store (src/blobs) as moderation's evidence store: uploads are checked from their bytes (`checkEvidence`). */
export function evidenceStore(blobs: BlobStore): EvidenceStore {
  return {
    put: (bytes, contentType) => blobs.put(bytes, contentType),
    get: (sha256) => blobs.get(sha256),
    delete: (sha256) => blobs.delete(sha256),
    check: (bytes, declaredType) => checkEvidence(bytes, declaredType),
  };
}

export function buildModeration(deps: {
  store: Store;
  clock: Clock;
  random: Random;
  worlds: WorldsService;
  blobs: BlobStore;
}): ModerationService {
  return createModeration({
    store: deps.store,
    clock: deps.clock,
    random: deps.random,
    worlds: worldsDirectory(deps.store, deps.worlds),
    evidence: evidenceStore(deps.blobs),
  });
}

/**
 * The worlds and moderation together, each answering the other: moderation resolves the
 * worlds' pseudonyms, the worlds ask moderation for trust levels (unless `options` override).
 */
export function buildWorldsAndModeration(
  config: Config,
  store: Store,
  keys: ServiceKeys,
  clock: Clock,
  random: Random,
  registry: Registry,
  options: WorldsWiringOptions = {},
  attested?: AttestedClaims,
): { worlds: WorldsService; moderation: ModerationService } {
  const trust = lateTrustLevels();
  const worlds = buildWorlds(config, store, keys, clock, random, registry, { trustLevels: trust, ...options }, attested);
  const moderation = buildModeration({ store, clock, random, worlds, blobs: openBlobStore(blobStoreConfigOf(config)) });
  trust.bind(moderation);
  return { worlds, moderation };
}
