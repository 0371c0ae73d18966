/**
 * Postponing the person's notification. The authority asks, citing a (new) court
 * order; the extension takes effect only when M trustees approve it, and the
 * `notification_delay_extended` entry is then logged — so a delay can never be
 * stretched quietly by the authority or the operator alone.
 */
import { type Clock, MvidError, type Random } from '../core/index.ts';
import type { Store } from '../store/index.ts';
import { type CourtOrderOpening, courtOrderCommitment, newSalt } from './commitments.ts';
import type { Requests } from './requests.ts';
import type { AuthorityRecord, CourtOrder, DisclosureOptions } from './types.ts';
import { DAY_MS, addMs } from './util.ts';
import { checkCourtOrder } from './validation.ts';

export interface ExtensionView {
  id: string;
  requestId: string;
  until: string;
  status: 'pending' | 'approved' | 'denied' | 'expired';
  courtOrder: CourtOrderOpening;
  createdAt: string;
  expiresAt: string;
  decidedAt: string | null;
}

export class Extensions {
  readonly #store: Store;
  readonly #clock: Clock;
  readonly #random: Random;
  readonly #requests: Requests;
  readonly #options: DisclosureOptions;

  constructor(deps: { store: Store; clock: Clock; random: Random; requests: Requests; options: DisclosureOptions }) {
    this.#store = deps.store;
    this.#clock = deps.clock;
    this.#random = deps.random;
    this.#requests = deps.requests;
    this.#options = deps.options;
  }

  /**
   * Asks the trustees to postpone the notification of a released request until `until`.
   * @throws MvidError not_found | release_not_ready | notification_delay_invalid | court_order_invalid
   */
  async request(authority: AuthorityRecord, requestId: string, input: { until: string; courtOrder: CourtOrder }): Promise<ExtensionView> {
    const row = await this.#requests.ofAuthority(authority.id, requestId);
    if (row.notify_at === null) throw new MvidError('release_not_ready', 'only a released request has a notification to postpone');
    const now = this.#clock.now();
    const current = new Date(row.notify_at);
    const until = new Date(input.until);
    const limit = addMs(current, this.#options.maxNotificationDelayDays * DAY_MS);
    if (current <= now)
      throw new MvidError('notification_delay_invalid', 'the person has already been notified', { extensions: { field: 'until' } });
    if (Number.isNaN(until.getTime()) || until <= current || until > limit) {
      throw new MvidError(
        'notification_delay_invalid',
        `until must be after ${current.toISOString()} and at most ${this.#options.maxNotificationDelayDays} days later`,
        {
          extensions: { field: 'until' },
        },
      );
    }
    const fieldGroups = checkCourtOrder({ ...input.courtOrder, fieldGroups: input.courtOrder.fieldGroups ?? [] }, now, this.#options);
    const order: CourtOrderOpening = {
      court: input.courtOrder.court.trim(),
      reference: input.courtOrder.reference.trim(),
      date: input.courtOrder.date,
      documentSha256: input.courtOrder.documentSha256,
      fieldGroups,
      salt: newSalt((n) => this.#random.bytes(n)),
    };
    const id = this.#random.uuid();
    const view: ExtensionView = {
      id,
      requestId,
      until: until.toISOString(),
      status: 'pending',
      courtOrder: order,
      createdAt: now.toISOString(),
      expiresAt: addMs(now, this.#options.extensionValidityDays * DAY_MS).toISOString(),
      decidedAt: null,
    };
    await this.#store.db
      .insertInto('disclosure_extensions')
      .values({
        id,
        request_id: requestId,
        until: view.until,
        court_order: courtOrderCommitment(order),
        court_order_json: JSON.stringify(order),
        status: 'pending',
        created_at: view.createdAt,
        expires_at: view.expiresAt,
        decided_at: null,
      })
      .execute();
    return view;
  }

  async ofRequest(requestId: string): Promise<ExtensionView[]> {
    const rows = await this.#store.db
      .selectFrom('disclosure_extensions')
      .selectAll()
      .where('request_id', '=', requestId)
      .orderBy('created_at')
      .execute();
    return rows.map((r) => ({
      id: r.id,
      requestId: r.request_id,
      until: r.until,
      status: r.status,
      courtOrder: JSON.parse(r.court_order_json) as CourtOrderOpening,
      createdAt: r.created_at,
      expiresAt: r.expires_at,
      decidedAt: r.decided_at,
    }));
  }

  async get(id: string): Promise<ExtensionView | undefined> {
    const row = await this.#store.db.selectFrom('disclosure_extensions').select('request_id').where('id', '=', id).executeTakeFirst();
    return row ? (await this.ofRequest(row.request_id)).find((e) => e.id === id) : undefined;
  }
}
