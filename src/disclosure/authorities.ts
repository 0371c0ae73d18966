/**
 * Authorities that may ask for a disclosure, registered by an administrator. An
 * authority's id is a commitment to its name, jurisdiction, encryption key and
 * registration time, so a log entry naming it also pins the key trustees seal
 * shares to: a server swapping in its own key would have to change the logged id.
 */
import type { Selectable } from 'kysely';
import { type Clock, MvidError, type Random, ValidationError } from '../core/index.ts';
import { tryDecodePoint } from '../crypto/index.ts';
import { fromBase64Url } from '../core/index.ts';
import type { Database, Store } from '../store/index.ts';
import { authorityId } from './commitments.ts';
import type { AuthorityRecord } from './types.ts';
import { newToken, sha256Hex } from './util.ts';

export const AUTHORITY_TOKEN_PREFIX = 'mvau_';
const NAME = /^[\p{L}\p{N}][\p{L}\p{N} .,'()&/-]{1,119}$/u;
const JURISDICTION = /^[A-Z]{2}(-[A-Z0-9]{1,3})?$/;

export interface NewAuthority {
  name: string;
  /** ISO 3166-1 alpha-2 country, optionally with a subdivision (e.g. `DE`, `DE-BY`). */
  jurisdiction: string;
  contact: string;
  /** ristretto255 public key from `generateRecipientKeyPair`, base64url. */
  encryptionKey: string;
}

function toRecord(row: Selectable<Database['disclosure_authorities']>): AuthorityRecord {
  return {
    id: row.id,
    name: row.name,
    jurisdiction: row.jurisdiction,
    contact: row.contact,
    encryptionKey: row.encryption_key,
    registeredAt: row.registered_at,
    disabledAt: row.disabled_at,
  };
}

function validKey(key: string): boolean {
  try {
    return /^[A-Za-z0-9_-]{43}$/.test(key) && tryDecodePoint(fromBase64Url(key)) !== undefined;
  } catch {
    return false;
  }
}

export class Authorities {
  readonly #store: Store;
  readonly #clock: Clock;
  readonly #random: Random;

  constructor(store: Store, clock: Clock, random: Random) {
    this.#store = store;
    this.#clock = clock;
    this.#random = random;
  }

  /**
   * Registers an authority; the returned token is the only copy that will ever exist.
   * @throws MvidError validation_failed | authority_exists
   */
  async add(input: NewAuthority): Promise<{ authority: AuthorityRecord; token: string }> {
    const name = input.name.trim();
    if (!NAME.test(name)) throw new ValidationError("an authority name is 2-120 letters, digits, spaces or .,'()&/-", 'name');
    if (!JURISDICTION.test(input.jurisdiction))
      throw new ValidationError('jurisdiction is an ISO 3166 code such as DE or DE-BY', 'jurisdiction');
    const contact = input.contact.trim();
    if (contact.length < 3 || contact.length > 200) throw new ValidationError('contact is 3-200 characters', 'contact');
    if (!validKey(input.encryptionKey))
      throw new ValidationError('encryptionKey is not a ristretto255 public key (base64url)', 'encryptionKey');
    const registeredAt = this.#clock.now().toISOString();
    const id = authorityId({ name, jurisdiction: input.jurisdiction, encryptionKey: input.encryptionKey, registeredAt });
    const token = newToken(AUTHORITY_TOKEN_PREFIX, this.#random);
    const existing = await this.#store.db.selectFrom('disclosure_authorities').select('id').where('name', '=', name).executeTakeFirst();
    if (existing) throw new MvidError('authority_exists', `an authority named ${name} is already registered`);
    await this.#store.db
      .insertInto('disclosure_authorities')
      .values({
        id,
        name,
        jurisdiction: input.jurisdiction,
        contact,
        encryption_key: input.encryptionKey,
        token_hash: sha256Hex(token),
        registered_at: registeredAt,
        disabled_at: null,
      })
      .execute();
    return {
      authority: {
        id,
        name,
        jurisdiction: input.jurisdiction,
        contact,
        encryptionKey: input.encryptionKey,
        registeredAt,
        disabledAt: null,
      },
      token,
    };
  }

  async list(): Promise<AuthorityRecord[]> {
    const rows = await this.#store.db.selectFrom('disclosure_authorities').selectAll().orderBy('registered_at').execute();
    return rows.map(toRecord);
  }

  async get(id: string): Promise<AuthorityRecord | undefined> {
    const row = await this.#store.db.selectFrom('disclosure_authorities').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? toRecord(row) : undefined;
  }

  /** The live authority behind a bearer token, or undefined (unknown, disabled or malformed). */
  async authenticate(token: string): Promise<AuthorityRecord | undefined> {
    if (!token.startsWith(AUTHORITY_TOKEN_PREFIX) || token.length > 200) return undefined;
    const row = await this.#store.db
      .selectFrom('disclosure_authorities')
      .selectAll()
      .where('token_hash', '=', sha256Hex(token))
      .executeTakeFirst();
    return row && row.disabled_at === null ? toRecord(row) : undefined;
  }

  /** Disables an authority: its token stops working; its requests stay on record. */
  async disable(idOrName: string): Promise<AuthorityRecord> {
    const now = this.#clock.now().toISOString();
    const row = await this.#store.db
      .updateTable('disclosure_authorities')
      .set({ disabled_at: now })
      .where((eb) => eb.or([eb('id', '=', idOrName), eb('name', '=', idOrName)]))
      .where('disabled_at', 'is', null)
      .returningAll()
      .executeTakeFirst();
    if (!row) throw new MvidError('not_found', `no live authority ${idOrName}`);
    return toRecord(row);
  }
}
