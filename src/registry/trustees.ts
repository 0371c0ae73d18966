/**
 * The escrow trustee set: a dealer ceremony (src/crypto's Feldman dealer), one
 * passphrase-encrypted share file per trustee, and the public set stored as the
 * active one and recorded in the log. Dealing and publishing are two steps so the
 * caller can put every share file safely on disk before the set goes live: a set
 * whose shares were lost must never seal anyone's identity.
 */
import type { Selectable } from 'kysely';
import { type Clock, ConflictError, MvidError, type Random, ValidationError } from '../core/index.ts';
import {
  dealEscrowKey,
  decryptShareFile,
  encryptShareFile,
  parseTrusteeSet,
  type ScryptParams,
  type ShareFile,
  type TrusteeSet,
  verifyShare,
} from '../crypto/index.ts';
import type { Database, Store, Tx } from '../store/index.ts';
import { type TrusteeSetCeremony, trusteeSetEntry } from './log.ts';
import type { RegistryLog } from './types.ts';
import { parseStored } from './util.ts';

/** Trustee names end up in file names and environment variable names: keep them plain. */
export const TRUSTEE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export interface PublishedTrusteeSet extends TrusteeSet {
  status: 'active' | 'retired';
  createdAt: string;
  retiredAt: string | null;
  /** The set whose key this one holds by resharing. */
  resharedFrom?: string;
  /** The set this one's key was reshared to: it opens this set's envelopes now. */
  resharedTo?: string;
}

export interface DealtTrusteeSet {
  trusteeSet: TrusteeSet;
  shareFiles: Array<{ trusteeId: string; file: ShareFile }>;
}

export interface CheckedShare {
  trusteeSetId: string;
  trusteeId: string;
  index: number;
  threshold: number;
  status: 'active' | 'retired';
}

function toPublished(row: Selectable<Database['registry_trustee_sets']>): PublishedTrusteeSet {
  return {
    ...parseStored<TrusteeSet>(row.document_json),
    status: row.status,
    createdAt: row.created_at,
    retiredAt: row.retired_at,
    ...(row.reshared_from === null ? {} : { resharedFrom: row.reshared_from }),
    ...(row.reshared_to === null ? {} : { resharedTo: row.reshared_to }),
  };
}

export class TrusteeSets {
  readonly #store: Store;
  readonly #clock: Clock;
  readonly #random: Random;
  readonly #log: RegistryLog;

  constructor(store: Store, clock: Clock, random: Random, log: RegistryLog) {
    this.#store = store;
    this.#clock = clock;
    this.#random = random;
    this.#log = log;
  }

  /** The set new envelopes are sealed to, if any. */
  async active(): Promise<PublishedTrusteeSet | undefined> {
    const row = await this.#store.db.selectFrom('registry_trustee_sets').selectAll().where('status', '=', 'active').executeTakeFirst();
    return row ? toPublished(row) : undefined;
  }

  async byId(id: string): Promise<PublishedTrusteeSet | undefined> {
    const row = await this.#store.db.selectFrom('registry_trustee_sets').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? toPublished(row) : undefined;
  }

  /** Every set ever published, newest first. */
  async list(): Promise<PublishedTrusteeSet[]> {
    const rows = await this.#store.db.selectFrom('registry_trustee_sets').selectAll().orderBy('created_at', 'desc').execute();
    return rows.map(toPublished);
  }

