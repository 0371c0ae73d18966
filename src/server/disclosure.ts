/**
 * Wiring of src/disclosure to its neighbours through its ports: the transparency log
 * (src/tlog's store), the worlds (who is behind a pseudonym or handle) and the registry
 * (escrow envelopes and trustee sets). Disclosure imports none of them itself.
 */
import { type Clock, MvidError, type Random } from '../core/index.ts';
import { type Envelope, parseTrusteeSet } from '../crypto/index.ts';
import { isBlindPseudonym } from '../bbs/index.ts';
import {
  createDisclosure,
  type DisclosureLog,
  type DisclosureOptions,
  type DisclosureService,
  type EscrowDirectory,
  type PseudonymResolver,
} from '../disclosure/index.ts';
import { envelopeSealedEntry, type Registry, type TrusteeSetCeremony, trusteeSetEntry } from '../registry/index.ts';
import type { Store } from '../store/index.ts';
import { entryTime, hashLeaf, type TransparencyLog } from '../tlog/index.ts';
import type { WorldsService } from '../worlds/index.ts';

/** The disclosure log port over the tlog store. */
export function tlogDisclosureLog(log: TransparencyLog): DisclosureLog {
  return {
    origin: log.origin,
    verifierKey: log.verifier.vkey,
    async enqueue(tx, entries) {
      await log.enqueue(tx, entries);
    },
    async integrate() {
      await log.integrate();
      // A trustee that pins witnesses accepts only cosigned checkpoints: wait for the pushes
      // (bounded by their timeout, retried if an earlier one failed) so the checkpoint
      // served next already covers what was logged.
      await log.witnessLatest();
    },
    async indexOf(leafHash) {
      return (await log.findByLeafHash(leafHash)) ?? undefined;
    },
    async checkpoint() {
      // A fresh log signs its first checkpoint on its first integration.
      const row = (await log.checkpoint()) ?? (await log.integrate().then(() => log.checkpoint()));
      if (row === null) throw new MvidError('service_unavailable', 'the log has not signed a checkpoint yet');
      return { size: row.size, note: row.cosignedNote ?? row.note };
    },
    inclusionProof: (index, size) => log.inclusionProof(index, size),
    consistencyProof: (a, b) => log.consistencyProof(a, b),
    async entries(start, end) {
      return (await log.entries(start, end)).map((l) => l.entry);
    },
  };
}

/** An OIDC subject (VRF output, 43 characters) or a blind sign-in pseudonym (a G1 point, 64). */
const SUBJECT = /^(?:[A-Za-z0-9_-]{43}|[A-Za-z0-9_-]{64})$/;

/**
/**
 * Pseudonym or handle → person. A handle is looked up by its look-alike keys (src/worlds
 * handles); a pseudonym cannot be inverted, so it is looked up in the pseudonym index written
 * when it was handed to the world (`WorldsService.subjectOf`) and checked against the VRF:
 * one indexed read, and a pseudonym the world was never given is a miss at the same cost —
 * persons are never scanned on a request path (issue 18). Disclosure and moderation both
 * resolve only pseudonyms the world was given.
 */
export async function findPersonInWorld(worlds: WorldsService, worldId: string, pseudonymOrHandle: string): Promise<string | undefined> {
  const holder = await worlds.handles.holderOf(worldId, pseudonymOrHandle);
  if (holder !== undefined) return holder;
  if (!SUBJECT.test(pseudonymOrHandle)) return undefined;
  return worlds.personOfSubject(worldId, pseudonymOrHandle);
}

/** Pseudonym → person, with the VRF proof that the pseudonym is that person's. */
export function worldsPseudonymResolver(worlds: WorldsService): PseudonymResolver {
  return {
    pseudonymKey: worlds.pseudonymKey,
    async resolve(worldId, pseudonymOrHandle) {
      if ((await worlds.registry.get(worldId)) === undefined) return undefined;
      const personId = await findPersonInWorld(worlds, worldId, pseudonymOrHandle);
      if (personId === undefined) return undefined;
      const { subject, proof } = worlds.subjectProof(worldId, personId, isBlindPseudonym(pseudonymOrHandle));
      return { personId, pseudonym: subject, proof };
    },
  };
}

