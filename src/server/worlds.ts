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
  /** Overrides a person's attributes (tests that need attributes no PID carries); `undefined` = as wired. */
  personAttributes?: (personId: string) => Promise<PersonAttributes | undefined>;
  trustLevels?: TrustLevels;
}

/**
 * Where attested attributes come from: the claims of the person's live re-issued
 * credentials (credentials' `attestedClaims`). A function, because credentials are
 * built after worlds (they ask worlds which claims each world registered).
 */
export type AttestedClaims = (personId: string, kind: 'occupation') => Promise<Record<string, unknown> | undefined>;

export function registryPersonDirectory(
  registry: Registry,
  override?: WorldsWiringOptions['personAttributes'],
  attested?: AttestedClaims,
): PersonDirectory {
  return {
    async isActive(personId) {
      return (await registry.self.status(personId)) === 'active';
    },
    async attributes(personId) {
      const given = override ? await override(personId) : undefined;
      if (given) return given;
      const a = await registry.self.serviceAttributes(personId);
      const out: PersonAttributes = {};
      const age = ageSourceOf(a);
      if (age !== null) out.birthdate = age;
      if (typeof a.residence_country === 'string') out.residenceCountry = a.residence_country;
      const occupation = (await attested?.(personId, 'occupation'))?.occupation;
      if (typeof occupation === 'string') out.occupation = occupation;
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
  attested?: AttestedClaims,
): WorldsService {
  const worlds = createWorlds({
    store,
    clock,
    random,
    publicUrl: config.publicUrl,
    production: config.mode !== 'development',
    secrets: { pseudonymSecret: keys.pseudonymSecret, cookieSecret: keys.cookieSecret },
    persons: registryPersonDirectory(registry, options.personAttributes, attested),
    agePredicates: (birthdate, now) => ({ ...agePredicates(birthdate, now) }),
    ...(options.trustLevels ? { trustLevels: options.trustLevels } : {}),
  });
  // A closed account signs in nowhere: its browser sessions and every world grant end with it.
  registry.self.onPersonClosed((tx, event) => worlds.onPersonClosed(tx, event));
  // A recovered account signs in nowhere with what was lost: sessions, passkeys and world tokens end with it.
  registry.enrolments.onPersonRecovered((tx, event) => worlds.onPersonRecovered(tx, event));
  return worlds;
}
