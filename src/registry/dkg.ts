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
import type { Selectable } from 'kysely';
import { type Clock, ConflictError, MvidError, type Random, ValidationError } from '../core/index.ts';
import {
  DKG_ROUNDS,
  type DkgAnnounce,
  type DkgOutcome,
  type DkgParameters,
  type DkgResult,
  type DkgRound,
  type DkgTranscript,
  checkDkgParameters,
  dkgOutcome,
  resultAgrees,
  validAnnouncements,
  verifyDkgMessage,
} from '../crypto/index.ts';
import type { Database, Store, Tx } from '../store/index.ts';
import type { DkgCall } from './dkg-client.ts';
import { type EpochWindow, type EscrowEpochs, checkEpochKeyOf, epochNamed } from './epochs.ts';
import type { PublishedTrusteeSet, TrusteeSets } from './trustees.ts';
import { TRUSTEE_NAME } from './trustees.ts';
import { isConflictOn, parseStored, randomToken, sha256Hex } from './util.ts';

export const DKG_TOKEN_PREFIX = 'mvdkg_';

export interface DkgCeremonyView {
  id: string;
  threshold: number;
  trustees: string[];
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
  outcome?: { qualified: number[]; disqualified: DkgOutcome['disqualified']; trusteeSetId: string; transcript: string };
}

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

async function insertTokens(tx: Tx, ceremonyId: string, tokens: readonly CeremonyToken[]): Promise<void> {
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

  constructor(store: Store, clock: Clock, random: Random, trusteeSets: TrusteeSets, epochs: EscrowEpochs) {
    this.#store = store;
    this.#clock = clock;
    this.#random = random;
    this.#trusteeSets = trusteeSets;
    this.#epochs = epochs;
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
    const now = this.#clock.now().toISOString();
    const tokens = this.#newTokens(input.trustees);
    await this.#store.transaction(async (tx) => {
      await tx
        .insertInto('registry_dkg_ceremonies')
        .values({
          id,
          threshold: input.threshold,
          trustees_json: JSON.stringify(input.trustees),
          replace_active: input.replace === true ? 1 : 0,
          status: 'open',
          trustee_set_id: null,
          created_at: now,
          completed_at: null,
        })
        .execute();
      await insertTokens(tx, id, tokens);
    });
    return { ceremony: await this.view(id), tokens };
  }

  /** One bearer token per trustee, by ceremony index (shown once; stored hashed). */
  #newTokens(trustees: readonly string[]): CeremonyToken[] {
    return trustees.map((trusteeId, k) => ({ trusteeIndex: k + 1, trusteeId, token: randomToken(DKG_TOKEN_PREFIX, this.#random) }));
  }

  async #row(id: string): Promise<Selectable<Database['registry_dkg_ceremonies']>> {
    const row = await this.#store.db.selectFrom('registry_dkg_ceremonies').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) throw new MvidError('not_found', `no key ceremony ${id}`);
    return row;
  }

  #params(row: Selectable<Database['registry_dkg_ceremonies']>): DkgParameters {
    return { ceremonyId: row.id, threshold: row.threshold, trustees: parseStored<string[]>(row.trustees_json) };
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
              .orderBy('epoch_starts_at')
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
      threshold: row.threshold,
      trustees: this.#params(row).trustees,
      status: row.status,
      trusteeSetId: row.trustee_set_id,
      posted,
      createdAt: row.created_at,
      completedAt: row.completed_at,
      ...epoch,
      batch,
    };
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
      .select('id')
      .where('id', '=', ceremonyId)
      .where('batch_id', '=', row.ceremony_id)
      .executeTakeFirst();
    return member ? row.trustee_index : undefined;
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
      const o = dkgOutcome(this.#params(await this.#row(ceremonyId)), transcriptOf(messages));
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
    const params = this.#params(row);
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
    const previous = DKG_ROUNDS[DKG_ROUNDS.indexOf(round) - 1];
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
    if (round === 'result') await this.#maybeComplete(row);
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
      if (method === 'GET' && m?.[2] === '/me') return { ceremony: await this.view(id), trusteeIndex: index };
      const round = DKG_ROUNDS.find((r) => r === m?.[3]);
      if (round !== undefined && method === 'GET') return { messages: await this.messages(id, round) };
      if (round !== undefined && method === 'POST') return this.post(id, index, round, body);
      throw new MvidError('not_found', `no ceremony route ${method} ${path}`);
    };
    return call as DkgCall;
  }

  /** Publishes the set once every qualified trustee signed the outcome everyone can recompute. */
  async #maybeComplete(row: Selectable<Database['registry_dkg_ceremonies']>): Promise<PublishedTrusteeSet | undefined> {
    const params = this.#params(row);
    const t = transcriptOf(await this.messages(row.id));
    let outcome: DkgOutcome;
    try {
      outcome = dkgOutcome(params, t);
    } catch {
      return undefined;
    }
    const announced = validAnnouncements(params, t.announce);
    const agreed = outcome.qualified.every((i) => {
      const r = t.result.get(i);
      return r !== undefined && resultAgrees(params, i, (announced.get(i) as DkgAnnounce).signKey, r, outcome);
    });
    if (!agreed) return undefined;
    const now = this.#clock.now().toISOString();
    const complete = async (tx: Tx) => {
      const done = await tx
        .updateTable('registry_dkg_ceremonies')
        .set({ status: 'complete', trustee_set_id: outcome.trusteeSet.id, completed_at: now })
        .where('id', '=', row.id)
        .where('status', '=', 'open')
        .executeTakeFirst();
      if (Number(done.numUpdatedRows) !== 1) throw new ConflictError(`key ceremony ${row.id} already completed`);
    };
    const ceremony = { kind: 'dkg' as const, transcript: outcome.transcript, disqualified: outcome.disqualified.length };
    if (row.epoch !== null) {
      const window = { epoch: row.epoch, startsAt: row.epoch_starts_at as string, endsAt: row.epoch_ends_at as string };
      const setId = row.epoch_trustee_set_id as string;
      const set = await this.#trusteeSets.byId(setId);
      if (set) checkEpochKeyOf(set, outcome.trusteeSet);
      try {
        await this.#epochs.publish(setId, window, outcome.trusteeSet, ceremony, complete);
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
