/**
 * Retention for credentials: answered nonces, offers, access tokens and presentation
 * requests are kept until they expire, then deleted; a full status list is deleted with
 * its ledger rows once every credential pointing at it has expired (plus a day, for
 * verifiers still holding the list), since nobody can need its bits any more.
 */
import type { Clock } from '../core/index.ts';
import type { Store } from '../store/index.ts';

export interface CredentialsSweepReport {
  nonces: number;
  offers: number;
  accessTokens: number;
  presentationRequests: number;
  statusLists: number;
}

const LIST_GRACE_MS = 86_400_000;

/** @example const report = await sweepCredentials(store, clock) */
export async function sweepCredentials(store: Store, clock: Clock): Promise<CredentialsSweepReport> {
  const now = clock.now();
  const at = now.toISOString();
  const count = (r: { numDeletedRows: bigint }) => Number(r.numDeletedRows);
  const db = store.db;
  const report: CredentialsSweepReport = {
    nonces: count(await db.deleteFrom('credentials_used_nonces').where('expires_at', '<=', at).executeTakeFirst()),
    offers: count(await db.deleteFrom('credentials_offers').where('expires_at', '<=', at).executeTakeFirst()),
    accessTokens: count(await db.deleteFrom('credentials_access_tokens').where('expires_at', '<=', at).executeTakeFirst()),
    presentationRequests: count(await db.deleteFrom('credentials_presentation_requests').where('expires_at', '<=', at).executeTakeFirst()),
    statusLists: 0,
  };
  const cutoff = new Date(now.getTime() - LIST_GRACE_MS).toISOString();
  const retired = await db
    .selectFrom('credentials_status_lists as l')
    .select('l.id')
    .where('l.state', '=', 'full')
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(selectFrom('credentials_issued as i').select('i.idx').whereRef('i.list_id', '=', 'l.id').where('i.expires_at', '>', cutoff)),
      ),
    )
    .execute();
  for (const { id } of retired) {
    await store.transaction(async (tx) => {
      await store.lock(tx, `credentials:status-list:${id}`);
      await tx.deleteFrom('credentials_issued').where('list_id', '=', id).execute();
      await tx.deleteFrom('credentials_status_lists').where('id', '=', id).where('state', '=', 'full').execute();
    });
    report.statusLists++;
  }
  return report;
}
