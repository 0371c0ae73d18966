/**
 * Wiring of src/worlds to its neighbours: the registry answers who is active and
 * opens the service-readable attributes (birthdate, residence), the credentials module
 * turns a birthdate into age predicates, moderation will answer trust levels.
 */
import type { Config } from '../config/index.ts';
import type { Clock, Random } from '../core/index.ts';
import { agePredicates } from '../credentials/index.ts';
import type { ServiceKeys } from '../keys/index.ts';
import { ageSourceOf, type Registry } from '../registry/index.ts';
import type { Store } from '../store/index.ts';
import { createWorlds, type PersonAttributes, type PersonDirectory, type TrustLevels, type WorldsService } from '../worlds/index.ts';

export interface WorldsWiringOptions {
  /** Overrides where person attributes come from (tests that need attributes no PID carries). */
  personAttributes?: (personId: string) => Promise<PersonAttributes>;
  trustLevels?: TrustLevels;
}

export function registryPersonDirectory(registry: Registry, override?: WorldsWiringOptions['personAttributes']): PersonDirectory {
  return {
    async isActive(personId) {
      return (await registry.self.status(personId)) === 'active';
    },
    async attributes(personId) {
      if (override) return override(personId);
      const a = await registry.self.serviceAttributes(personId);
      const out: PersonAttributes = {};
      const age = ageSourceOf(a);
      if (age !== null) out.birthdate = age;
      if (typeof a.residence_country === 'string') out.residenceCountry = a.residence_country;
      if (typeof a.occupation === 'string') out.occupation = a.occupation;
      return out;
    },
  };
}

export function buildWorlds(
  config: Config,
  store: Store,
  keys: ServiceKeys,
  clock: Clock,
  random: Random,
  registry: Registry,
  options: WorldsWiringOptions = {},
): WorldsService {
  const worlds = createWorlds({
    store,
    clock,
    random,
    publicUrl: config.publicUrl,
    secrets: { pseudonymSecret: keys.pseudonymSecret, cookieSecret: keys.cookieSecret },
    persons: registryPersonDirectory(registry, options.personAttributes),
    agePredicates: (birthdate, now) => ({ ...agePredicates(birthdate, now) }),
    ...(options.trustLevels ? { trustLevels: options.trustLevels } : {}),
  });
  // A closed account signs in nowhere: its browser sessions and every world grant end with it.
  registry.self.onPersonClosed((tx, event) => worlds.onPersonClosed(tx, event));
  return worlds;
}
