/**
 * The registry: one verified identity per person, with the legal identity escrowed
 * under a trustee quorum, plus recovery, closure, export and retention. See
 * docs/registry.md.
 */
export { createRegistry } from './service.ts';
export type { Registry } from './service.ts';
export {
  outboxLog,
  logSubjectKey,
  personSubject,
  personEventEntry,
  trusteeSetEntry,
  tagEvaluationsEntry,
  envelopeDestroyedEntry,
  envelopeSealedEntry,
} from './log.ts';
export type { LoggedPersonAction, DestructionReason, TrusteeSetCeremony } from './log.ts';
export { TRUSTEE_NAME, checkShareAgainst } from './trustees.ts';
export { DKG_TOKEN_PREFIX } from './dkg.ts';
export { EPOCH_MONTHS, checkEpochKeyOf, epochNamed, epochOf, epochsFrom, epochDestroyedEntry, escrowEpochEntry } from './epochs.ts';
export type { EpochWindow, EscrowEpochs, EscrowEpochView } from './epochs.ts';
export { embeddedTagOracle, remoteTagOracle } from './tag-oracle.ts';
export type { TagFetch, TagOracle, TaggedIdentifier } from './tag-oracle.ts';
export type { DkgCeremonies, DkgCeremonyView, DkgMessageView, DkgTranscriptView, PendingDisclosures } from './dkg.ts';
export { RESHARE_CEREMONY_HOURS } from './dkg.ts';
export { announceFingerprint, dkgPaths, retryingCall, runDkg, runDkgBatch } from './dkg-client.ts';
export { runReshare, runReshareBatch } from './reshare-client.ts';
export type { ReshareBatchResult, ReshareRunOptions, ReshareRunResult } from './reshare-client.ts';
export type { DkgBatchResult, DkgCall, DkgMe, DkgRunOptions, DkgRunResult } from './dkg-client.ts';
export type { TrusteeSets, PublishedTrusteeSet, DealtTrusteeSet, CheckedShare } from './trustees.ts';
export type { IssuerRegistry, NewIssuer } from './issuers.ts';
export type { Enrolments, EnrolmentResult, PersonRecoveredHook } from './enrolment.ts';
export { SESSION_ASSERTION_TYP, KEY_PROOF_TYP } from './sessions.ts';
export type { Sessions, PersonPrincipal } from './sessions.ts';
export type { AdminTokens, AdminPrincipal, AdminTokenInfo } from './admin-tokens.ts';
export type { SelfService, PersonClosedHook, PersonView, PersonExport } from './self-service.ts';
export type { Sweeper, SweepReport } from './sweeper.ts';
export type { IssuedNonce } from './nonces.ts';
export { WALLET_REQUEST_TTL_SECONDS } from './wallet-requests.ts';
export type {
  CurrentWalletRequest,
  WalletRequests,
  OpenedWalletRequest,
  WalletRequestOptions,
  WalletRequestPurpose,
} from './wallet-requests.ts';
export {
  DEV_ISSUER_KEY_FILE,
  devIssuerKeyOf,
  devPresentation,
  generateHolderKey,
  issueDevPid,
  loadDevIssuerKey,
  newDevIssuerKeyText,
  presentPid,
} from './dev-issuer.ts';
export type { DevIssuerKey, DevPidOptions } from './dev-issuer.ts';
export { PID_CLAIMS, REQUIRED_PID_CLAIMS, PidClaimsSchema, ageSourceOf, validatePidClaims } from './pid-claims.ts';
export type { PidClaims } from './pid-claims.ts';
export { MAX_PID_LENGTH } from './pid-verify.ts';
export { signJws, jwkThumbprint, publicHolderJwk } from './jws.ts';
export {
  PID_VCT,
  DEV_ISSUER_ISS,
  DEV_ISSUER_NAME,
  FIELD_GROUPS,
  SERVICE_ATTRIBUTES,
  NONCE_TTL_SECONDS,
  SESSION_TTL_SECONDS,
} from './types.ts';
export type {
  RegistryDeps,
  RegistryOptions,
  RegistryLog,
  IssuerRecord,
  HolderKeyRecord,
  PersonEvent,
  PersonSummary,
  IssuedSession,
  FieldGroup,
} from './types.ts';
