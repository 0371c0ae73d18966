/**
 * Retention epochs (crypto-shredding, issue 17). Every escrow envelope has an expiry
 * fixed when it is sealed (sealing time + `escrowLifetimeDays`); the calendar epoch
 * holding that expiry (`escrowEpochMonths` long, aligned to 1 January UTC) picks the
 * escrow key it is sealed to. Each epoch key is a threshold key of the trustee set,
 * made without a dealer by the same key ceremony as the set itself (a batch of epochs
 * per ceremony run, see dkg.ts), and logged (`escrow_epoch`). When an epoch has ended,
 * each trustee's client destroys its share and signs a destruction statement
 * (src/crypto epoch.ts) that is logged here (`escrow_epoch_destroyed`). Once more than
 * N − M shares are destroyed no quorum exists anywhere: every copy of every envelope of
 * that epoch — database, backup, free page — is unreadable for good.
 */
import type { Selectable } from 'kysely';
import { type Clock, MvidError, type Random, ValidationError } from '../core/index.ts';
import {
  dealEscrowKey,
  decryptShareFile,
  type EpochDestruction,
  encryptShareFile,
  epochDestructionHash,
  isEpochKeyOf,
  parseTrusteeSet,
  type ScryptParams,
  type ShareFile,
  type TrusteeSet,
  type TrusteeShare,
  verifyEpochDestruction,
} from '../crypto/index.ts';
import { encodeEntry, entryTime } from '../tlog/index.ts';
import type { Database, Store, Tx } from '../store/index.ts';
import type { TrusteeSetCeremony } from './log.ts';
import { type CheckedShare, type TrusteeSets, checkShareAgainst } from './trustees.ts';
import type { RegistryLog } from './types.ts';
import { addDays, parseStored } from './util.ts';

export const DEFAULT_ESCROW_LIFETIME_DAYS = 730;
export const EPOCH_MONTHS = [1, 2, 3, 4, 6, 12] as const;
const EPOCH_LABEL = /^(\d{4})-(\d{2})$/;

/** A retention epoch: the envelopes whose expiry falls in [startsAt, endsAt). */
export interface EpochWindow {
  /** "YYYY-MM" of its first month. */
  epoch: string;
  startsAt: string;
  endsAt: string;
}

export interface EscrowEpochView extends EpochWindow {
  trusteeSetId: string;
  /** The epoch key: a `TrusteeSet` of the same trustees and threshold, with its own key and verification keys. */
  key: TrusteeSet;
  ceremony: TrusteeSetCeremony;
  createdAt: string;
  /** The trustees' signed destruction statements, by index. */
  destructions: EpochDestruction[];
  /** When fewer than M shares were left undestroyed (null while a quorum may exist). */
  destroyedAt: string | null;
  /** The old set's epoch key this one holds by resharing (the same escrow public key). */
  resharedFrom?: string;
  /** The new set's epoch key this one was reshared to: it opens this key's envelopes now, and this key's shares are void. */
  resharedTo?: string;
}

function checkMonths(months: number): void {
  if (!(EPOCH_MONTHS as readonly number[]).includes(months))
    throw new ValidationError(`epoch length must be one of ${EPOCH_MONTHS.join(', ')} months`, 'months');
}

/** The epoch of `months` months holding `at`. */
export function epochOf(at: Date, months: number): EpochWindow {
  checkMonths(months);
  const year = at.getUTCFullYear();
  const first = Math.floor(at.getUTCMonth() / months) * months;
  return windowFrom(year, first, months);
}

function windowFrom(year: number, month0: number, months: number): EpochWindow {
  const start = new Date(Date.UTC(year, month0, 1));
  const end = new Date(Date.UTC(year, month0 + months, 1));
  return { epoch: `${year}-${String(month0 + 1).padStart(2, '0')}`, startsAt: start.toISOString(), endsAt: end.toISOString() };
}

/** The epoch a label names ("YYYY-MM", the first month of an epoch of `months` months). */
export function epochNamed(label: string, months: number): EpochWindow {
  checkMonths(months);
  const m = EPOCH_LABEL.exec(label);
  const month0 = m ? Number(m[2]) - 1 : -1;
  if (!m || month0 < 0 || month0 > 11 || month0 % months !== 0)
    throw new ValidationError(`epoch ${JSON.stringify(label)} is not the first month (YYYY-MM) of a ${months}-month epoch`, 'epoch');
  return windowFrom(Number(m[1]), month0, months);
}

