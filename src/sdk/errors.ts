import { MvidError } from '../core/index.ts';
import type { ErrorCode } from '../core/index.ts';

/**
 * Why a presentation was refused. The list is closed and every code is also an
 * `MvidError` code, so a world can switch on it and mvid's HTTP layer can map it
 * to a problem document without a translation table.
 */
export const PRESENTATION_ERROR_CODES = [
  'presentation_malformed',
  'alg_not_allowed',
  'issuer_untrusted',
  'signature_invalid',
  'disclosure_invalid',
  'kb_missing',
  'kb_invalid',
  'kb_audience_mismatch',
  'kb_nonce_mismatch',
  'kb_stale',
  'sd_hash_mismatch',
  'presentation_replayed',
  'credential_expired',
  'credential_not_yet_valid',
  'credential_revoked',
  'status_unavailable',
  'claims_missing',
  'schema_violation',
  'vct_not_allowed',
] as const satisfies readonly ErrorCode[];

export type PresentationErrorCode = (typeof PRESENTATION_ERROR_CODES)[number];

/**
 * A presented credential was refused. `code` says which check failed; the
 * message is for logs and is safe to show (it never echoes claim values).
 *
 * @example
 * try { await verifyPresentation(p, opts) }
 * catch (e) { if (e instanceof PresentationError && e.code === 'kb_stale') askAgain() }
 */
export class PresentationError extends MvidError {
  declare readonly code: PresentationErrorCode;
  constructor(code: PresentationErrorCode, message: string, cause?: unknown) {
    super(code, message, cause === undefined ? {} : { cause });
    this.name = 'PresentationError';
  }
}

/**
 * Whether `value` is a refused presentation (optionally: with this code).
 * @example if (isPresentationError(e, 'kb_nonce_mismatch')) issueNewNonce();
 */
export function isPresentationError(value: unknown, code?: PresentationErrorCode): value is PresentationError {
  return value instanceof PresentationError && (code === undefined || value.code === code);
}