  /**
   * The ceremony's first half: deals a fresh escrow key to `trustees` (threshold M) and
   * encrypts each share under that trustee's passphrase. The dealer polynomial lives
   * only inside src/crypto's dealer; share secrets are wiped once encrypted.
   */
  async deal(input: {
    threshold: number;
    trustees: string[];
    passphrases: ReadonlyMap<string, string>;
    scrypt?: ScryptParams;
  }): Promise<DealtTrusteeSet> {
    for (const name of input.trustees) {
      if (!TRUSTEE_NAME.test(name)) throw new ValidationError(`trustee name ${JSON.stringify(name)} must match ${TRUSTEE_NAME}`, 'trustee');
      if (!input.passphrases.has(name)) throw new ValidationError(`no passphrase for trustee ${name}`, 'passphrase');
    }
    const { trusteeSet, shares } = dealEscrowKey({ threshold: input.threshold, trustees: input.trustees }, this.#random);
    try {
      const shareFiles: DealtTrusteeSet['shareFiles'] = [];
      for (const share of shares) {
        const passphrase = input.passphrases.get(share.trusteeId) as string;
        const options = input.scrypt === undefined ? { random: this.#random } : { random: this.#random, scrypt: input.scrypt };
        shareFiles.push({ trusteeId: share.trusteeId, file: await encryptShareFile(share, passphrase, options) });
      }
      return { trusteeSet, shareFiles };
    } finally {
      for (const share of shares) share.secret.fill(0);
    }
  }

  /**
   * The ceremony's second half: stores the set as the active one (retiring the previous
   * one only with `replace`) and queues its log entry in the same transaction.
   * @throws MvidError trustee_set_exists | trustee_set_invalid
   */
  async publish(
    trusteeSet: TrusteeSet,
    options: {
      replace?: boolean;
      ceremony?: TrusteeSetCeremony;
      /** Runs first in the transaction (e.g. marks the ceremony complete). */
      within?: (tx: Tx) => Promise<void>;
      /** Runs last in the transaction, once the set is stored and logged (e.g. stores its reshared epoch keys). */
      after?: (tx: Tx, set: TrusteeSet) => Promise<void>;
    } = {},
  ): Promise<PublishedTrusteeSet> {
    const set = parseTrusteeSet(trusteeSet);
    let now = '';
    const ceremony: TrusteeSetCeremony = options.ceremony ?? { kind: 'dealer' };
    const from = ceremony.kind === 'reshare' ? ceremony.from : null;
    let status = 'active' as PublishedTrusteeSet['status'];
    await this.#store.transaction(async (tx) => {
      await this.#store.lock(tx, 'registry:trustee-set');
      await options.within?.(tx);
      // One instant, taken under the lock, for the row and its log entry: the entry is rebuilt
      // from the row when a release is shown, and must be the logged one byte for byte.
      const at = this.#clock.now();
      now = at.toISOString();
      const current = await tx.selectFrom('registry_trustee_sets').select('id').where('status', '=', 'active').executeTakeFirst();
      // A reshare takes over its set's place: active if that set was, else retired (it seals nothing new, it opens old envelopes).
      const takesOffice = from === null || current?.id === from;
      if (current && takesOffice && options.replace !== true && from === null) {
        throw new MvidError('trustee_set_exists', `trustee set ${current.id} is active; pass --replace to retire it`);
      }
      status = takesOffice ? 'active' : 'retired';
      if (current && takesOffice)
        await tx.updateTable('registry_trustee_sets').set({ status: 'retired', retired_at: now }).where('id', '=', current.id).execute();
      if (from !== null) {
        const moved = await tx
          .updateTable('registry_trustee_sets')
          .set({ reshared_to: set.id })
          .where('id', '=', from)
          .where('reshared_to', 'is', null)
          .executeTakeFirst();
        if (Number(moved.numUpdatedRows) !== 1) throw new ConflictError(`the key of trustee set ${from} was already reshared`);
      }
      await tx
        .insertInto('registry_trustee_sets')
        .values({
          id: set.id,
          threshold: set.threshold,
          trustee_count: set.trustees.length,
          document_json: JSON.stringify(set),
          status,
          created_at: now,
          retired_at: status === 'retired' ? now : null,
          ceremony_json: JSON.stringify(ceremony),
          reshared_from: from,
          reshared_to: null,
        })
        .execute();
      if (from !== null) {
        // The re-sealed record: every envelope of that key now names the set that can open it (their sealed
        // header, and so their associated data and log entry, keep the set they were sealed to).
        await tx.updateTable('registry_envelopes').set({ trustee_set_id: set.id }).where('trustee_set_id', '=', from).execute();
      }
      await this.#log.enqueue(tx, [trusteeSetEntry(set, at, takesOffice ? current?.id : undefined, ceremony)]);
      await options.after?.(tx, set);
    });
    return { ...set, status, createdAt: now, retiredAt: status === 'retired' ? now : null };
  }

  /**
   * The set that holds `id`'s escrow key today: `id` itself, or the set its key was
   * reshared to (followed to the end). Envelopes sealed to `id` open with that set.
   */
  async holderOf(id: string): Promise<PublishedTrusteeSet | undefined> {
    let set = await this.byId(id);
    for (let hops = 0; set?.resharedTo && hops < 64; hops++) set = await this.byId(set.resharedTo);
    return set;
  }

  /** `id` and every set whose key it holds by resharing, newest first. */
  async lineage(id: string): Promise<PublishedTrusteeSet[]> {
    const out: PublishedTrusteeSet[] = [];
    let set = await this.byId(id);
    while (set !== undefined && out.length < 64) {
      out.push(set);
      set = set.resharedFrom ? await this.byId(set.resharedFrom) : undefined;
    }
    return out;
  }

  /**
   * `mvid trustee check-share`: opens a share file with its passphrase and checks the
   * share against the commitments *published here* (not those in the file).
   * @throws MvidError share_file_invalid | share_passphrase_invalid | share_invalid
   */
  async checkShare(file: unknown, passphrase: string): Promise<CheckedShare> {
    const setId = (file as { trusteeSetId?: unknown } | null)?.trusteeSetId;
    const set = typeof setId === 'string' ? await this.byId(setId) : undefined;
    if (!set) {
      // Still open the file first, so a wrong passphrase or a damaged file is reported as such.
      (await decryptShareFile(file, passphrase)).secret.fill(0);
      throw new MvidError('share_invalid', `trustee set ${String(setId)} was never published here`);
    }
    if (set.resharedTo !== undefined) {
      (await decryptShareFile(file, passphrase)).secret.fill(0);
      throw new MvidError(
        'share_invalid',
        `the key of trustee set ${set.id} was reshared to ${set.resharedTo}: this share is void, destroy it`,
      );
    }
    return checkShareAgainst(set, file, passphrase);
  }
}

/**
 * Offline share check against a trustee set a trustee already holds (e.g. saved from
 * GET /registry/v1/trustee-set): no database needed.
 * @throws MvidError share_file_invalid | share_passphrase_invalid | share_invalid | trustee_set_invalid
 */
export async function checkShareAgainst(
  published: TrusteeSet & { status?: 'active' | 'retired' },
  file: unknown,
  passphrase: string,
): Promise<CheckedShare> {
  const set = parseTrusteeSet(published);
  const share = await decryptShareFile(file, passphrase);
  try {
    if (share.trusteeSetId !== set.id)
      throw new MvidError('share_invalid', `the share belongs to trustee set ${share.trusteeSetId}, not ${set.id}`);
    const member = set.trustees.find((t) => t.index === share.index);
    const ok = member?.id === share.trusteeId && member.verificationKey === share.verificationKey && verifyShare(share, set.commitments);
    if (!ok) throw new MvidError('share_invalid', `the share of ${share.trusteeId} does not match the published commitments of ${set.id}`);
    return {
      trusteeSetId: set.id,
      trusteeId: share.trusteeId,
      index: share.index,
      threshold: set.threshold,
      status: published.status ?? 'active',
    };
  } finally {
    share.secret.fill(0);
  }
}