/** The registry's envelopes (current ones only) and trustee sets. */
export function registryEscrowDirectory(store: Store, registry: Registry, log: Pick<DisclosureLog, 'indexOf'>): EscrowDirectory {
  const parse = (rows: Array<{ envelope_json: string }>) => rows.map((r) => JSON.parse(r.envelope_json) as Envelope);
  return {
    async envelopes(personId, fieldGroups) {
      if (fieldGroups.length === 0) return [];
      const rows = await store.db
        .selectFrom('registry_envelopes')
        .select('envelope_json')
        .where('person_id', '=', personId)
        .where('field_group', 'in', [...fieldGroups])
        .where('superseded_at', 'is', null)
        .execute();
      return parse(rows);
    },
    async sealedRefs(envelopes) {
      if (envelopes.length === 0) return [];
      const rows = await store.db
        .selectFrom('registry_envelopes')
        .select(['id', 'created_at'])
        .where(
          'id',
          'in',
          envelopes.map((e) => e.envelopeId),
        )
        .execute();
      const out = [];
      for (const e of envelopes) {
        const row = rows.find((r) => r.id === e.envelopeId);
        if (!row) throw new MvidError('escrow_unavailable', `envelope ${e.envelopeId} is unknown`);
        const at = new Date(row.created_at);
        const index = await log.indexOf(hashLeaf(envelopeSealedEntry(e, at)));
        out.push({ envelopeId: e.envelopeId, time: entryTime(at), logIndex: index === undefined ? undefined : Number(index) });
      }
      return out;
    },
    async envelopesById(ids) {
      if (ids.length === 0) return [];
      return parse(
        await store.db
          .selectFrom('registry_envelopes')
          .select('envelope_json')
          .where('id', 'in', [...ids])
          .execute(),
      );
    },
    async escrowKeysOf(envelopeIds, heldBy) {
      if (envelopeIds.length === 0) return [];
      const rows = await store.db
        .selectFrom('registry_envelopes')
        .select(['id', 'escrow_key_id'])
        .where('id', 'in', [...envelopeIds])
        .where('escrow_key_id', 'is not', null)
        .execute();
      const ids = rows.map((r) => r.escrow_key_id as string);
      const [sealedTo, held] = await Promise.all([registry.epochs.keys(ids), registry.epochs.heldBy(ids, heldBy)]);
      return rows.flatMap((r) => {
        const key = held.get(r.escrow_key_id as string);
        const original = sealedTo.find((k) => k.id === r.escrow_key_id);
        if (!key) return [];
        return [{ envelopeId: r.id, key, ...(original && original.id !== key.id ? { sealedTo: original } : {}) }];
      });
    },
    async reshareInProgress(id) {
      return registry.dkg.openReshareOf(id);
    },
    async activeTrusteeSet() {
      const set = await registry.trusteeSets.active();
      return set ? parseTrusteeSet(set) : undefined;
    },
    async trusteeSet(id) {
      const set = await registry.trusteeSets.byId(id);
      return set ? parseTrusteeSet(set) : undefined;
    },
    async keyHolder(id) {
      const set = await registry.trusteeSets.holderOf(id);
      return set ? parseTrusteeSet(set) : undefined;
    },
    async trusteeSetLineage(id) {
      const out: Uint8Array[] = [];
      for (const set of await registry.trusteeSets.lineage(id)) {
        if (set.resharedFrom === undefined) break;
        out.push((await this.trusteeSetLogEntry(set.id)) as Uint8Array);
      }
      return out;
    },
    async trusteeSetLogEntry(id) {
      // Rebuilt as `publish` wrote it: its time, and the set it replaced (retired in that same instant).
      const row = await store.db
        .selectFrom('registry_trustee_sets')
        .select(['document_json', 'created_at', 'ceremony_json'])
        .where('id', '=', id)
        .executeTakeFirst();
      if (!row) return undefined;
      const replaced = await store.db
        .selectFrom('registry_trustee_sets')
        .select('id')
        .where('retired_at', '=', row.created_at)
        .where('id', '!=', id)
        .executeTakeFirst();
      const ceremony = row.ceremony_json === null ? undefined : (JSON.parse(row.ceremony_json) as TrusteeSetCeremony);
      return trusteeSetEntry(parseTrusteeSet(JSON.parse(row.document_json)), new Date(row.created_at), replaced?.id, ceremony);
    },
  };
}

export function buildDisclosure(
  deps: { store: Store; clock: Clock; random: Random; registry: Registry; worlds: WorldsService; log: TransparencyLog },
  options: Partial<DisclosureOptions> = {},
): DisclosureService {
  const log = tlogDisclosureLog(deps.log);
  return createDisclosure({
    store: deps.store,
    clock: deps.clock,
    random: deps.random,
    log,
    resolver: worldsPseudonymResolver(deps.worlds),
    escrow: registryEscrowDirectory(deps.store, deps.registry, log),
    options,
  });
}
