/**
 * Wiring of src/credentials to its neighbours: the registry answers who is active,
 * with which holder keys and service-readable attributes, and tells credentials about
 * closures and recoveries; the worlds answer which claims each world registered and
 * authenticate world clients; the key directory signs.
 */
import type { FastifyRequest } from 'fastify';
import type { Config } from '../config/index.ts';
import type { Clock, Random } from '../core/index.ts';
import {
  type CredentialSubjects,
  type Credentials,
  createCredentials,
  type ServiceAttributes,
  type SigningKeys,
  type WorldClaimPolicy,
} from '../credentials/index.ts';
import type { CredentialsHttp } from '../http/index.ts';
import type { ServiceKeys } from '../keys/index.ts';
import { ageSourceOf, type Registry } from '../registry/index.ts';
import { StatusListCache, type StatusListSource } from '../sdk/index.ts';
import type { Store } from '../store/index.ts';
import { clientSecretMatches, type WorldsService } from '../worlds/index.ts';
import { fetchOutboundText } from './outbound.ts';

export interface CredentialsWiringOptions {
  /** Overrides how a world client authenticates (tests). */
  worldOf?: (request: FastifyRequest) => Promise<string | undefined>;
  /** Overrides where attribute issuers' own status lists come from (tests). */
  externalStatusLists?: StatusListSource;
}

export function registrySubjects(registry: Registry): CredentialSubjects {
  return {
    async status(personId) {
      try {
        return (await registry.self.view(personId)).person.status;
      } catch {
        return undefined;
      }
    },
    async holderKeys(personId) {
      const keys = await registry.self.keys(personId);
      return keys
        .filter((k) => k.revokedAt === null)
        .reverse()
        .map((k) => k.jwk);
    },
    async serviceAttributes(personId): Promise<ServiceAttributes> {
      const a = await registry.self.serviceAttributes(personId);
      return {
        birthdate: ageSourceOf(a),
        residenceCountry: typeof a.residence_country === 'string' ? a.residence_country : null,
      };
    },
  };
}

/** World claim names that differ from the credential claim carrying them. */
const CLAIM_OF_WORLD_CLAIM: Record<string, string> = { residence_country: 'country' };

export function worldClaimPolicy(worlds: WorldsService): WorldClaimPolicy {
  return {
    async allowedClaims(worldClientId) {
      const world = await worlds.registry.get(worldClientId);
      if (!world || world.disabledAt !== null) return undefined;
      return world.claims.map((c) => CLAIM_OF_WORLD_CLAIM[c.name] ?? c.name);
    },
  };
}

/** `Authorization: Basic` with a world's client id and secret (client_secret_basic). */
export function basicWorldAuth(worlds: WorldsService): (request: FastifyRequest) => Promise<string | undefined> {
  return async (request) => {
    const header = request.headers.authorization;
    const match = typeof header === 'string' ? /^Basic ([A-Za-z0-9+/]+=*)$/.exec(header.trim()) : null;
    if (!match?.[1]) return undefined;
    const decoded = Buffer.from(match[1], 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 1 || decoded.includes('\0')) return undefined;
    // RFC 6749 §2.3.1: both parts are form-urlencoded before they are joined.
    let id: string;
    let secret: string;
    try {
      id = decodeURIComponent(decoded.slice(0, colon));
      secret = decodeURIComponent(decoded.slice(colon + 1));
    } catch {
      return undefined;
    }
    if (id.includes('\0')) return undefined;
    const world = await worlds.registry.get(id);
    if (!world || world.disabledAt !== null || world.authMethod === 'private_key_jwt') return undefined;
    return clientSecretMatches(await worlds.registry.secretHashOf(id), secret) ? id : undefined;
  };
}

export function signingKeys(keys: ServiceKeys): SigningKeys {
  const active = keys.tokenSigning[0];
  if (!active) throw new TypeError('the key directory has no token-signing key');
  const jwks = keys.tokenSigning.map((k) => k.publicJwk);
  return { active: () => ({ kid: active.kid, privateKey: active.privateKey }), publicJwks: () => jwks };
}

/**
 * Status lists of attribute issuers' own credentials, fetched when a person brings one
 * to be re-issued. The URL comes from a registered issuer's signed credential; still, it
 * is fetched as any outside URL (src/core outbound.ts): https only outside development,
 * never a loopback, private or link-local address in production (however spelt, and
 * whatever its name resolves to, checked at connect time), no redirects, a timeout and a
 * size cap.
 */
export function externalStatusLists(config: Pick<Config, 'mode'>, clock: Clock): StatusListCache {
  const production = config.mode !== 'development';
  return new StatusListCache({
    now: () => clock.now(),
    fetch: async (uri) =>
      (
        await fetchOutboundText(uri, 'status_list.uri', {
          policy: { production, devHttp: 'any' },
          accept: 'application/statuslist+jwt',
          timeoutMs: 5000,
          maxBytes: 1024 * 1024,
        })
      ).trim(),
  });
}

export function buildCredentials(
  config: Config,
  store: Store,
  keys: ServiceKeys,
  clock: Clock,
  random: Random,
  registry: Registry,
  worlds: WorldsService,
  options: CredentialsWiringOptions = {},
): { credentials: Credentials; http: CredentialsHttp } {
  const credentials = createCredentials({
    store,
    clock,
    random,
    keys: signingKeys(keys),
    // Its own derived key inside: the c_nonce MAC never shares a key with the registry's nonces.
    nonceSecret: keys.cookieSecret,
    subjects: registrySubjects(registry),
    dataKey: keys.dataKey,
    worlds: worldClaimPolicy(worlds),
    externalStatusLists: options.externalStatusLists ?? externalStatusLists(config, clock),
    options: { publicUrl: config.publicUrl },
  });
  // Closure and recovery revoke what was issued, in the same transaction as the act itself.
  registry.self.onPersonClosed(async (tx, event) => {
    await credentials.personClosed(tx, event);
  });
  registry.enrolments.onPersonRecovered(async (tx, event) => {
    await credentials.personRecovered(tx, event);
  });
  return { credentials, http: { credentials, worldOf: options.worldOf ?? basicWorldAuth(worlds) } };
}
