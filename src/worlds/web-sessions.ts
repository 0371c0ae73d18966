/**
 * Browser sessions of persons on mvid's own pages (sign-in, consent, the portal).
 * The cookie holds a random token; the database holds its SHA-256, so a database
 * copy opens no session. A new session is minted at every sign-in (rotation), and
 * CSRF tokens are MACs bound to the session (or, before sign-in, to the interaction).
 */
import { createHash, createHmac } from 'node:crypto';
import { type Clock, constantTimeEqual, type Random, toBase64Url, utf8 } from '../core/index.ts';
import type { Store, Tx } from '../store/index.ts';

export const WEB_SESSION_TTL_SECONDS = 8 * 3600;

export interface WebSession {
  id: string;
  personId: string;
  expiresAt: string;
}

const sha256Hex = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

export class WebSessions {
  readonly #store: Store;
  readonly #clock: Clock;
  readonly #random: Random;
  readonly #secret: Uint8Array;

  constructor(store: Store, clock: Clock, random: Random, cookieSecret: Uint8Array) {
    this.#store = store;
    this.#clock = clock;
    this.#random = random;
    this.#secret = cookieSecret;
  }

  /** Opens a session for a person, revoking the one the browser held (rotation). Returns the cookie value. */
  async open(personId: string, previousToken?: string): Promise<{ token: string; session: WebSession }> {
    const now = this.#clock.now();
    const token = `mvb_${toBase64Url(this.#random.bytes(32))}`;
    const session = {
      id: this.#random.uuid(),
      personId,
      expiresAt: new Date(now.getTime() + WEB_SESSION_TTL_SECONDS * 1000).toISOString(),
    };
    await this.#store.transaction(async (tx) => {
      if (previousToken)
        await tx
          .updateTable('worlds_web_sessions')
          .set({ revoked_at: now.toISOString() })
          .where('token_hash', '=', sha256Hex(previousToken))
          .execute();
      await tx.deleteFrom('worlds_web_sessions').where('expires_at', '<', now.toISOString()).execute();
      await tx
        .insertInto('worlds_web_sessions')
        .values({
          id: session.id,
          token_hash: sha256Hex(token),
          person_id: personId,
          created_at: now.toISOString(),
          expires_at: session.expiresAt,
          revoked_at: null,
        })
        .execute();
    });
    return { token, session };
  }

  async resolve(token: string | undefined): Promise<WebSession | undefined> {
    if (typeof token !== 'string' || !token.startsWith('mvb_') || token.length > 100) return undefined;
    const row = await this.#store.db
      .selectFrom('worlds_web_sessions')
      .selectAll()
      .where('token_hash', '=', sha256Hex(token))
      .executeTakeFirst();
    if (!row || row.revoked_at !== null || row.expires_at <= this.#clock.now().toISOString()) return undefined;
    return { id: row.id, personId: row.person_id, expiresAt: row.expires_at };
  }

  async revoke(token: string | undefined): Promise<void> {
    if (typeof token !== 'string') return;
    await this.#store.db
      .updateTable('worlds_web_sessions')
      .set({ revoked_at: this.#clock.now().toISOString() })
      .where('token_hash', '=', sha256Hex(token))
      .execute();
  }

  /** Ends every browser session of a person (account closed), in the caller's transaction. */
  async revokeAll(tx: Tx, personId: string, at: Date): Promise<void> {
    await tx
      .updateTable('worlds_web_sessions')
      .set({ revoked_at: at.toISOString() })
      .where('person_id', '=', personId)
      .where('revoked_at', 'is', null)
      .execute();
  }

  /** A CSRF token bound to what the form belongs to: `session:<id>` or `interaction:<uid>`. */
  csrfToken(binding: string): string {
    return toBase64Url(createHmac('sha256', this.#secret).update(`mvid-csrf\0${binding}`).digest());
  }

  csrfValid(binding: string, presented: unknown): boolean {
    if (typeof presented !== 'string' || presented.length > 100) return false;
    return constantTimeEqual(utf8(this.csrfToken(binding)), utf8(presented));
  }
}
