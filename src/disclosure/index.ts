/**
 * Lawful disclosure: an authority identifies the person behind a pseudonym only for a
 * criminal offence, under a court order, after M of N trustees approve, with every
 * step in the public log — and the person is told when the legal delay ends. The
 * server never holds a combined secret: trustees' partial decryptions travel sealed
 * to the authority, and both clients (trustee-client.ts, authority-client.ts) verify
 * the log themselves. See docs/disclosure.md.
 */
export { createDisclosure } from './service.ts';
export type { DisclosureService } from './service.ts';
export {
  DEFAULT_DISCLOSURE_OPTIONS,
  DENIAL_REASONS,
  DISCLOSURE_FIELD_GROUPS,
  NON_CRIMINAL_BASES,
  OFFENCE_CATEGORIES,
} from './types.ts';
export type {
  AuthorityRecord,
  CourtOrder,
  DenialReason,
  DisclosureDeps,
  DisclosureFieldGroup,
  DisclosureLog,
  DisclosureOptions,
  EnvelopeEscrowKey,
  EscrowDirectory,
  NewRequest,
  OffenceCategory,
  OrderDocument,
  PseudonymResolver,
  ResolvedPseudonym,
  SignedCheckpoint,
} from './types.ts';
export { AUTHORITY_TOKEN_PREFIX } from './authorities.ts';
export type { NewAuthority } from './authorities.ts';
export { TRUSTEE_TOKEN_PREFIX } from './trustees.ts';
export type { TrusteeKey, TrusteePrincipal } from './trustees.ts';
export type { AcceptedRequest } from './requests.ts';
export { pendingRequestsOf } from './requests.ts';
export type { DecisionInput, RecordedDecision } from './decisions.ts';
export type { ReceiptInput, ReleaseMaterial } from './release.ts';
export type { ExtensionView } from './extensions.ts';
export type { AuthorityRequestView, PersonDisclosureView, TrusteeRequestView } from './views.ts';
export type { DisclosureSweepReport } from './sweeper.ts';
export {
  authorityId,
  canonicalJson,
  commitJson,
  courtOrderCommitment,
  offenceCommitment,
  statementCommitment,
  subjectCommitment,
} from './commitments.ts';
export type {
  AuthorityOpening,
  CourtOrderOpening,
  OffenceOpening,
  SealedEnvelopeRef,
  StatementOpening,
  SubjectEnvelope,
  SubjectOpening,
} from './commitments.ts';
export {
  boundEnvelope,
  checkSubjectChain,
  resealedEnvelopes,
  sealedEntryOf,
  sealedSetOf,
  verifySubjectBinding,
} from './subject-binding.ts';
export { computeTransparencyReport, parseLogEntries } from './transparency.ts';
export type { PublicAuthority, PublicRequestRecord, ReportCounts, TransparencyReport } from './transparency.ts';
export { checkOffence, validateRequest } from './validation.ts';
export { encryptOrderDocument, openOrderDocument } from './order-document.ts';
export { ApiClient } from './http-client.ts';
export type { FetchLike, FetchResponseLike } from './http-client.ts';
export { advanceCheckpoint, checkWitnessPin, proveIncluded } from './log-verify.ts';
export type { LogPin, SeenCheckpoint } from './log-verify.ts';
export { TrusteeClient, sharesAad } from './trustee-client.ts';
export type { PublishedEpoch, ReviewedRequest, ShareRing, TrusteeClientOptions, TrusteeClientState } from './trustee-client.ts';
export { AuthorityClient, newAuthorityKey, openRelease } from './authority-client.ts';
export type { AuthorityPins, FetchedRelease, FiledRequest, OpenableRelease, OpenedEnvelope } from './authority-client.ts';
export { expectTrusteeSet, proveApprovalQuorum } from './quorum.ts';
export type { ShownEntry } from './quorum.ts';
export { checkFieldGroups, keyLineage, proveKeyLineage, verifyReleaseAgainstLog } from './release-verify.ts';
