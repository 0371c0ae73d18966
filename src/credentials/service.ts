/**
 * Composition of the credentials services from their ports (see `createCredentials`),
 * plus the two revocation entry points that need more than the ledger: account
 * lifecycle hooks and signed revocation requests from attribute issuers.
 */
import { createLocalJWKSet, decodeJwt, jwtVerify } from 'jose';
import { MvidError } from '../core/index.ts';
import type { JSONWebKeySet } from '../sdk/index.ts';
import type { Tx } from '../store/index.ts';
import { attestedClaims } from './attested.ts';
import { AttributeIssuers } from './attribute-issuers.ts';
import { Issuance } from './issuance.ts';
import { cNonceKey, issueCNonce } from './nonces.ts';
import { Oid4vci } from './oid4vci.ts';
import type { CredentialsDeps } from './ports.ts';
import { PresentationRequests } from './presentation-requests.ts';
import { Revocations } from './revocation.ts';
import { StatusLists } from './status-store.ts';
import { type CredentialsSweepReport, sweepCredentials } from './sweep.ts';

export const REVOCATION_REQUEST_TYP = 'mvid-revocation+jwt';
const MAX_REQUEST_AGE_SECONDS = 300;
const SOURCE_HASH = /^[A-Za-z0-9_-]{43}$/;

export interface Credentials {
  /** mvid's credential-signing public keys; one object for the process (the SDK caches per JWKS object). */
  jwks: JSONWebKeySet;
  statusLists: StatusLists;
  revocations: Revocations;
  attributeIssuers: AttributeIssuers;
  issuance: Issuance;
  oid4vci: Oid4vci;
  presentationRequests: PresentationRequests;
  /** A fresh `c_nonce` for key proofs and attribute presentations. */
  nonce(): { c_nonce: string; expiresAt: Date };
  /** Account closure hook: revokes everything issued to the person, in the closure's transaction. */
  personClosed(tx: Tx, event: { personId: string }): Promise<number>;
  /** Recovery hook: the old holder keys are gone, so is everything bound to them. */
  personRecovered(tx: Tx, event: { personId: string }): Promise<number>;
  /**
   * A revocation request signed by a registered attribute issuer: revokes mvid's
   * re-issues of the named source credentials (its own only).
   */
  revokeForIssuer(request: unknown): Promise<{ issuer: string; revoked: number }>;
  /** Deletes expired nonces, offers, tokens, requests and status lists nobody can need. */
  sweep(): Promise<CredentialsSweepReport>;
  /** The claims of the person's newest live re-issued attribute of `kind` (occupation, membership), if any. */
  attestedClaims(personId: string, kind: string): Promise<Record<string, unknown> | undefined>;
  /** The person revokes one of their own copies (by its hash). @returns whether a live copy was revoked */
  revokeOwn(personId: string, credentialHash: string): Promise<boolean>;
  /** The ledger of credentials issued to the person (no credential itself: mvid keeps only its hash), for their export. */
  issuedTo(personId: string): Promise<IssuedCredentialRecord[]>;
}

export interface IssuedCredentialRecord {
  kind: string;
  /** SHA-256 of the issued credential (base64url): what mvid keeps of it. */
  credentialHash: string;
  status: { list: string; index: number };
  attributeIssuerId: string | null;
  expiresAt: string;
  revokedAt: string | null;
  revokedReason: string | null;
}

/**
 * Builds the credentials services. Cheap (no I/O); one per process.
 * @example const credentials = createCredentials({ store, clock, random, keys, nonceSecret, subjects, worlds, options });
 */