/** `count` consecutive epochs from the one holding `from`. */
export function epochsFrom(from: Date, months: number, count: number): EpochWindow[] {
  const first = epochOf(from, months);
  const out: EpochWindow[] = [];
  let at = new Date(first.startsAt);
  for (let i = 0; i < count; i++) {
    const w = epochOf(at, months);
    out.push(w);
    at = new Date(w.endsAt);
  }
  return out;
}

/** How an epoch key was made: dealt (development), by a dealerless ceremony, or reshared with its set (`from`: the old key). */
export type EpochCeremony = TrusteeSetCeremony;

/** The log entry of an epoch key taking office. */
export function escrowEpochEntry(
  trusteeSetId: string,
  window: EpochWindow,
  key: TrusteeSet,
  ceremony: EpochCeremony,
  at: Date,
): Uint8Array {
  return encodeEntry({
    type: 'escrow_epoch',
    time: entryTime(at),
    trusteeSet: trusteeSetId,
    escrowKey: key.id,
    publicKey: key.escrowPublicKey,
    startsAt: entryTime(new Date(window.startsAt)),
    endsAt: entryTime(new Date(window.endsAt)),
    threshold: key.threshold,
    trusteeCount: key.trustees.length,
    ceremony: ceremony.kind,
    ...(ceremony.kind === 'dkg' ? { transcript: ceremony.transcript } : {}),
    ...(ceremony.kind === 'reshare'
      ? { transcript: ceremony.transcript, disqualified: ceremony.disqualified, resharedFrom: ceremony.from }
      : {}),
  });
}

/** The log entry of one trustee's destruction statement. */
export function epochDestroyedEntry(trusteeSetId: string, statement: EpochDestruction, at: Date): Uint8Array {
  return encodeEntry({
    type: 'escrow_epoch_destroyed',
    time: entryTime(at),
    trusteeSet: trusteeSetId,
    escrowKey: statement.escrowKeyId,
    trustee: statement.verificationKey,
    statement: epochDestructionHash(statement),
  });
}

/**
 * An epoch key must be a key of the trustee set's own trustees (by id; a ceremony may
 * have disqualified some, and indices follow the ceremony's order) with the set's
 * threshold, so the trustees whose approvals the log counts are the ones who can open.
 * @throws MvidError trustee_set_invalid
 */
export function checkEpochKeyOf(set: TrusteeSet, key: TrusteeSet): void {
  if (!isEpochKeyOf(set, key))
    throw new MvidError('trustee_set_invalid', `epoch key ${key.id} is not a key of trustee set ${set.id}'s trustees and threshold`);
}

type EpochRow = Selectable<Database['registry_escrow_epochs']>;

export class EscrowEpochs {
  readonly #store: Store;
  readonly #clock: Clock;
  readonly #random: Random;
  readonly #log: RegistryLog;
  readonly #trusteeSets: TrusteeSets;
  readonly months: number;
  readonly lifetimeDays: number;

  constructor(deps: {
    store: Store;
    clock: Clock;
    random: Random;
    log: RegistryLog;
    trusteeSets: TrusteeSets;
    months?: number | undefined;
    lifetimeDays?: number | undefined;
  }) {
    this.#store = deps.store;
    this.#clock = deps.clock;
    this.#random = deps.random;
    this.#log = deps.log;
    this.#trusteeSets = deps.trusteeSets;
    this.months = deps.months ?? 1;
    this.lifetimeDays = deps.lifetimeDays ?? DEFAULT_ESCROW_LIFETIME_DAYS;
    checkMonths(this.months);
  }

  /** The expiry of an envelope sealed at `at`, and its epoch. */
  expiryOf(at: Date): { expiresAt: string; window: EpochWindow } {
    const expiresAt = addDays(at, this.lifetimeDays);
    return { expiresAt, window: epochOf(new Date(expiresAt), this.months) };
  }

  /** The epochs enrolments from `from` on need, `count` of them (what a key ceremony batch should cover). */
  upcoming(count: number, from: Date = this.#clock.now()): EpochWindow[] {
    return epochsFrom(new Date(this.expiryOf(from).expiresAt), this.months, count);
  }

