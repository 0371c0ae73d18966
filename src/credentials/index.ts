/**
 * Credentials: the types mvid issues, issuance of unlinkable SD-JWT VC batches,
 * and the status lists that revoke them. Storage- and transport-independent;
 * OpenID4VCI and HTTP wiring build on this surface.
 */
export {
  CREDENTIAL_KINDS,
  AGE_THRESHOLDS,
  isCredentialKind,
  claimNames,
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
} from './types.ts';
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
