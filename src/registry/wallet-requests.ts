/**
 * Enrolment from a wallet, same device (OpenID4VP, response mode direct_post): mvid opens
 * a request (a nonce for the PID's key binding, bound to the browser that asked by a
 * cookie secret), the wallet posts the PID presentation back, mvid enrols from it exactly
 * as the enrolment API does and answers with a single-use response code, and the wallet
 * sends the browser back with that code. Only the browser that opened the request *and*
 * holds the code may take the new identity — a link forwarded to someone else's wallet
 * enrols them, but hands nothing to the forwarder's browser.
 *
 * The same request can recover a person instead (purpose `recover`: the PID must match an
 * enrolled person's uniqueness tag, see Enrolments.recover). And a wallet on another device
 * (cross-device, a QR code) cannot send the browser back, so that browser polls and, once
 * the wallet has answered, finishes with its cookie secret alone. That is OpenID4VP's
 * cross-device flow, with its known weakness: whoever shows a person the QR code gets the
 * session the person's wallet opens. It is therefore offered for enrolment only, never for
 * recovery (which would hand over an existing account and its worlds).
 */
import { MvidError, type Random, toBase64Url } from '../core/index.ts';
import type { Store } from '../store/index.ts';
import type { EnrolmentResult, Enrolments } from './enrolment.ts';
import type { IssuedNonce } from './nonces.ts';
import { addSeconds, sha256Hex } from './util.ts';
import type { Clock } from '../core/index.ts';

export const WALLET_REQUEST_TTL_SECONDS = 600;

export type WalletRequestPurpose = 'enrol' | 'recover';

export interface WalletRequestOptions {
  /** Enrol a new person (default) or recover an enrolled one. */
  purpose?: WalletRequestPurpose;
  /** The wallet answers from another device; the browser polls. Enrolment only. */
  crossDevice?: boolean;
}

/** A browser's open request and where it stands (the cross-device page shows and polls it). */
export interface CurrentWalletRequest {
  id: string;
  nonce: string;
  expiresAt: string;
  purpose: WalletRequestPurpose;
  crossDevice: boolean;
  state: 'pending' | 'answered' | 'failed';
  /** The refusal's error code, when failed. */
  error: string | null;
}

export interface OpenedWalletRequest {
  id: string;
  nonce: string;
  /** Goes into the browser's cookie; only its hash is stored. */
  browserSecret: string;
  expiresAt: string;
}

const gone = () => new MvidError('not_found', 'this wallet request does not exist or has expired; start again');

/** The nonce a presentation's key-binding JWT answers (the last `~` part), or undefined. */
function kbNonce(presentation: string): string | undefined {
  const kb = presentation.split('~').at(-1) ?? '';
  const payload = kb.split('.')[1];
  if (!payload) return undefined;
  try {
    const nonce = (JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { nonce?: unknown }).nonce;
    return typeof nonce === 'string' ? nonce : undefined;
  } catch {
    return undefined;
  }
}

export class WalletRequests {
  readonly #store: Store;
  readonly #clock: Clock;
  readonly #random: Random;
  readonly #enrolments: Enrolments;
  readonly #issueNonce: () => IssuedNonce;

  constructor(store: Store, clock: Clock, random: Random, enrolments: Enrolments, issueNonce: () => IssuedNonce) {
    this.#store = store;
    this.#clock = clock;
    this.#random = random;
    this.#enrolments = enrolments;
    this.#issueNonce = issueNonce;
  }

