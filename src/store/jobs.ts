/**
 * Claims of background-job runs, so that a job due every interval runs once across all
 * nodes sharing the database. A node claims a run under the job's advisory lock when the
 * job is due, which makes it due again one interval later whatever happens to that node:
 * a node that dies mid-run delays the job by at most one interval, and the next claimant
 * (any node) does the remaining work (jobs are idempotent batches). Each claim bumps the
 * job's fence; a finish is recorded only under the fence it was claimed with.
 */
import type { Store } from './store.ts';

export interface JobClaim {
  name: string;
  fence: number;
}

/** Claims the run of `name` due at `now`, or `undefined` when another node ran it less than `everyMs` ago. */
export async function claimJob(
  store: Store,
  name: string,
  options: { everyMs: number; holder: string; now: Date },
): Promise<JobClaim | undefined> {
  const at = options.now.toISOString();
  const next = new Date(options.now.getTime() + options.everyMs).toISOString();
  return store.transaction(async (tx) => {
    await store.lock(tx, `job:${name}`);
    const row = await tx.selectFrom('job_runs').select(['fence', 'next_run_at']).where('name', '=', name).executeTakeFirst();
    if (row && row.next_run_at > at) return undefined;
    const fence = (row ? Number(row.fence) : 0) + 1;
    const values = { fence, holder: options.holder, claimed_at: at, next_run_at: next, finished_at: null };
    if (row) await tx.updateTable('job_runs').set(values).where('name', '=', name).execute();
    else
      await tx
        .insertInto('job_runs')
        .values({ name, ...values })
        .execute();
    return { name, fence };
  });
}

/** Records that the claimed run finished; `false` when a later claim has fenced it off. */
export async function finishJob(store: Store, claim: JobClaim, now: Date): Promise<boolean> {
  const result = await store.db
    .updateTable('job_runs')
    .set({ finished_at: now.toISOString() })
    .where('name', '=', claim.name)
    .where('fence', '=', claim.fence)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}
