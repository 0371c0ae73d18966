/**
 * Wiring of src/disclosure to its neighbours through its ports: the transparency log
 * (src/tlog's store), the worlds (who is behind a pseudonym or handle) and the registry
 * (escrow envelopes and trustee sets). Disclosure imports none of them itself.
 */
import { type Clock, MvidError, type Random } from '../core/index.ts';
import { type Envelope, parseTrusteeSet } from '../crypto/index.ts';
import {
  createDisclosure,
  type DisclosureLog,
  type DisclosureOptions,
  type DisclosureService,
  type EscrowDirectory,
  type PseudonymResolver,
} from '../disclosure/index.ts';
import type { Registry } from '../registry/index.ts';
import type { Store } from '../store/index.ts';
import type { TransparencyLog } from '../tlog/index.ts';
import { normaliseHandle, type WorldsService } from '../worlds/index.ts';

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
      // With witnesses, the checkpoint served (and proven against) is a cosigned one: wait for
      // this integration's cosignatures, or a fresh entry would be proven against an older
      // checkpoint that does not hold it (the pushes are bounded by the witness timeout).
      await log.witnessesIdle();
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

const SUBJECT = /^[A-Za-z0-9_-]{43}$/;

/**
 * Pseudonym → person. A handle is looked up by its confusable skeleton; a pairwise
 * subject cannot be inverted, so it is recomputed for each candidate: persons known to
 * the world first, then everyone (a rare, court-ordered act may cost a scan).
 */
export function worldsPseudonymResolver(store: Store, worlds: WorldsService): PseudonymResolver {
  return {
    async resolve(worldId, pseudonymOrHandle) {
      if ((await worlds.registry.get(worldId)) === undefined) return undefined;
      let key: string | undefined;
      try {
        key = normaliseHandle(pseudonymOrHandle).key;
      } catch {
        key = undefined;
      }
      if (key !== undefined) {
        const row = await store.db
          .selectFrom('worlds_handles')
          .select('person_id')
          .where('world_id', '=', worldId)
          .where('skeleton', '=', key)
          .executeTakeFirst();
        if (row) return row.person_id;
      }
      if (!SUBJECT.test(pseudonymOrHandle)) return undefined;
      const known = await store.db.selectFrom('worlds_releases').select('person_id').where('world_id', '=', worldId).execute();
      for (const { person_id } of known) if (worlds.subjectFor(worldId, person_id) === pseudonymOrHandle) return person_id;
      const everyone = await store.db.selectFrom('registry_persons').select('id').execute();
      for (const { id } of everyone) if (worlds.subjectFor(worldId, id) === pseudonymOrHandle) return id;
      return undefined;
    },
  };
}

/** The registry's envelopes (current ones only) and trustee sets. */
export function registryEscrowDirectory(store: Store, registry: Registry): EscrowDirectory {
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
    async activeTrusteeSet() {
      const set = await registry.trusteeSets.active();
      return set ? parseTrusteeSet(set) : undefined;
    },
    async trusteeSet(id) {
      const set = await registry.trusteeSets.byId(id);
      return set ? parseTrusteeSet(set) : undefined;
    },
  };
}

export function buildDisclosure(
  deps: { store: Store; clock: Clock; random: Random; registry: Registry; worlds: WorldsService; log: TransparencyLog },
  options: Partial<DisclosureOptions> = {},
): DisclosureService {
  return createDisclosure({
    store: deps.store,
    clock: deps.clock,
    random: deps.random,
    log: tlogDisclosureLog(deps.log),
    resolver: worldsPseudonymResolver(deps.store, deps.worlds),
    escrow: registryEscrowDirectory(deps.store, deps.registry),
    options,
  });
}