  /** Opens a request for a browser; expired requests of anyone are dropped on the way. */
  async open(options: WalletRequestOptions = {}): Promise<OpenedWalletRequest> {
    const purpose = options.purpose ?? 'enrol';
    if (purpose === 'recover' && options.crossDevice)
      throw new MvidError(
        'validation_failed',
        'recovery is offered on the same device only: a QR code shown by someone else would hand them your account',
      );
    const now = this.#clock.now();
    await this.#store.db.deleteFrom('registry_wallet_requests').where('expires_at', '<', now.toISOString()).execute();
    const id = toBase64Url(this.#random.bytes(18));
    const browserSecret = toBase64Url(this.#random.bytes(32));
    const { nonce } = this.#issueNonce();
    const expiresAt = addSeconds(now, WALLET_REQUEST_TTL_SECONDS);
    await this.#store.db
      .insertInto('registry_wallet_requests')
      .values({
        id,
        browser_hash: sha256Hex(browserSecret),
        nonce,
        status: 'pending',
        person_id: null,
        error: null,
        code_hash: null,
        created_at: now.toISOString(),
        expires_at: expiresAt,
        purpose,
        cross_device: options.crossDevice ? 1 : 0,
      })
      .execute();
    return { id, nonce, browserSecret, expiresAt };
  }

  /**
   * The wallet's answer: enrols (or, for a recovery request, recovers) from `presentation`
   * (which must answer this request's nonce), once. Returns the response code for the browser.
   * @throws MvidError not_found | kb_nonce_mismatch | conflict | any enrolment code
   */
  async answer(id: string, presentation: string): Promise<{ responseCode: string; enrolment: EnrolmentResult; crossDevice: boolean }> {
    const now = this.#clock.now().toISOString();
    const row = await this.#store.db
      .selectFrom('registry_wallet_requests')
      .selectAll()
      .where('id', '=', id)
      .where('expires_at', '>', now)
      .executeTakeFirst();
    if (!row) throw gone();
    if (kbNonce(presentation) !== row.nonce) throw new MvidError('kb_nonce_mismatch', 'the presentation answers another request');
    // Claim the request before the (slow) enrolment, so a second answer cannot race it.
    const claimed = await this.#store.db
      .updateTable('registry_wallet_requests')
      .set({ status: 'answering' })
      .where('id', '=', id)
      .where('status', '=', 'pending')
      .executeTakeFirst();
    if (Number(claimed.numUpdatedRows) !== 1) throw new MvidError('conflict', 'this wallet request was already answered');
    let enrolment: EnrolmentResult;
    try {
      enrolment = row.purpose === 'recover' ? await this.#enrolments.recover(presentation) : await this.#enrolments.enrol(presentation);
    } catch (error) {
      const code = error instanceof MvidError ? error.code : 'internal_error';
      await this.#store.db.updateTable('registry_wallet_requests').set({ status: 'failed', error: code }).where('id', '=', id).execute();
      throw error;
    }
    const responseCode = toBase64Url(this.#random.bytes(32));
    await this.#store.db
      .updateTable('registry_wallet_requests')
      .set({ status: 'enrolled', person_id: enrolment.personId, code_hash: sha256Hex(responseCode) })
      .where('id', '=', id)
      .execute();
    return { responseCode, enrolment, crossDevice: row.cross_device === 1 };
  }

  async #ofBrowser(browserSecret: string) {
    const row = await this.#store.db
      .selectFrom('registry_wallet_requests')
      .selectAll()
      .where('browser_hash', '=', sha256Hex(browserSecret))
      .where('expires_at', '>', this.#clock.now().toISOString())
      .executeTakeFirst();
    if (!row) throw gone();
    return row;
  }

  /** The browser's open request, if it has one (expired ones are gone). */
  async current(browserSecret: string): Promise<CurrentWalletRequest | undefined> {
    const row = await this.#ofBrowser(browserSecret).catch(() => undefined);
    if (!row) return undefined;
    return {
      id: row.id,
      nonce: row.nonce,
      expiresAt: row.expires_at,
      purpose: row.purpose === 'recover' ? 'recover' : 'enrol',
      crossDevice: row.cross_device === 1,
      state: row.status === 'failed' ? 'failed' : row.status === 'enrolled' ? 'answered' : 'pending',
      error: row.error,
    };
  }

  /**
   * The cross-device finish: the browser that opened a cross-device request takes the
   * person its wallet enrolled, with its cookie secret alone; the request is consumed.
   * @throws MvidError not_found | conflict (not answered yet, refused, or not a cross-device request)
   */
  async finish(browserSecret: string): Promise<string> {
    const row = await this.#ofBrowser(browserSecret);
    if (row.cross_device !== 1) throw new MvidError('conflict', 'this request was opened for a wallet on this device: it finishes there');
    return this.#consume(row);
  }

  async #consume(row: { id: string; status: string; error: string | null; person_id: string | null }): Promise<string> {
    if (row.status === 'failed') throw new MvidError('conflict', `your wallet's PID was refused (${row.error ?? 'unknown'}); start again`);
    if (row.status !== 'enrolled' || row.person_id === null) throw new MvidError('conflict', 'your wallet has not answered yet');
    const deleted = await this.#store.db.deleteFrom('registry_wallet_requests').where('id', '=', row.id).executeTakeFirst();
    if (Number(deleted.numDeletedRows) !== 1) throw gone();
    return row.person_id;
  }

  /**
   * The browser's return: its cookie secret and the response code must match one
   * answered request; the request is consumed and the new person's id returned.
   * @throws MvidError not_found | conflict (not answered yet) | the refused enrolment's code
   */
  async redeem(browserSecret: string, responseCode: string): Promise<string> {
    const row = await this.#ofBrowser(browserSecret);
    if (row.status === 'enrolled' && row.code_hash !== sha256Hex(responseCode)) throw gone();
    return this.#consume(row);
  }
}
