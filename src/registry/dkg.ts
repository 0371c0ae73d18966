/**
 * Dealerless key ceremonies, server side: the server only relays. An administrator
 * opens a ceremony (threshold, ordered trustee names) and hands each trustee a token;
 * each trustee's own machine runs `mvid trustee dkg`, posting one signed message per
 * round. Shares travel sealed to their recipient, so the server (and its database)
 * never sees one. The server checks every signature against the sender's announced
 * key, so nobody else can speak for a trustee, and publishes the trustee set — with
 * a `trustee_set` log entry carrying the transcript hash — only when every qualified
 * trustee has signed the same outcome. The outcome is a pure function of the public
 * transcript (src/crypto's `dkgOutcome`): the server cannot choose who qualifies.
 */
import { type Selectable, sql } from 'kysely';
import type { TrusteeSet } from '../crypto/index.ts';
import { type Clock, ConflictError, MvidError, type Random, ValidationError } from '../core/index.ts';
import {
  DKG_ROUNDS,
  type DkgAnnounce,
  type DkgParameters,
  type DkgResult,
  type DkgRound,
  type DkgTranscript,
  type ReshareCeremonyParameters,
  checkDkgParameters,
  checkReshareParameters,
  dealerSlot,
  dkgOutcome,
  parseTrusteeSet,
  reshareCeremonyOutcome,
  reshareSigningParameters,
  reshareSlots,
  resultAgrees,
  roleOfSlot,
  validAnnouncements,
  verifyDkgMessage,
} from '../crypto/index.ts';
import type { Database, Store, Tx } from '../store/index.ts';
import type { DkgCall, DkgMe } from './dkg-client.ts';
import { type EpochWindow, type EscrowEpochView, type EscrowEpochs, checkEpochKeyOf, epochNamed } from './epochs.ts';
import type { PublishedTrusteeSet, TrusteeSets } from './trustees.ts';
import { TRUSTEE_NAME } from './trustees.ts';
import { isConflictOn, parseStored, randomToken, sha256Hex } from './util.ts';

export const DKG_TOKEN_PREFIX = 'mvdkg_';

/**
 * A reshare ceremony not completed within this many hours lapses: it takes no more messages
 * and no longer holds back disclosure requests to its set (see {@link DkgCeremonies.openReshareOf}).
 */
export const RESHARE_CEREMONY_HOURS = 24;

/**
 * The disclosure requests addressed to a trustee set that its trustees still have to act on
 * (the port a reshare asks before it moves the set's keys: those requests would be stranded).
 */
export type PendingDisclosures = (trusteeSetId: string) => Promise<string[]>;

export interface DkgCeremonyView {
  id: string;
  /** `dkg` makes a new escrow key; `reshare` moves the key of `fromSetId` to `trustees`. */
  kind: 'dkg' | 'reshare';
  threshold: number;
  trustees: string[];
  /** Reshare: the set whose key moves, and the old trustees (by index) who re-deal it. */
  fromSetId?: string;
  dealers?: number[];
  status: 'open' | 'complete';
  trusteeSetId: string | null;
  /** How many trustees posted each round. */
  posted: Record<DkgRound, number>;
  createdAt: string;
  completedAt: string | null;
  /** A retention-epoch key ceremony: the epoch and the trustee set whose key it makes. */
  epoch?: EpochWindow & { trusteeSetId: string };
  /** Every ceremony of this one's batch, in order (one token speaks for all of them). */
  batch: string[];
}

export interface DkgMessageView {
  trusteeIndex: number;
  round: DkgRound;
  body: unknown;
}

export interface DkgTranscriptView {
  ceremony: DkgCeremonyView;
  messages: DkgMessageView[];
  /** `qualified`: trustee indices (DKG) or the old trustees whose re-dealings were combined (reshare). */
  outcome?: {
    qualified: number[];
    disqualified: Array<{ index: number; reason: string; by?: number }>;
    trusteeSetId: string;
    transcript: string;
  };
}

/** What one ceremony's rows mean: its signing parameters, who speaks in which rounds, and its outcome. */
interface Protocol {
  signing: DkgParameters;
  /** The rounds a slot posts, in order; empty for a slot that does not take part. */
  roundsOf(slot: number): readonly DkgRound[];
  /** Slots whose signed result must agree before the ceremony completes. */
  confirming(outcome: Decided): number[];
  decide(t: DkgTranscript): Decided;
  reshare?: ReshareCeremonyParameters;
}