export function createCredentials(deps: CredentialsDeps): Credentials {
  const { store, clock, random, options } = deps;
  const nonceKey = cNonceKey(deps.nonceSecret);
  const statusLists = new StatusLists({
    store,
    clock,
    random,
    keys: deps.keys,
    publicUrl: options.publicUrl,
    ttlSeconds: options.statusTtlSeconds ?? 900,
  });
  const revocations = new Revocations(store, clock, statusLists);
  const attributeIssuers = new AttributeIssuers(store, clock, random, options.publicUrl);
  const issuance = new Issuance(deps, statusLists, revocations, attributeIssuers, nonceKey);
  const jwks: JSONWebKeySet = { keys: deps.keys.publicJwks() };
  return {
    jwks,
    statusLists,
    revocations,
    attributeIssuers,
    issuance,
    oid4vci: new Oid4vci(deps, issuance),
    presentationRequests: new PresentationRequests(deps, statusLists, jwks),
    nonce: () => issueCNonce(nonceKey, clock.now(), random),
    personClosed: (tx, { personId }) => revocations.revokeIn(tx, { personId }, 'closed'),
    personRecovered: (tx, { personId }) => revocations.revokeIn(tx, { personId }, 'recovered'),
    sweep: () => sweepCredentials(store, clock),
    attestedClaims: (personId, kind) => attestedClaims(store, deps.dataKey, personId, kind, clock.now()),
    async issuedTo(personId) {
      const rows = await store.db
        .selectFrom('credentials_issued')
        .selectAll()
        .where('person_id', '=', personId)
        .orderBy('expires_at')
        .execute();
      return rows.map((r) => ({
        kind: r.kind,
        credentialHash: r.credential_hash,
        status: { list: r.list_id, index: Number(r.idx) },
        attributeIssuerId: r.attribute_issuer_id,
        expiresAt: r.expires_at,
        revokedAt: r.revoked_at,
        revokedReason: r.revoked_reason,
      }));
    },
    revokeOwn: async (personId, credentialHash) =>
      (await revocations.revoke({ personId, credentialHashes: [credentialHash] }, 'holder')) > 0,
    async revokeForIssuer(request) {
      const { issuer, sourceHashes } = await verifyRevocationRequest(request, attributeIssuers, options.publicUrl, clock.now());
      const revoked = await revocations.revoke({ sourceHashes, attributeIssuerId: issuer.id }, 'issuer_request');
      return { issuer: issuer.name, revoked };
    },
  };
}

function unauthenticated(message: string): MvidError {
  return new MvidError('unauthenticated', message);
}

/**
 * `{ iss, aud: <mvid>, iat, source_hashes: [...] }`, typ `mvid-revocation+jwt`, signed by
 * a key the issuer registered. Replaying one is harmless (revocation is idempotent), so
 * freshness is all that is asked beyond the signature.
 */
async function verifyRevocationRequest(request: unknown, issuers: AttributeIssuers, audience: string, now: Date) {
  if (typeof request !== 'string' || request.length > 64 * 1024) throw unauthenticated('the revocation request is not a compact JWT');
  let iss: unknown;
  try {
    iss = decodeJwt(request).iss;
  } catch {
    throw unauthenticated('the revocation request is not a compact JWT');
  }
  const issuer = typeof iss === 'string' ? await issuers.byIss(iss) : undefined;
  if (!issuer) throw new MvidError('attribute_issuer_unregistered', 'the revocation request is not from a registered attribute issuer');
  let payload: Record<string, unknown>;
  try {
    ({ payload } = await jwtVerify(request, createLocalJWKSet(issuer.jwks as never), {
      algorithms: ['ES256', 'EdDSA'],
      typ: REVOCATION_REQUEST_TYP,
      issuer: issuer.iss,
      audience,
      currentDate: now,
      clockTolerance: 60,
      maxTokenAge: MAX_REQUEST_AGE_SECONDS,
    }));
  } catch {
    throw unauthenticated(
      `the revocation request is not a fresh ${REVOCATION_REQUEST_TYP} for ${audience} signed by the issuer's registered keys`,
    );
  }
  const hashes = payload.source_hashes;
  if (
    !Array.isArray(hashes) ||
    hashes.length === 0 ||
    hashes.length > 1000 ||
    !hashes.every((h) => typeof h === 'string' && SOURCE_HASH.test(h))
  ) {
    throw new MvidError('validation_failed', 'source_hashes must list 1-1000 base64url SHA-256 hashes', {
      extensions: { field: 'source_hashes' },
    });
  }
  return { issuer, sourceHashes: hashes as string[] };
}
