/**
 * Worlds: virtual worlds sign their users in through mvid with standard OpenID
 * Connect and learn only a per-world pseudonym plus the claims the person agreed to.
 * This folder is the domain (registration, handles, passkeys, sessions, consent
 * records, oidc-provider storage); the protocol edge is src/http/oidc.
 */
export { createWorlds, WorldsService } from './service.ts';
export type { WorldsDeps, PersonWorldView, WorldsPersonExport } from './service.ts';
export { WorldRegistry, clientSecretMatches, validateNewWorld } from './registration.ts';
export { Handles, normaliseHandle, RESERVED_HANDLES, HANDLE_MIN, HANDLE_MAX } from './handles.ts';
export { skeleton, handleKey, confusableCount } from './skeleton.ts';
export { Passkeys, CHALLENGE_TTL_SECONDS } from './passkeys.ts';
export type { PasskeyRecord } from './passkeys.ts';
export { WebSessions, WEB_SESSION_TTL_SECONDS } from './web-sessions.ts';
export type { WebSession } from './web-sessions.ts';
export type { StoredConsent } from './consents.ts';
export { kyselyOidcAdapter, sweepOidcModels, grantsOfPerson, destroyGrant } from './oidc-store.ts';
export type { OidcAdapter, OidcAdapterClass, OidcPayload, ClientLookup } from './oidc-store.ts';
export {
  WORLD_CLAIMS,
  WORLD_CLAIM_NAMES,
  isWorldClaim,
  DEFAULT_TRUST_LEVEL,
  defaultTrustLevels,
  WORLD_PSEUDONYM_KINDS,
  DEFAULT_PSEUDONYM_KIND,
  isWorldPseudonymKind,
} from './types.ts';
export type {
  WorldClaim,
  CommunityRule,
  RequestedClaim,
  WorldAuthMethod,
  WorldPseudonymKind,
  JsonWebKeySet,
  NewWorld,
  World,
  RegisteredWorld,
  PersonAttributes,
  PersonDirectory,
  TrustLevels,
  AgePredicateFn,
  PersonClosedHandler,
} from './types.ts';
