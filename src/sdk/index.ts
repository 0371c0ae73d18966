/**
 * The mvid SDK: what a world imports to check the credentials people show it,
 * offline, and what a wallet (mvid's portal, test clients) uses to show them.
 * Depends only on Node, `src/core`, `src/bbs` (BBS for blind sign-in), jose and @noble.
 */
export { verifyPresentation, tryVerifyPresentation } from './verify.ts';
export type { TrustedIssuer, VerifyPresentationOptions, VerifiedPresentation, PresentationResult } from './verify.ts';
export { presentCredential, bindPresentation } from './present.ts';
export type { PresentOptions, KeyBindingOptions } from './present.ts';
export { PresentationError, PRESENTATION_ERROR_CODES, isPresentationError } from './errors.ts';
export type { PresentationErrorCode } from './errors.ts';
export { StatusListCache, verifyStatusListToken } from './status.ts';
export type { StatusListSource, StatusListCacheOptions, VerifiedStatusList, VerifyStatusListOptions } from './status.ts';
export { MemoryReplayCache } from './replay.ts';
export type { ReplayCache, MemoryReplayCacheOptions } from './replay.ts';
export { validateJsonSchema } from './schema.ts';
export type { JsonSchema } from './schema.ts';
export { ALLOWED_ALGS, signCompactJws, publicJwkOf } from './jws.ts';
export type { JwsAlg, JSONWebKeySet, JsonWebKey, PrivateKeyInput } from './jws.ts';
export { verifyWorldIdToken, tryVerifyWorldIdToken, mvidJwks } from './world-id-token.ts';
export type { WorldIdTokenOptions, WorldClaims, WorldIdentity } from './world-id-token.ts';
export { moderationOf, restricts, fetchModeration, MODERATION_STATES, NO_SANCTION } from './moderation.ts';
export type { WorldModeration, ModerationState, FetchModerationOptions } from './moderation.ts';
// IdP-blind sign-in (src/bbs): what a world verifies with and a native wallet presents with.
export {
  BLIND_ATTRIBUTES,
  BLIND_EPOCH_DAYS,
  BLIND_FORMAT,
  blindEpoch,
  blindPseudonym,
  checkBlindCredential,
  generateBbsKeyPair,
  issueBlindCredential,
  presentBlind,
  verifyBlindPresentation,
} from '../bbs/index.ts';
export type { BbsKeyPair, BlindAttribute, BlindCredential, BlindIssuerKey, BlindPresentation, BlindVerifyOptions } from '../bbs/index.ts';
