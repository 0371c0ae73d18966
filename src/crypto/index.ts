/**
 * Public surface of mvid's cryptography: escrow of legal identity under an
 * M-of-N trustee set (threshold ElGamal on ristretto255 with Feldman VSS and
 * DLEQ-proved partial decryptions), trustee share files, sealing to a
 * recipient, uniqueness tags and hash commitments.
 *
 * Serialised objects (`TrusteeSet`, `ShareFile`, `Envelope`,
 * `PartialDecryption`, `SealedMessage`) are plain JSON with base64url
 * (unpadded) byte fields; all parsers are strict and bounded.
 */
export {
  GENERATOR,
  GROUP_ORDER,
  POINT_BYTES,
  SCALAR_BYTES,
  decodePoint,
  encodePoint,
  encodeScalar,
  randomScalar,
  scalarFromWideBytes,
  tryDecodePoint,
  tryDecodeScalar,
} from './group.ts';
export type { Point } from './group.ts';
export { MAX_TRUSTEES, computeTrusteeSetId, dealEscrowKey, parseTrusteeSet, verifyShare, verifyTrusteeSet } from './feldman.ts';
export type { EscrowDeal, TrusteeDescriptor, TrusteeSet, TrusteeShare } from './feldman.ts';
export { DEFAULT_SCRYPT, SCRYPT_LIMITS, SHARE_PASSPHRASE_MIN_LENGTH, decryptShareFile, encryptShareFile } from './sharefile.ts';
export type { ScryptParams, ShareFile } from './sharefile.ts';
export { MAX_ENVELOPE_PLAINTEXT_BYTES, envelopeBinding, openEnvelopeWithSharedPoint, parseEnvelope, sealEnvelope } from './envelope.ts';
export type { Envelope, SealEnvelopeInput } from './envelope.ts';
export { SealingPool } from './seal-pool.ts';
export type { EnvelopeSealer, TagWorkers } from './seal-pool.ts';
/** Loads libsodium in this thread: verifyDleq and sealEnvelope then use it (Node only, not in the browser bundles). */
export { sodium as loadSodium } from './sodium.ts';
export { combinePartials, partialDecrypt, thresholdOpen, verifyPartial } from './threshold.ts';
export type { BadTrustee, BadTrusteeReason, CombineOptions, CombineResult, PartialContext, PartialDecryption } from './threshold.ts';
export { MAX_SEALED_PLAINTEXT_BYTES, generateRecipientKeyPair, openFromSender, recipientPublicKey, sealToRecipient } from './seal.ts';
export type { RecipientKeyPair, SealedMessage } from './seal.ts';
export { MIN_TAG_SECRET_BYTES, normalizeIdentifier, uniquenessTag } from './tag.ts';
export { commit, verifyCommitment } from './commit.ts';
export {
  DKG_ROUNDS,
  checkDkgParameters,
  dkgAnnounce,
  dkgCommit,
  dkgComplaints,
  dkgDealers,
  dkgFinalShare,
  dkgOutcome,
  dkgReceive,
  dkgResult,
  dkgShares,
  newDkgIdentity,
  resultAgrees,
  sealShare,
  signCommit,
  signShares,
  validAnnouncements,
  verifyDkgMessage,
  verifyProofOfKnowledge,
  wipeDkgIdentity,
  wipeDkgPolynomial,
} from './dkg.ts';
export type {
  DisqualifyReason,
  DkgAnnounce,
  DkgCommit,
  DkgComplaint,
  DkgComplaints,
  DkgIdentity,
  DkgOutcome,
  DkgParameters,
  DkgPolynomial,
  DkgResult,
  DkgRound,
  DkgShares,
  DkgSignedShare,
  DkgTranscript,
} from './dkg.ts';
export { blindIdentifier, evaluateBlinded, finalizeTag, generateTagServiceKey, tagServicePublicKey } from './oprf.ts';
export type { BlindedIdentifier, TagEvaluation, TagServiceKeyPair } from './oprf.ts';
export {
  DEALER_SLOT,
  checkReshareParameters,
  dealerSlot,
  reshareCeremonyOutcome,
  reshareDealMessages,
  reshareFinalShare,
  reshareReceive,
  reshareSigningParameters,
  reshareSlots,
  roleOfSlot,
} from './reshare-ceremony.ts';
export type { ReshareCeremonyOutcome, ReshareCeremonyParameters, ReshareDisqualifyReason, ReshareRole } from './reshare-ceremony.ts';
export { reshareCombine, reshareDeal, reshareOutcome, verifyDealing, verifySubShare } from './reshare.ts';
export type { ReshareDeal, ReshareDealing, ReshareOutcome, ReshareParameters } from './reshare.ts';
export { aesGcmOpen, aesGcmSeal, GCM_NONCE_BYTES } from './symmetric.ts';
export { openAtRest, sealAtRest } from './at-rest.ts';
export { pseudonymInput, vrfKeyFromSecret, vrfVerify } from './vrf.ts';
export type { VrfKey, VrfProof } from './vrf.ts';
