/**
 * BBS signatures (draft-irtf-cfrg-bbs-signatures), per-verifier pseudonyms
 * (draft-irtf-cfrg-bbs-per-verifier-linkability) and the blind sign-in protocol built on
 * them (issue 20, docs/blind-signin.md). Pure and server-free — only src/core and @noble —
 * so that the SDK a world installs, the worlds domain that issues, the disclosure clients
 * that open blind pseudonyms and the browser bundles all share one implementation.
 */
export {
  BLIND_ATTRIBUTES,
  BLIND_EPOCH_DAYS,
  BLIND_FORMAT,
  blindContextId,
  blindEpoch,
  blindHeader,
  blindNymInput,
  blindPseudonym,
  checkBlindCredential,
  isBlindPseudonym,
  issueBlindCredential,
  nymFromVrfOutput,
  parseBlindHeader,
  presentBlind,
  verifyBlindPresentation,
} from './blind-signin.ts';
export type { BlindAttribute, BlindCredential, BlindIssuerKey, BlindPresentation, BlindVerifyOptions } from './blind-signin.ts';
export { bbsKeyGen, bbsProofGen, bbsProofVerify, bbsPublicKey, bbsSign, bbsVerify, generateBbsKeyPair } from './bbs.ts';
export type { BbsKeyPair } from './bbs.ts';
export { blindSignWithNym, calculatePseudonym, nymCommit, proofGenWithNym, proofVerifyWithNym, verifyFinalizeWithNym } from './bbs-nym.ts';
export type { NymCommitment, ProofVerifyWithNymInput, ProofWithNymInput } from './bbs-nym.ts';