interface Decided {
  qualified: number[];
  disqualified: Array<{ index: number; reason: string; by?: number }>;
  trusteeSet: TrusteeSet;
  transcript: string;
}

const MEMBER_ROUNDS: readonly DkgRound[] = ['announce', 'complaints', 'result'];
const DEALER_ROUNDS: readonly DkgRound[] = ['announce', 'commit', 'shares'];
type CeremonyRow = Selectable<Database['registry_dkg_ceremonies']>;

/** The transcript as src/crypto reads it, from stored messages. */
export function transcriptOf(messages: readonly DkgMessageView[]): DkgTranscript & { result: Map<number, DkgResult> } {
  const t = { announce: new Map(), commit: new Map(), shares: new Map(), complaints: new Map(), result: new Map() };
  for (const m of messages) (t[m.round] as Map<number, unknown>).set(m.trusteeIndex, m.body);
  return t;
}

interface CeremonyToken {
  trusteeIndex: number;
  trusteeId: string;
  token: string;
}

async function insertTokens(tx: Tx, ceremonyId: string, tokens: ReadonlyArray<{ trusteeIndex: number; token: string }>): Promise<void> {
  await tx
    .insertInto('registry_dkg_tokens')
    .values(tokens.map((t) => ({ token_hash: sha256Hex(t.token), ceremony_id: ceremonyId, trustee_index: t.trusteeIndex })))
    .execute();
}

export class DkgCeremonies {
  readonly #store: Store;
  readonly #clock: Clock;
  readonly #random: Random;
  readonly #trusteeSets: TrusteeSets;
  readonly #epochs: EscrowEpochs;
  readonly #pendingDisclosures: PendingDisclosures;

  constructor(
    store: Store,
    clock: Clock,
    random: Random,
    trusteeSets: TrusteeSets,
    epochs: EscrowEpochs,
    pendingDisclosures: PendingDisclosures,
  ) {
    this.#store = store;
    this.#clock = clock;
    this.#random = random;
    this.#trusteeSets = trusteeSets;
    this.#epochs = epochs;
    this.#pendingDisclosures = pendingDisclosures;
  }