  async #view(row: EpochRow): Promise<EscrowEpochView> {
    const rows = await this.#store.db
      .selectFrom('registry_epoch_destructions')
      .select('statement_json')
      .where('escrow_key_id', '=', row.id)
      .orderBy('trustee_index')
      .execute();
    return {
      epoch: row.epoch,
      startsAt: row.starts_at,
      endsAt: row.ends_at,
      trusteeSetId: row.trustee_set_id,
      key: parseStored<TrusteeSet>(row.document_json),
      ceremony: parseStored<TrusteeSetCeremony>(row.ceremony_json),
      createdAt: row.created_at,
      destructions: rows.map((r) => parseStored<EpochDestruction>(r.statement_json)),
      destroyedAt: row.destroyed_at,
      ...(row.reshared_from === null ? {} : { resharedFrom: row.reshared_from }),
      ...(row.reshared_to === null ? {} : { resharedTo: row.reshared_to }),
    };
  }

  /** The epoch keys of a set that still open envelopes with its trustees: neither destroyed nor reshared away. */
  async live(trusteeSetId: string): Promise<EscrowEpochView[]> {
    return (await this.list(trusteeSetId)).filter((e) => e.destroyedAt === null && e.resharedTo === undefined);
  }

  /** Every epoch key of a trustee set (default: the active one), oldest epoch first. */
  async list(trusteeSetId?: string): Promise<EscrowEpochView[]> {
    const setId = trusteeSetId ?? (await this.#trusteeSets.active())?.id;
    if (setId === undefined) return [];
    const rows = await this.#store.db
      .selectFrom('registry_escrow_epochs')
      .selectAll()
      .where('trustee_set_id', '=', setId)
      .orderBy('starts_at')
      .execute();
    return Promise.all(rows.map((r) => this.#view(r)));
  }

  async byId(keyId: string): Promise<EscrowEpochView | undefined> {
    const row = await this.#store.db.selectFrom('registry_escrow_epochs').selectAll().where('id', '=', keyId).executeTakeFirst();
    return row ? this.#view(row) : undefined;
  }

  /**
   * `mvid trustee check-share` for an epoch share: checked against its epoch key as published
   * here; a share of a key reshared to a new set is void. Undefined when `file` is no epoch share.
   * @throws MvidError share_file_invalid | share_passphrase_invalid | share_invalid
   */
  async checkShare(file: unknown, passphrase: string): Promise<CheckedShare | undefined> {
    const epoch = await this.byId(String((file as { trusteeSetId?: unknown } | null)?.trusteeSetId));
    if (!epoch) return undefined;
    if (epoch.resharedTo !== undefined) {
      (await decryptShareFile(file, passphrase)).secret.fill(0);
      throw new MvidError(
        'share_invalid',
        `epoch key ${epoch.key.id} was reshared to ${epoch.resharedTo} with its trustee set: this share is void, destroy it`,
      );
    }
    return checkShareAgainst(epoch.key, file, passphrase);
  }

  /** The epoch keys (as trustee sets) of these ids, for release. */
  async keys(ids: readonly string[]): Promise<TrusteeSet[]> {
    if (ids.length === 0) return [];
    const rows = await this.#store.db
      .selectFrom('registry_escrow_epochs')
      .select('document_json')
      .where('id', 'in', [...new Set(ids)])
      .execute();
    return rows.map((r) => parseStored<TrusteeSet>(r.document_json));
  }

  /**
   * For each epoch key id, the key that opens its envelopes for trustee set `trusteeSetId`:
   * along the key's reshares (E → E' → …), the one of that set, else the last (the key that
   * holds it today). A request addressed to an old set keeps the old set's key (its trustees'
   * partials were made with it); one addressed to the new set gets the new key.
   */
  async heldBy(ids: readonly string[], trusteeSetId: string): Promise<Map<string, TrusteeSet>> {
    const out = new Map<string, TrusteeSet>();
    for (const id of new Set(ids)) {
      let row = await this.#row(id);
      let chosen = row;
      for (let hops = 0; row && hops < 64; hops++) {
        chosen = row;
        if (row.trustee_set_id === trusteeSetId || row.reshared_to === null) break;
        row = await this.#row(row.reshared_to);
      }
      if (chosen) out.set(id, parseStored<TrusteeSet>(chosen.document_json));
    }
    return out;
  }

  async #row(id: string): Promise<EpochRow | undefined> {
    return this.#store.db.selectFrom('registry_escrow_epochs').selectAll().where('id', '=', id).executeTakeFirst();
  }

  /**
   * Within the transaction that publishes a reshared trustee set (`newSetId`, inserted
   * already): stores the reshared epoch key — same window and escrow public key as `from`,
   * the new set's trustees and threshold — marks `from` reshared to it, and queues its
   * `escrow_epoch` entry (`ceremony reshare`, `resharedFrom`).
   * @throws MvidError trustee_set_invalid | conflict (the key was reshared already)
   */
  async insertReshared(tx: Tx, newSet: TrusteeSet, from: EscrowEpochView, key: TrusteeSet, ceremony: EpochCeremony): Promise<void> {
    const parsed = parseTrusteeSet(key);
    checkEpochKeyOf(newSet, parsed);
    if (parsed.escrowPublicKey !== from.key.escrowPublicKey)
      throw new MvidError('trustee_set_invalid', `epoch key ${parsed.id} does not hold the escrow key of ${from.key.id}`);
    const now = this.#clock.now();
    const moved = await tx
      .updateTable('registry_escrow_epochs')
      .set({ reshared_to: parsed.id })
      .where('id', '=', from.key.id)
      .where('reshared_to', 'is', null)
      .where('destroyed_at', 'is', null)
      .executeTakeFirst();
    if (Number(moved.numUpdatedRows) !== 1) throw new MvidError('conflict', `epoch key ${from.key.id} was destroyed or reshared meanwhile`);
    await tx
      .insertInto('registry_escrow_epochs')
      .values({
        id: parsed.id,
        trustee_set_id: newSet.id,
        epoch: from.epoch,
        starts_at: from.startsAt,
        ends_at: from.endsAt,
        document_json: JSON.stringify(parsed),
        ceremony_json: JSON.stringify(ceremony),
        created_at: now.toISOString(),
        destroyed_at: null,
        reshared_from: from.key.id,
        reshared_to: null,
      })
      .execute();
    await this.#log.enqueue(tx, [escrowEpochEntry(newSet.id, from, parsed, ceremony, now)]);
  }

  /**
   * The key new envelopes of trustee set `trusteeSetId` sealed at `at` go to.
   * @throws MvidError escrow_epoch_unavailable
   */
  async forSealing(
    trusteeSetId: string,
    at: Date,
    reader: Tx | Store['db'] = this.#store.db,
  ): Promise<{ key: TrusteeSet; expiresAt: string; window: EpochWindow }> {
    const { expiresAt, window } = this.expiryOf(at);
    const row = await reader
      .selectFrom('registry_escrow_epochs')
      .select(['document_json', 'destroyed_at', 'reshared_to'])
      .where('trustee_set_id', '=', trusteeSetId)
      .where('starts_at', '<=', expiresAt)
      .where('ends_at', '>', expiresAt)
      .executeTakeFirst();
    if (!row || row.destroyed_at !== null || row.reshared_to !== null)
      throw new MvidError(
        'escrow_epoch_unavailable',
        `no escrow key of trustee set ${trusteeSetId} covers retention epoch ${window.epoch} (envelopes sealed now expire ${expiresAt}): open an epoch key ceremony (mvid trustees epochs-open)`,
        { extensions: { epoch: window.epoch, expiresAt } },
      );
    return { key: parseStored<TrusteeSet>(row.document_json), expiresAt, window };
  }

  /**
   * Stores an epoch key of the trustee set and queues its log entry, in one transaction.
   * @throws MvidError trustee_set_invalid | conflict (the epoch already has a key)
   */
  async publish(
    trusteeSetId: string,
    window: EpochWindow,
    key: TrusteeSet,
    ceremony: EpochCeremony,
    within?: (tx: Tx) => Promise<void>,
  ): Promise<EscrowEpochView> {
    const set = await this.#trusteeSets.byId(trusteeSetId);
    if (!set) throw new MvidError('not_found', `no trustee set ${trusteeSetId}`);
    const parsed = parseTrusteeSet(key);
    checkEpochKeyOf(set, parsed);
    const now = this.#clock.now();
    await this.#store.transaction(async (tx) => {
      await this.#store.lock(tx, `registry:epochs:${trusteeSetId}`);
      await within?.(tx);
      const taken = await tx
        .selectFrom('registry_escrow_epochs')
        .select('id')
        .where('trustee_set_id', '=', trusteeSetId)
        .where('starts_at', '<', window.endsAt)
        .where('ends_at', '>', window.startsAt)
        .executeTakeFirst();
      if (taken) throw new MvidError('conflict', `epoch ${window.epoch} of trustee set ${trusteeSetId} already has key ${taken.id}`);
      await tx
        .insertInto('registry_escrow_epochs')
        .values({
          id: parsed.id,
          trustee_set_id: trusteeSetId,
          epoch: window.epoch,
          starts_at: window.startsAt,
          ends_at: window.endsAt,
          document_json: JSON.stringify(parsed),
          ceremony_json: JSON.stringify(ceremony),
          created_at: now.toISOString(),
          destroyed_at: null,
          reshared_from: null,
          reshared_to: null,
        })
        .execute();
      await this.#log.enqueue(tx, [escrowEpochEntry(trusteeSetId, window, parsed, ceremony, now)]);
    });
    return (await this.byId(parsed.id)) as EscrowEpochView;
  }

  /**
   * Demos and tests only (like `trustees init --dev-dealer`): deals one key per epoch to
   * the set's trustees on this machine and publishes them. Returns each trustee's shares,
   * encrypted under its passphrase when `passphrases` are given, else in the clear (the
   * caller wipes them).
   */
  async dealDev(input: {
    trusteeSetId: string;
    windows: readonly EpochWindow[];
    passphrases?: ReadonlyMap<string, string>;
    scrypt?: ScryptParams;
  }): Promise<{ epochs: EscrowEpochView[]; shares: Map<string, TrusteeShare[]>; shareFiles: Map<string, ShareFile[]> }> {
    const set = await this.#trusteeSets.byId(input.trusteeSetId);
    if (!set) throw new MvidError('not_found', `no trustee set ${input.trusteeSetId}`);
    const epochs: EscrowEpochView[] = [];
    const shares = new Map<string, TrusteeShare[]>(set.trustees.map((t) => [t.id, []]));
    const shareFiles = new Map<string, ShareFile[]>(set.trustees.map((t) => [t.id, []]));
    for (const window of input.windows) {
      const deal = dealEscrowKey({ threshold: set.threshold, trustees: set.trustees.map((t) => t.id) }, this.#random);
      for (const share of deal.shares) {
        const passphrase = input.passphrases?.get(share.trusteeId);
        if (passphrase === undefined) {
          shares.get(share.trusteeId)?.push(share);
          continue;
        }
        const options = input.scrypt === undefined ? { random: this.#random } : { random: this.#random, scrypt: input.scrypt };
        shareFiles.get(share.trusteeId)?.push(await encryptShareFile(share, passphrase, options));
        share.secret.fill(0);
      }
      epochs.push(await this.publish(set.id, window, deal.trusteeSet, { kind: 'dealer' }));
    }
    return { epochs, shares, shareFiles };
  }

  /**
   * Records a trustee's signed destruction statement for an ended epoch and logs it. The
   * same statement again is accepted (a retry); once more than N − M trustees have
   * destroyed theirs the epoch is marked destroyed.
   * @throws MvidError not_found | escrow_epoch_live | epoch_statement_invalid | conflict
   */
  async recordDestruction(keyId: string, value: unknown): Promise<{ epoch: EscrowEpochView; logged: boolean }> {
    const found = await this.byId(keyId);
    if (!found) throw new MvidError('not_found', `no epoch key ${keyId}`);
    const statement = verifyEpochDestruction(value, found.key, found.epoch);
    const now = this.#clock.now();
    if (now.getTime() < Date.parse(found.endsAt))
      throw new MvidError('escrow_epoch_live', `epoch ${found.epoch} runs until ${found.endsAt}: its envelopes may still be needed`);
    const logged = await this.#store.transaction(async (tx) => {
      await this.#store.lock(tx, `registry:epoch:${keyId}`);
      const json = JSON.stringify(statement);
      const existing = await tx
        .selectFrom('registry_epoch_destructions')
        .select('statement_json')
        .where('escrow_key_id', '=', keyId)
        .where('trustee_index', '=', statement.trusteeIndex)
        .executeTakeFirst();
      if (existing) {
        if (existing.statement_json === json) return false;
        throw new MvidError('conflict', `trustee ${statement.trusteeIndex} already recorded another destruction of ${keyId}`);
      }
      await tx
        .insertInto('registry_epoch_destructions')
        .values({ escrow_key_id: keyId, trustee_index: statement.trusteeIndex, statement_json: json, created_at: now.toISOString() })
        .execute();
      await this.#log.enqueue(tx, [epochDestroyedEntry(found.trusteeSetId, statement, now)]);
      const count = await tx
        .selectFrom('registry_epoch_destructions')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('escrow_key_id', '=', keyId)
        .executeTakeFirstOrThrow();
      if (Number(count.n) > found.key.trustees.length - found.key.threshold)
        await tx
          .updateTable('registry_escrow_epochs')
          .set({ destroyed_at: now.toISOString() })
          .where('id', '=', keyId)
          .where('destroyed_at', 'is', null)
          .execute();
      return true;
    });
    return { epoch: (await this.byId(keyId)) as EscrowEpochView, logged };
  }
}
