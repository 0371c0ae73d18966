/**
 * What registered attribute issuers attested about a person (occupation, membership),
 * as mvid re-issued it: sealed at rest with each copy's ledger row, and read back —
 * newest live copy first — when a world the person consented to asks for the claim.
 * A revoked or expired copy attests nothing any more.
 */
import { fromBase64Url, type Random, toBase64Url } from '../core/index.ts';
import { openAtRest, sealAtRest } from '../crypto/index.ts';
import type { Store } from '../store/index.ts';

const context = (personId: string, kind: string) => ['mvid attested claims v1', personId, kind];

export function sealAttested(key: Uint8Array, personId: string, kind: string, claims: Record<string, unknown>, random: Random): string {
  return toBase64Url(sealAtRest(key, context(personId, kind), claims, random));
}

/** The claims of the person's newest live re-issued `kind`, or undefined. */
export async function attestedClaims(
  store: Store,
  key: Uint8Array | undefined,
  personId: string,
  kind: string,
  now: Date,
): Promise<Record<string, unknown> | undefined> {
  if (!key) return undefined;
  const row = await store.db
    .selectFrom('credentials_issued')
    .select('attested_sealed')
    .where('person_id', '=', personId)
    .where('kind', '=', kind)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', now.toISOString())
    .where('attested_sealed', 'is not', null)
    .orderBy('expires_at', 'desc')
    .limit(1)
    .executeTakeFirst();
  if (!row?.attested_sealed) return undefined;
  return openAtRest(key, context(personId, kind), fromBase64Url(row.attested_sealed), `${kind} claims`) as Record<string, unknown>;
}