  /**
   * Opens a batch of retention-epoch key ceremonies for the active trustee set: one DKG per
   * epoch (default: the next `count` epochs enrolments will need), run one after the other
   * by the same `mvid trustee dkg` invocation of each trustee, whose one token speaks for
   * the whole batch. Each completed ceremony publishes its epoch key.
   * @throws MvidError escrow_unavailable | validation_failed
   */
  async createEpochs(input: { epochs?: string[]; count?: number }): Promise<{
    ceremony: DkgCeremonyView;
    tokens: CeremonyToken[];
  }> {
    const set = await this.#trusteeSets.active();
    if (!set) throw new MvidError('escrow_unavailable', 'no trustee set is active: make one before its epoch keys');
    const known = new Set((await this.#epochs.list(set.id)).map((e) => e.startsAt));
    const windows = (
      input.epochs === undefined
        ? this.#epochs.upcoming(input.count ?? 12)
        : input.epochs.map((label) => epochNamed(label, this.#epochs.months))
    ).filter((w) => !known.has(w.startsAt));
    if (windows.length === 0) throw new ValidationError('every epoch asked for already has a key', 'epochs');
    if (windows.length > 60) throw new ValidationError('at most 60 epochs per batch', 'epochs');
    const trustees = set.trustees.map((t) => t.id);
    const ids = windows.map(() => this.#random.uuid());
    const lead = ids[0] as string;
    for (const id of ids) checkDkgParameters({ ceremonyId: id, threshold: set.threshold, trustees });
    const now = this.#clock.now().toISOString();
    const tokens = this.#newTokens(trustees);
    await this.#store.transaction(async (tx) => {
      await tx
        .insertInto('registry_dkg_ceremonies')
        .values(
          windows.map((w, k) => ({
            id: ids[k] as string,
            threshold: set.threshold,
            trustees_json: JSON.stringify(trustees),
            replace_active: 0,
            status: 'open' as const,
            trustee_set_id: null,
            created_at: now,
            completed_at: null,
            epoch: w.epoch,
            epoch_starts_at: w.startsAt,
            epoch_ends_at: w.endsAt,
            epoch_trustee_set_id: set.id,
            batch_id: lead,
          })),
        )
        .execute();
      await insertTokens(tx, lead, tokens);
    });
    return { ceremony: await this.view(lead), tokens };
  }

  /**
   * Opens a ceremony and returns one token per trustee (shown once; stored hashed).
   * @throws ValidationError on a bad threshold or trustee list
   */
  async create(input: { threshold: number; trustees: string[]; replace?: boolean }): Promise<{
    ceremony: DkgCeremonyView;
    tokens: CeremonyToken[];
  }> {
    for (const name of input.trustees) {
      if (!TRUSTEE_NAME.test(name))
        throw new ValidationError(`trustee name ${JSON.stringify(name)} must match ${TRUSTEE_NAME}`, 'trustees');
    }
    const id = this.#random.uuid();
    checkDkgParameters({ ceremonyId: id, threshold: input.threshold, trustees: input.trustees });
    const tokens = this.#newTokens(input.trustees);
    await this.#insert(id, { threshold: input.threshold, trustees: input.trustees, replace: input.replace === true }, tokens);
    return { ceremony: await this.view(id), tokens };
  }

  /**
   * Opens a reshare of a trustee set — its own escrow key (`fromSetId`) and every live
   * retention-epoch key of it (neither destroyed nor reshared) — to a new roster and
   * threshold: one reshare ceremony per key, in one batch (the set's key first), so each
   * participant runs them all with one token and one `mvid trustee reshare`. Returns one
   * token per new trustee and one per old trustee who re-deals (`dealers`, by old trustee
   * name; default all), shown once. The new set, and each of its reshared epoch keys, is
   * published in one transaction once every ceremony of the batch agrees. Refused for a set
   * whose key was already reshared (its successor can be), and while disclosure requests to
   * the set are pending (they would be stranded: docs/disclosure.md).
   * @throws MvidError not_found | conflict | disclosure_requests_pending | validation_failed
   */
  async createReshare(input: { fromSetId: string; threshold: number; trustees: string[]; dealers?: string[] }): Promise<{
    ceremony: DkgCeremonyView;
    tokens: Array<{ trusteeIndex: number; trusteeId: string; role: 'dealer' | 'member'; token: string }>;
  }> {
    for (const name of input.trustees) {
      if (!TRUSTEE_NAME.test(name))
        throw new ValidationError(`trustee name ${JSON.stringify(name)} must match ${TRUSTEE_NAME}`, 'trustees');
    }
    const from = await this.#trusteeSets.byId(input.fromSetId);
    if (!from) throw new MvidError('not_found', `no trustee set ${input.fromSetId}`);
    if (from.resharedTo !== undefined) throw new ConflictError(`the key of ${from.id} was already reshared to ${from.resharedTo}`);
    const pending = await this.#pendingDisclosures(from.id);
    if (pending.length > 0)
      throw new MvidError(
        'disclosure_requests_pending',
        `trustee set ${from.id} has ${pending.length} pending disclosure request(s) (${pending.join(', ')}): its trustees must decide them (or they expire) before its keys move; a request filed after the reshare goes to the new set`,
        { extensions: { requests: pending } },
      );
    const dealerNames = input.dealers ?? from.trustees.map((t) => t.id);
    for (const name of dealerNames)
      if (!from.trustees.some((t) => t.id === name)) throw new ValidationError(`trustee set ${from.id} has no trustee ${name}`, 'dealers');
    // One ceremony per key: the set's own, then each live epoch key (its trustees' indices follow its own ceremony).
    const keys: Array<{ key: TrusteeSet; epoch?: EscrowEpochView }> = [
      { key: from },
      ...(await this.#epochs.live(from.id)).map((epoch) => ({ key: epoch.key, epoch })),
    ];
    const ids = keys.map(() => this.#random.uuid());
    const lead = ids[0] as string;
    const rows = keys.map(({ key, epoch }, k) => {
      const dealers = dealerNames.flatMap((name) => key.trustees.filter((t) => t.id === name).map((t) => t.index));
      const id = ids[k] as string;
      checkReshareParameters({ ceremonyId: id, from: key, threshold: input.threshold, trustees: input.trustees, dealers });
      return { id, fromId: key.id, dealers, epoch };
    });
    const slots = [
      ...input.trustees.map((trusteeId, k) => ({ trusteeIndex: k + 1, trusteeId, role: 'member' as const })),
      ...(rows[0]?.dealers ?? []).map((i) => ({
        trusteeIndex: dealerSlot(i),
        trusteeId: from.trustees.find((t) => t.index === i)?.id as string,
        role: 'dealer' as const,
      })),
    ];
    const tokens = slots.map((slot) => ({ ...slot, token: randomToken(DKG_TOKEN_PREFIX, this.#random) }));
    const now = this.#clock.now().toISOString();
    await this.#store.transaction(async (tx) => {
      await this.#store.lock(tx, `registry:reshare:${from.id}`);
      const open = await this.#openReshares(from.id, tx);
      if (open.length > 0) throw new ConflictError(`reshare ceremony ${open[0]} of trustee set ${from.id} is still open`);
      await tx
        .insertInto('registry_dkg_ceremonies')
        .values(
          rows.map((r) => ({
            id: r.id,
            threshold: input.threshold,
            trustees_json: JSON.stringify(input.trustees),
            replace_active: 0,
            status: 'open' as const,
            trustee_set_id: null,
            created_at: now,
            completed_at: null,
            kind: 'reshare' as const,
            from_set_id: r.fromId,
            dealers_json: JSON.stringify(r.dealers),
            epoch: r.epoch?.epoch ?? null,
            epoch_starts_at: r.epoch?.startsAt ?? null,
            epoch_ends_at: r.epoch?.endsAt ?? null,
            epoch_trustee_set_id: r.epoch ? from.id : null,
            batch_id: rows.length > 1 ? lead : null,
          })),
        )
        .execute();
      await insertTokens(tx, lead, tokens);
    });
    return { ceremony: await this.view(lead), tokens };
  }

  /** Open reshare ceremonies (batch leads: the set's own key) of a set that have not lapsed, newest first. */
  async #openReshares(fromSetId: string, reader: Tx | Store['db'] = this.#store.db): Promise<string[]> {
    const since = new Date(this.#clock.now().getTime() - RESHARE_CEREMONY_HOURS * 3_600_000).toISOString();
    const rows = await reader
      .selectFrom('registry_dkg_ceremonies')
      .select('id')
      .where('kind', '=', 'reshare')
      .where('from_set_id', '=', fromSetId)
      .where('status', '=', 'open')
      .where('created_at', '>', since)
      .orderBy('created_at', 'desc')
      .execute();
    return rows.map((r) => r.id);
  }

  /**
   * The open (not lapsed) reshare ceremony of this set's keys, if any: while it runs, no
   * disclosure request is addressed to the set (it would be stranded when the keys move).
   */
  async openReshareOf(trusteeSetId: string): Promise<string | undefined> {
    return (await this.#openReshares(trusteeSetId))[0];
  }

  /** Stores a new DKG ceremony (a reshare batch is stored by `createReshare`, an epoch batch by `createEpochs`). */
  async #insert(
    id: string,
    c: { threshold: number; trustees: string[]; replace: boolean },
    tokens: ReadonlyArray<{ trusteeIndex: number; token: string }>,
  ): Promise<void> {
    await this.#store.transaction(async (tx) => {
      await tx
        .insertInto('registry_dkg_ceremonies')
        .values({
          id,
          threshold: c.threshold,
          trustees_json: JSON.stringify(c.trustees),
          replace_active: c.replace ? 1 : 0,
          status: 'open',
          trustee_set_id: null,
          created_at: this.#clock.now().toISOString(),
          completed_at: null,
          kind: 'dkg',
          from_set_id: null,
          dealers_json: null,
        })
        .execute();
      await insertTokens(tx, id, tokens);
    });
  }

  /** One bearer token per trustee, by ceremony index (shown once; stored hashed). */
  #newTokens(trustees: readonly string[]): CeremonyToken[] {
    return trustees.map((trusteeId, k) => ({ trusteeIndex: k + 1, trusteeId, token: randomToken(DKG_TOKEN_PREFIX, this.#random) }));
  }

  async #row(id: string): Promise<CeremonyRow> {
    const row = await this.#store.db.selectFrom('registry_dkg_ceremonies').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) throw new MvidError('not_found', `no key ceremony ${id}`);
    return row;
  }

  #params(row: CeremonyRow): DkgParameters {
    return { ceremonyId: row.id, threshold: row.threshold, trustees: parseStored<string[]>(row.trustees_json) };
  }

  /** The key a reshare ceremony moves: a trustee set's own, or (a ceremony with an epoch) one of its epoch keys. */
  async #fromKey(row: CeremonyRow): Promise<TrusteeSet | undefined> {
    if (row.from_set_id === null) return undefined;
    if (row.epoch === null) return this.#trusteeSets.byId(row.from_set_id);
    return (await this.#epochs.byId(row.from_set_id))?.key;
  }

  /** The rules of this ceremony's kind, over the one relay. */
  async #protocol(row: CeremonyRow): Promise<Protocol> {
    const params = this.#params(row);
    if (row.kind !== 'reshare') {
      return {
        signing: params,
        roundsOf: (slot) => (slot >= 1 && slot <= params.trustees.length ? DKG_ROUNDS : []),
        confirming: (o) => o.qualified,
        decide: (t) => {
          const o = dkgOutcome(params, t);
          return { qualified: o.qualified, disqualified: o.disqualified, trusteeSet: o.trusteeSet, transcript: o.transcript };
        },
      };
    }
    const from = await this.#fromKey(row);
    if (!from) throw new MvidError('internal_error', `key ${row.from_set_id} vanished`);
    const reshare: ReshareCeremonyParameters = { ...params, from, dealers: parseStored<number[]>(row.dealers_json as string) };
    const { members, dealers } = reshareSlots(reshare);
    return {
      signing: reshareSigningParameters(reshare),
      reshare,
      roundsOf: (slot) => (members.includes(slot) ? MEMBER_ROUNDS : dealers.includes(slot) ? DEALER_ROUNDS : []),
      confirming: () => members,
      decide: (t) => {
        const o = reshareCeremonyOutcome(reshare, t);
        return { qualified: o.used, disqualified: o.disqualifiedBecause, trusteeSet: o.trusteeSet, transcript: o.transcript };
      },
    };
  }

  async view(id: string): Promise<DkgCeremonyView> {
    const row = await this.#row(id);
    const counts = await this.#store.db
      .selectFrom('registry_dkg_messages')
      .select(['round', (eb) => eb.fn.countAll<number>().as('n')])
      .where('ceremony_id', '=', id)
      .groupBy('round')
      .execute();
    const posted = Object.fromEntries(DKG_ROUNDS.map((r) => [r, 0])) as Record<DkgRound, number>;
    for (const c of counts) posted[c.round] = Number(c.n);
    const batch =
      row.batch_id === null
        ? [row.id]
        : (
            await this.#store.db
              .selectFrom('registry_dkg_ceremonies')
              .select('id')
              .where('batch_id', '=', row.batch_id)
              // A reshare batch leads with the set's own key (no epoch); epoch keys follow in order.
              .orderBy(sql`coalesce(epoch_starts_at, '')`)
              .execute()
          ).map((r) => r.id);
    const epoch =
      row.epoch === null
        ? {}
        : {
            epoch: {
              epoch: row.epoch,
              startsAt: row.epoch_starts_at as string,
              endsAt: row.epoch_ends_at as string,
              trusteeSetId: row.epoch_trustee_set_id as string,
            },
          };
    return {
      id: row.id,
      kind: row.kind,
      threshold: row.threshold,
      trustees: this.#params(row).trustees,
      ...(row.from_set_id === null ? {} : { fromSetId: row.from_set_id }),
      ...(row.dealers_json === null ? {} : { dealers: parseStored<number[]>(row.dealers_json) }),
      status: row.status,
      trusteeSetId: row.trustee_set_id,
      posted,
      createdAt: row.created_at,
      completedAt: row.completed_at,
      ...epoch,
      batch,
    };
  }

  /** The ceremony as the participant in `slot` takes part in it (for a reshare, with the set whose key moves). */
  async me(ceremonyId: string, slot: number): Promise<DkgMe> {
    const ceremony = await this.view(ceremonyId);
    const from = await this.#fromKey(await this.#row(ceremonyId));
    return { ceremony, trusteeIndex: slot, ...(from ? { from: parseTrusteeSet(from) } : {}) };
  }

  /** The trustee index a token speaks for in this ceremony (or the batch it belongs to), or undefined. */
  async authenticate(ceremonyId: string, token: string): Promise<number | undefined> {
    if (!token.startsWith(DKG_TOKEN_PREFIX) || token.length > 200) return undefined;
    const row = await this.#store.db
      .selectFrom('registry_dkg_tokens')
      .select(['trustee_index', 'ceremony_id'])
      .where('token_hash', '=', sha256Hex(token))
      .executeTakeFirst();
    if (!row) return undefined;
    if (row.ceremony_id === ceremonyId) return row.trustee_index;
    const member = await this.#store.db
      .selectFrom('registry_dkg_ceremonies')
      .selectAll()
      .where('id', '=', ceremonyId)
      .where('batch_id', '=', row.ceremony_id)
      .executeTakeFirst();
    if (!member) return undefined;
    return member.kind === 'reshare' ? this.#slotIn(await this.#row(row.ceremony_id), row.trustee_index, member) : row.trustee_index;
  }

  /**
   * A reshare batch's token speaks for one participant: a new trustee has the same slot in
   * every ceremony; an old trustee re-deals, in each, its share of that ceremony's key, whose
   * index may differ from its index in the set (so its slot is found by its name), and takes
   * no part in a ceremony of a key it holds no share of.
   */
  async #slotIn(lead: CeremonyRow, slot: number, target: CeremonyRow): Promise<number | undefined> {
    const role = roleOfSlot(slot);
    if (role.role === 'member') return slot;
    const [set, key] = await Promise.all([this.#fromKey(lead), this.#fromKey(target)]);
    const name = set?.trustees.find((t) => t.index === role.oldIndex)?.id;
    const index = key?.trustees.find((t) => t.id === name)?.index;
    return index !== undefined && parseStored<number[]>(target.dealers_json as string).includes(index) ? dealerSlot(index) : undefined;
  }

  async messages(ceremonyId: string, round?: DkgRound): Promise<DkgMessageView[]> {
    await this.#row(ceremonyId);
    let q = this.#store.db
      .selectFrom('registry_dkg_messages')
      .select(['trustee_index', 'round', 'body_json'])
      .where('ceremony_id', '=', ceremonyId);
    if (round !== undefined) q = q.where('round', '=', round);
    const rows = await q.orderBy('trustee_index').execute();
    return rows.map((r) => ({ trusteeIndex: r.trustee_index, round: r.round, body: parseStored<unknown>(r.body_json) }));
  }

  /** The public transcript and, once the complaints are in, the outcome it implies. */
  async transcript(ceremonyId: string): Promise<DkgTranscriptView> {
    const ceremony = await this.view(ceremonyId);
    const messages = await this.messages(ceremonyId);
    const view: DkgTranscriptView = { ceremony, messages };
    try {
      const o = (await this.#protocol(await this.#row(ceremonyId))).decide(transcriptOf(messages));
      view.outcome = { qualified: o.qualified, disqualified: o.disqualified, trusteeSetId: o.trusteeSet.id, transcript: o.transcript };
    } catch {
      // not decided yet
    }
    return view;
  }

  /**
   * Records one trustee's message for a round. A message is immutable: posting the same
   * one again is accepted (a retry), a different one is a conflict. Every message but the
   * announcement must carry a valid signature by the sender's announced key, and the
   * sender must have posted the previous round. A result completes the ceremony once
   * every qualified trustee agrees.
   * @throws MvidError not_found | conflict | validation_failed
   */
  async post(ceremonyId: string, trusteeIndex: number, round: DkgRound, body: unknown): Promise<DkgCeremonyView> {
    const row = await this.#row(ceremonyId);
    if (row.status !== 'open') throw new ConflictError(`key ceremony ${ceremonyId} is ${row.status}`);
    if (row.kind === 'reshare' && this.#clock.now().getTime() - Date.parse(row.created_at) > RESHARE_CEREMONY_HOURS * 3_600_000)
      throw new ConflictError(`reshare ceremony ${ceremonyId} lapsed (${RESHARE_CEREMONY_HOURS} hours): open a new one`);
    const protocol = await this.#protocol(row);
    const params = protocol.signing;
    const rounds = protocol.roundsOf(trusteeIndex);
    if (!rounds.includes(round)) throw new ValidationError(`this participant posts no ${round} message in a ${row.kind} ceremony`, 'round');
    const mine = new Map(
      (
        await this.#store.db
          .selectFrom('registry_dkg_messages')
          .select(['round', 'body_json'])
          .where('ceremony_id', '=', ceremonyId)
          .where('trustee_index', '=', trusteeIndex)
          .execute()
      ).map((r) => [r.round, r.body_json]),
    );
    const json = JSON.stringify(body);
    const existing = mine.get(round);
    if (existing !== undefined) {
      if (existing === json) return this.view(ceremonyId);
      throw new ConflictError(`trustee ${trusteeIndex} already posted its ${round} message`);
    }
    const previous = rounds[rounds.indexOf(round) - 1];
    if (previous !== undefined && !mine.has(previous)) throw new ValidationError(`post the ${previous} message first`, 'round');
    if (round === 'announce') {
      const ok = validAnnouncements(params, new Map([[trusteeIndex, body as DkgAnnounce]])).has(trusteeIndex);
      if (!ok) throw new ValidationError('the announcement is not self-signed by the keys it announces', 'body');
    } else {
      const announce = parseStored<DkgAnnounce>(mine.get('announce') as string);
      if (!verifyDkgMessage(params, round, trusteeIndex, announce.signKey, body)) {
        throw new ValidationError(`the ${round} message is malformed or not signed by trustee ${trusteeIndex}'s announced key`, 'body');
      }
    }
    try {
      await this.#store.db
        .insertInto('registry_dkg_messages')
        .values({
          ceremony_id: ceremonyId,
          trustee_index: trusteeIndex,
          round,
          body_json: json,
          created_at: this.#clock.now().toISOString(),
        })
        .execute();
    } catch (error) {
      if (isConflictOn(error, 'registry_dkg_messages'))
        throw new ConflictError(`trustee ${trusteeIndex} already posted its ${round} message`);
      throw error;
    }
    if (round === 'result') await (row.kind === 'reshare' ? this.#maybeCompleteReshare(row) : this.#maybeComplete(row));
    return this.view(ceremonyId);
  }

  /**
   * A `DkgCall` that reaches this service directly instead of over HTTP, with the same
   * token check and the same paths: for seeding a development system before it listens.
   */
  localCall(ceremonyId: string, token: string): DkgCall {
    const call = async (method: 'GET' | 'POST', path: string, body?: unknown): Promise<unknown> => {
      // Any ceremony of the token's batch, as over HTTP: /registry/v1/dkg/{id}[/me | /messages/{round}].
      const m = /^\/registry\/v1\/dkg\/([^/]+)(\/me|\/messages\/([a-z]+))?$/.exec(path);
      const id = m ? decodeURIComponent(m[1] as string) : ceremonyId;
      const index = await this.authenticate(id, token);
      if (index === undefined) throw new MvidError('unauthenticated', 'a valid ceremony token for this ceremony is required');
      if (method === 'GET' && m && m[2] === undefined) return this.view(id);
      if (method === 'GET' && m?.[2] === '/me') return this.me(id, index);
      const round = DKG_ROUNDS.find((r) => r === m?.[3]);
      if (round !== undefined && method === 'GET') return { messages: await this.messages(id, round) };
      if (round !== undefined && method === 'POST') return this.post(id, index, round, body);
      throw new MvidError('not_found', `no ceremony route ${method} ${path}`);
    };
    return call as DkgCall;
  }

  /** The outcome every confirming participant signed, once all of them have; else undefined. */
  async #agreed(row: CeremonyRow): Promise<{ protocol: Protocol; outcome: Decided } | undefined> {
    const protocol = await this.#protocol(row);
    const params = protocol.signing;
    const t = transcriptOf(await this.messages(row.id));
    let outcome: Decided;
    try {
      outcome = protocol.decide(t);
    } catch {
      return undefined;
    }
    const announced = validAnnouncements(params, t.announce);
    const agreed = protocol.confirming(outcome).every((i) => {
      const r = t.result.get(i);
      const a = announced.get(i);
      return r !== undefined && a !== undefined && resultAgrees(params, i, a.signKey, r, outcome);
    });
    return agreed ? { protocol, outcome } : undefined;
  }

  /** Marks a ceremony complete with the key it made, in the publishing transaction. */
  #completer(rowId: string, keyId: string): (tx: Tx) => Promise<void> {
    const now = this.#clock.now().toISOString();
    return async (tx) => {
      const done = await tx
        .updateTable('registry_dkg_ceremonies')
        .set({ status: 'complete', trustee_set_id: keyId, completed_at: now })
        .where('id', '=', rowId)
        .where('status', '=', 'open')
        .executeTakeFirst();
      if (Number(done.numUpdatedRows) !== 1) throw new ConflictError(`key ceremony ${rowId} already completed`);
    };
  }

  /**
   * A reshare batch completes as one: once every ceremony of it (the set's key, each live
   * epoch key) has its agreed outcome, one transaction publishes the new set, stores each
   * reshared epoch key under it (`insertReshared`: same public key, logged with
   * `resharedFrom`) and marks every ceremony complete. Until then nothing moves, so no
   * envelope is ever addressed to trustees who hold only some of its keys.
   */
  async #maybeCompleteReshare(row: CeremonyRow): Promise<void> {
    const leadId = row.batch_id ?? row.id;
    const rows =
      row.batch_id === null
        ? [row]
        : await this.#store.db.selectFrom('registry_dkg_ceremonies').selectAll().where('batch_id', '=', leadId).execute();
    // Cheap first: every new trustee must have posted its result in every ceremony of the batch.
    const results = await this.#store.db
      .selectFrom('registry_dkg_messages')
      .select(['ceremony_id', (eb) => eb.fn.countAll<number>().as('n')])
      .where(
        'ceremony_id',
        'in',
        rows.map((r) => r.id),
      )
      .where('round', '=', 'result')
      .groupBy('ceremony_id')
      .execute();
    const members = parseStored<string[]>(row.trustees_json).length;
    if (rows.some((r) => Number(results.find((x) => x.ceremony_id === r.id)?.n ?? 0) < members)) return;
    const decided: Array<{ row: CeremonyRow; protocol: Protocol; outcome: Decided }> = [];
    for (const r of rows) {
      const agreed = await this.#agreed(r);
      if (!agreed) return;
      decided.push({ row: r, ...agreed });
    }
    const lead = decided.find((d) => d.row.id === leadId);
    if (!lead?.protocol.reshare) throw new MvidError('internal_error', `reshare batch ${leadId} has no lead ceremony`);
    const summary = (o: Decided) => ({ transcript: o.transcript, disqualified: o.disqualified.length });
    const epochs: Array<{ from: EscrowEpochView; outcome: Decided }> = [];
    for (const d of decided.filter((x) => x.row.epoch !== null)) {
      const from = await this.#epochs.byId(d.row.from_set_id as string);
      if (!from) throw new MvidError('internal_error', `epoch key ${d.row.from_set_id} vanished`);
      epochs.push({ from, outcome: d.outcome });
    }
    try {
      await this.#trusteeSets.publish(lead.outcome.trusteeSet, {
        ceremony: { kind: 'reshare', from: lead.protocol.reshare.from.id, ...summary(lead.outcome) },
        within: async (tx) => {
          for (const d of decided) await this.#completer(d.row.id, d.outcome.trusteeSet.id)(tx);
        },
        after: async (tx, set) => {
          for (const e of epochs)
            await this.#epochs.insertReshared(tx, set, e.from, e.outcome.trusteeSet, {
              kind: 'reshare',
              from: e.from.key.id,
              ...summary(e.outcome),
            });
        },
      });
    } catch (error) {
      // A concurrent result completed it first: the same set is published, nothing to do.
      if (error instanceof ConflictError && (await this.#row(row.id)).status === 'complete') return;
      throw error;
    }
  }

  /** Publishes the set once every qualified trustee signed the outcome everyone can recompute. */
  async #maybeComplete(row: CeremonyRow): Promise<PublishedTrusteeSet | undefined> {
    const agreed = await this.#agreed(row);
    if (!agreed) return undefined;
    const { outcome } = agreed;
    const complete = this.#completer(row.id, outcome.trusteeSet.id);
    const summary = { transcript: outcome.transcript, disqualified: outcome.disqualified.length };
    const ceremony = { kind: 'dkg' as const, ...summary };
    if (row.epoch !== null) {
      const window = { epoch: row.epoch, startsAt: row.epoch_starts_at as string, endsAt: row.epoch_ends_at as string };
      const setId = row.epoch_trustee_set_id as string;
      const set = await this.#trusteeSets.byId(setId);
      if (set) checkEpochKeyOf(set, outcome.trusteeSet);
      try {
        await this.#epochs.publish(setId, window, outcome.trusteeSet, { kind: 'dkg', ...summary }, complete);
      } catch (error) {
        if (error instanceof ConflictError && (await this.#row(row.id)).status === 'complete') return undefined;
        throw error;
      }
      return undefined;
    }
    try {
      return await this.#trusteeSets.publish(outcome.trusteeSet, {
        replace: row.replace_active === 1,
        ceremony,
        within: complete,
      });
    } catch (error) {
      // A concurrent result completed it first: the same set is published, nothing to do.
      if (error instanceof ConflictError && (await this.#row(row.id)).status === 'complete') return undefined;
      throw error;
    }
  }
}
