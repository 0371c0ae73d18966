import type { JsonWebKey, KeyObject } from 'node:crypto';

export interface TokenSigningKey {
  kid: string;
  createdAt: string;
  /** When the key starts signing (published before); absent: at once. */
  notBefore?: string;
  privateKey: KeyObject;
  /** Public JWK with `kid`, `alg` and `use`, as published in the JWKS. */
  publicJwk: JsonWebKey & { kid: string; alg: 'ES256'; use: 'sig' };
  privateJwk: JsonWebKey & { kid: string; alg: 'ES256'; use: 'sig' };
}

export interface ServiceKeys {
  /** Ed25519 key that signs log checkpoints. */
  logSigning: { privateKey: KeyObject; seed: Uint8Array; publicKey: Uint8Array };
  /** ES256 keys for tokens and credentials: the active one first (the newest that may sign), then the older, then those not yet active. */
  tokenSigning: TokenSigningKey[];
  /** HMAC secret for uniqueness tags. */
  uniquenessSecret: Uint8Array;
  /** AES-256 key for the little the service itself must read (birthdate, issued attributes). */
  dataKey: Uint8Array;
  /** HMAC secret the log-subject key is derived from (src/registry log.ts). */
  pairwiseSecret: Uint8Array;
  /** 32 bytes the pseudonym VRF key is derived from (src/crypto vrf.ts): world subjects anyone can verify. */
  pseudonymSecret: Uint8Array;
  /** HMAC secret for session cookies and CSRF tokens. */
  cookieSecret: Uint8Array;
}
