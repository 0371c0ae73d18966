/**
 * An attribute credential presented to mvid for re-issue: the registered issuer's own
 * SD-JWT VC, disclosed in full and key-bound to mvid (aud = mvid's public URL, nonce =
 * a c_nonce). It is checked with the same verifier worlds use, against the keys and
 * types the issuer registered, and must be bound to one of the person's holder keys —
 * otherwise anyone could re-issue someone else's occupation as their own.
 */
import { MvidError } from '../core/index.ts';
import { isPresentationError, verifyPresentation } from '../sdk/index.ts';
import type { StatusListSource } from '../sdk/index.ts';
import type { AttributeIssuer, AttributeIssuers } from './attribute-issuers.ts';
import { ATTRIBUTE_KINDS } from './attribute-issuers.ts';
import { checkCNonce } from './nonces.ts';
import { jwkThumbprint } from './proofs.ts';
import { type CredentialKind, claimNames, credentialSchema, requiredClaimNames, vctFor } from './types.ts';
import type { JsonWebKey } from '../sdk/index.ts';
import { issuerJwtOf, sha256B64u } from './util.ts';

export interface VerifiedSource {
  issuer: AttributeIssuer;
  /** The kind's claims as the issuer attested them (nothing else is carried over). */
  claims: Record<string, unknown>;
  /** The source's own expiry: a re-issue never outlives what it re-states. */
  expiresAt: Date | undefined;
  /** base64url SHA-256 of the issuer-signed JWT: how the issuer names it when asking for revocation. */
  sourceHash: string;
  nonce: string;
  nonceExpires: Date;
}

export interface VerifySourceContext {
  kind: CredentialKind;
  publicUrl: string;
  now: Date;
  nonceKey: Uint8Array;
  issuers: AttributeIssuers;
  /** The person's active holder keys. */
  holderKeys: readonly JsonWebKey[];
  statusLists: StatusListSource | undefined;
}

/** The nonce a presentation's KB-JWT answers, read before verification picks the expected nonce. */
function kbNonce(presentation: string): unknown {
  const kb = presentation.slice(presentation.lastIndexOf('~') + 1);
  const payload = kb.split('.')[1];
  if (payload === undefined) return undefined;
  try {
    return (JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { nonce?: unknown }).nonce;
  } catch {
    return undefined;
  }
}

/**
 * @throws MvidError attribute_issuer_unregistered | source_holder_mismatch | proof_nonce_invalid,
 *   or the verifier's refusal code (signature_invalid, credential_expired, credential_revoked, …)
 */
export async function verifyAttributeSource(presentation: unknown, ctx: VerifySourceContext): Promise<VerifiedSource> {
  if (!ATTRIBUTE_KINDS.includes(ctx.kind)) throw new TypeError(`${ctx.kind} is not an attribute kind`);
  if (typeof presentation !== 'string' || !presentation.includes('~')) {
    throw new MvidError('presentation_malformed', 'source must be an SD-JWT VC presentation with a key-binding JWT');
  }
  const nonce = kbNonce(presentation);
  const nonceExpires = checkCNonce(ctx.nonceKey, nonce, ctx.now);
  const vct = vctFor(ctx.publicUrl, ctx.kind);
  const registered = await ctx.issuers.forVct(vct);
  let verified: Awaited<ReturnType<typeof verifyPresentation>>;
  try {
    verified = await verifyPresentation(presentation, {
      audience: ctx.publicUrl,
      nonce: nonce as string,
      trustedIssuers: registered.map((i) => ({ iss: i.iss, jwks: i.jwks })),
      allowedVcts: [vct],
      requiredClaims: requiredClaimNames(ctx.kind),
      typeSchemas: { [vct]: credentialSchema(ctx.publicUrl, ctx.kind) },
      now: ctx.now,
      ...(ctx.statusLists === undefined ? {} : { statusLists: ctx.statusLists }),
    });
  } catch (error) {
    if (isPresentationError(error, 'issuer_untrusted')) {
      throw new MvidError('attribute_issuer_unregistered', `the credential's issuer is not registered to attest ${ctx.kind}`);
    }
    throw error;
  }
  const issuer = registered.find((i) => i.iss === verified.iss) as AttributeIssuer;
  const bound = jwkThumbprint(verified.cnf.jwk);
  if (!ctx.holderKeys.some((k) => jwkThumbprint(k) === bound)) {
    throw new MvidError('source_holder_mismatch', 'the attribute credential is bound to a key that is not one of your holder keys');
  }
  const claims: Record<string, unknown> = {};
  for (const name of claimNames(ctx.kind)) if (Object.hasOwn(verified.claims, name)) claims[name] = verified.claims[name];
  return {
    issuer,
    claims,
    expiresAt: verified.expiresAt,
    sourceHash: sha256B64u(issuerJwtOf(presentation)),
    nonce: nonce as string,
    nonceExpires,
  };
}
