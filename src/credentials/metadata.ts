/**
 * The documents mvid publishes as a credential issuer: SD-JWT VC issuer metadata
 * (`/.well-known/jwt-vc-issuer`, where verifiers find its keys), OpenID4VCI credential
 * issuer metadata, and the metadata of the small authorization server that runs the
 * pre-authorized code flow. Its identifier has a path of its own so that it never
 * collides with the OpenID Provider the worlds sign in with at the root.
 */
import type { JsonWebKey } from '../sdk/index.ts';
import { MAX_PROOFS } from './proofs.ts';
import { CREDENTIAL_KINDS, type CredentialKind, kindDisplay, typeMetadata, vctFor } from './types.ts';

export const PRE_AUTHORIZED_GRANT = 'urn:ietf:params:oauth:grant-type:pre-authorized_code';
export const OID4VCI_BASE = '/credentials/oid4vci';

export interface Oid4vciEndpoints {
  authorizationServer: string;
  token: string;
  nonce: string;
  credential: string;
}

export function oid4vciEndpoints(publicUrl: string): Oid4vciEndpoints {
  const base = `${publicUrl}${OID4VCI_BASE}`;
  return { authorizationServer: base, token: `${base}/token`, nonce: `${base}/nonce`, credential: `${base}/credential` };
}

/** SD-JWT VC issuer metadata: `{ issuer, jwks }`. @example jwtVcIssuerMetadata(url, keys.publicJwks()) */
export function jwtVcIssuerMetadata(publicUrl: string, jwks: readonly JsonWebKey[]): Record<string, unknown> {
  return { issuer: publicUrl, jwks: { keys: [...jwks] } };
}

/** One `credential_configurations_supported` entry per kind, id = the kind, format `dc+sd-jwt`. */
function configuration(publicUrl: string, kind: CredentialKind): Record<string, unknown> {
  const display = kindDisplay(kind);
  const metadata = typeMetadata(publicUrl, kind);
  return {
    format: 'dc+sd-jwt',
    scope: `mvid_${kind}`,
    vct: vctFor(publicUrl, kind),
    cryptographic_binding_methods_supported: ['jwk'],
    credential_signing_alg_values_supported: ['ES256'],
    proof_types_supported: { jwt: { proof_signing_alg_values_supported: ['ES256', 'EdDSA'] } },
    credential_metadata: {
      display: [
        {
          name: `mvid ${display.name.toLowerCase()}`,
          locale: 'en',
          description: display.description,
          background_color: display.background,
          text_color: '#ffffff',
        },
      ],
      claims: metadata.claims,
    },
  };
}

/** OpenID4VCI 1.0 credential issuer metadata, served at `/.well-known/openid-credential-issuer`. */
export function credentialIssuerMetadata(publicUrl: string): Record<string, unknown> {
  const endpoints = oid4vciEndpoints(publicUrl);
  return {
    credential_issuer: publicUrl,
    authorization_servers: [endpoints.authorizationServer],
    credential_endpoint: endpoints.credential,
    nonce_endpoint: endpoints.nonce,
    // One proof per copy: a wallet asking for a batch gets copies with distinct keys.
    batch_credential_issuance: { batch_size: MAX_PROOFS },
    display: [{ name: 'mvid', locale: 'en' }],
    credential_configurations_supported: Object.fromEntries(CREDENTIAL_KINDS.map((kind) => [kind, configuration(publicUrl, kind)])),
  };
}

/** RFC 8414 metadata of the pre-authorized-code authorization server (anonymous access: wallets have no client id). */
export function authorizationServerMetadata(publicUrl: string): Record<string, unknown> {
  const endpoints = oid4vciEndpoints(publicUrl);
  return {
    issuer: endpoints.authorizationServer,
    token_endpoint: endpoints.token,
    grant_types_supported: [PRE_AUTHORIZED_GRANT],
    'pre-authorized_grant_anonymous_access_supported': true,
    token_endpoint_auth_methods_supported: ['none'],
    response_types_supported: [],
  };
}
