/**
 * The log's identity, fixed at creation: its origin (the checkpoint and note key name) and
 * its Ed25519 public key are recorded once in `service_meta`, under a lock, by the first
 * node; every later start compares. A log whose checkpoints predate the record takes the
 * origin of its latest checkpoint. A different origin is refused, never adopted: monitors
 * and witnesses pinned to the old name would otherwise see the log switch mid-tree.
 */
import { type Clock, MvidError, toBase64Url } from '../core/index.ts';
import type { Store } from '../store/index.ts';

const ORIGIN_KEY = 'tlog.origin';
const PUBLIC_KEY_KEY = 'tlog.public_key';

export interface LogIdentity {
  origin: string;
  publicKey: Uint8Array;
}

/**
 * Records the log's identity on first use, or checks it. Throws `log_origin_changed`
 * (naming both origins) or `keys_mismatch` (another log key); changes nothing then.
 */
export async function fixLogIdentity(store: Store, identity: LogIdentity, clock: Clock): Promise<'recorded' | 'unchanged'> {
  const publicKey = toBase64Url(identity.publicKey);
  return store.transaction(async (tx) => {
    await store.lock(tx, 'mvid:tlog-identity');
    const rows = await tx.selectFrom('service_meta').select(['key', 'value']).where('key', 'in', [ORIGIN_KEY, PUBLIC_KEY_KEY]).execute();
    const recorded = new Map(rows.map((r) => [r.key, r.value]));
    let origin = recorded.get(ORIGIN_KEY);
    if (origin === undefined) {
      const latest = await tx.selectFrom('tlog_checkpoints').select('note').orderBy('size', 'desc').limit(1).executeTakeFirst();
      origin = latest?.note.split('\n', 1)[0];
    }
    if (origin !== undefined && origin !== identity.origin) {
      throw new MvidError(
        'log_origin_changed',
        `the transparency log was created with origin ${JSON.stringify(origin)} and MVID_PUBLIC_URL now gives ${JSON.stringify(identity.origin)}: a log's origin never changes (monitors and witnesses pin it). Set MVID_PUBLIC_URL back to the URL the log was created with (a reverse proxy may serve it under another name too); nothing was changed`,
      );
    }
    const key = recorded.get(PUBLIC_KEY_KEY);
    if (key !== undefined && key !== publicKey) {
      throw new MvidError(
        'keys_mismatch',
        `the transparency log was created with another signing key (${key}) than this node's (${publicKey})`,
      );
    }
    if (recorded.size === 2) return 'unchanged';
    const now = clock.now().toISOString();
    const missing = [
      [ORIGIN_KEY, identity.origin],
      [PUBLIC_KEY_KEY, publicKey],
    ].filter(([name]) => !recorded.has(name as string));
    await tx
      .insertInto('service_meta')
      .values(missing.map(([name, value]) => ({ key: name as string, value: value as string, updated_at: now })))
      .execute();
    return 'recorded';
  });
}
