/**
 * Credentials: the types mvid issues, issuance of unlinkable SD-JWT VC batches to
 * enrolled persons (mvid's portal and OpenID4VCI), the attribute issuer registry,
 * status lists that revoke what was issued, and presentation requests for worlds.
 */
export {
  CREDENTIAL_KINDS,
  AGE_THRESHOLDS,
  isCredentialKind,
  claimNames,
  requiredClaimNames,
  kindOfClaim,
  vctFor,
  schemaUriFor,
  kindOfVct,
  credentialSchema,
  issuanceClaimsSchema,
  typeMetadata,
  serializeDocument,
  integrityOf,
  agePredicates,
  predicateValidUntil,
  kindDisplay,
} from './types.ts';
export { parseVerifierRequest } from './verifier-request.ts';
export type { VerifierRequest } from './verifier-request.ts';
export type { CredentialKind, AgePredicates, TypeMetadataOptions } from './types.ts';
export { ISO_3166_ALPHA2 } from './countries.ts';
export { issueCredentials, ISSUANCE_GRANULARITY_SECONDS } from './issue.ts';
export type { IssueCredentialsInput, IssuedCredential, IssuerKey, StatusReference } from './issue.ts';
export {
  StatusList,
  STATUS_LIST_MIN_SIZE,
  createStatusList,
  allocateStatusIndex,
  setStatus,
  isRevoked,
  exportStatusList,
  importStatusList,
  signStatusList,
  verifyStatusList,
} from './statuslist.ts';
export type { SignStatusListInput, VerifyStatusListInput } from './statuslist.ts';
export { createCredentials, REVOCATION_REQUEST_TYP } from './service.ts';
export type { Credentials, IssuedCredentialRecord } from './service.ts';
export type { CredentialsSweepReport } from './sweep.ts';
export type {
  CredentialSubjects,
  CredentialsDeps,
  CredentialsOptions,
  PersonStatus,
  ServiceAttributes,
  SigningKeys,
  WorldClaimPolicy,
} from './ports.ts';
export { ATTRIBUTE_KINDS, AttributeIssuers } from './attribute-issuers.ts';
export type { AttributeIssuer, NewAttributeIssuer } from './attribute-issuers.ts';
export type { IssueRequest, IssueResult } from './issuance.ts';
export type { CreatedOffer, AccessGrant } from './oid4vci.ts';
export type { PresentationRequest, VerifiedRequest } from './presentation-requests.ts';
export type { RevocationFilter, RevocationReason } from './revocation.ts';
export { KEY_PROOF_TYP, jwkThumbprint } from './proofs.ts';
export { C_NONCE_TTL_SECONDS } from './nonces.ts';
export {
  credentialIssuerMetadata,
  jwtVcIssuerMetadata,
  authorizationServerMetadata,
  oid4vciEndpoints,
  OID4VCI_BASE,
  PRE_AUTHORIZED_GRANT,
} from './metadata.ts';
