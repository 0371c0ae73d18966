/**
 * The attribute issuer registry: which bodies may attest which social characteristic
 * (occupation, membership), and with which keys. Natural characteristics (age,
 * personhood, residence) come from mvid's own proofing and can never be registered.
 */
import { createPublicKey } from 'node:crypto';
import { ConflictError, type Clock, MvidError, type Random, ValidationError } from '../core/index.ts';
import { publicJwkOf } from '../sdk/index.ts';
import type { JSONWebKeySet, JsonWebKey } from '../sdk/index.ts';
import type { Store } from '../store/index.ts';
import { type CredentialKind, isCredentialKind, kindOfVct, vctFor } from './types.ts';
import { parseStored } from './util.ts';

/** The kinds an attribute issuer may attest. */
export const ATTRIBUTE_KINDS: readonly CredentialKind[] = ['occupation', 'membership'];

export interface AttributeIssuer {
  id: string;
  name: string;
  iss: string;
  jwks: JSONWebKeySet;
  /** mvid `vct`s it may attest. */
  vcts: string[];
  createdAt: string;
  disabledAt: string | null;
}

export interface NewAttributeIssuer {
  name: string;
  iss: string;
  /** Kinds (`occupation`) or full mvid `vct` URLs. */
  vcts: readonly string[];
  jwks: unknown;
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9 ._@&()'-]{0,99}$/;
const MAX_KEYS = 10;

type Row = {
  id: string;
  name: string;
  iss: string;
  jwks_json: string;
  vcts_json: string;
  created_at: string;
  disabled_at: string | null;
};

function toRecord(row: Row): AttributeIssuer {
  return {
    id: row.id,
    name: row.name,
    iss: row.iss,
    jwks: parseStored(row.jwks_json),
    vcts: parseStored(row.vcts_json),
    createdAt: row.created_at,
    disabledAt: row.disabled_at,
  };
}

export class AttributeIssuers {
  readonly #store: Store;
  readonly #clock: Clock;
  readonly #random: Random;
  readonly #publicUrl: string;

  constructor(store: Store, clock: Clock, random: Random, publicUrl: string) {
    this.#store = store;
    this.#clock = clock;
    this.#random = random;
    this.#publicUrl = publicUrl;
  }

  /**
   * Registers an issuer. Keys are reduced to their public members (a private member is
   * refused outright: it would mean the issuer's secret left its hands).
   * @throws ValidationError on a bad name, iss, vct or JWKS; MvidError issuer_exists
   *
   * @example await issuers.add({ name: 'Board of Nursing', iss: 'https://nursing.example', vcts: ['occupation'], jwks })
   */
  async add(input: NewAttributeIssuer): Promise<AttributeIssuer> {
    if (typeof input.name !== 'string' || !NAME.test(input.name)) throw new ValidationError('name is 1-100 plain characters', 'name');
    if (typeof input.iss !== 'string' || input.iss.length === 0 || input.iss.length > 300 || input.iss === this.#publicUrl) {
      throw new ValidationError('iss must be the issuer identifier its credentials carry (not mvid itself)', 'iss');
    }
    const vcts = this.#vcts(input.vcts);
    const jwks = checkJwks(input.jwks);
    const now = this.#clock.now().toISOString();
    const row = {
      id: this.#random.uuid(),
      name: input.name,
      iss: input.iss,
      jwks_json: JSON.stringify(jwks),
      vcts_json: JSON.stringify(vcts),
      created_at: now,
      updated_at: now,
      disabled_at: null,
    };
    try {
      await this.#store.db.insertInto('credentials_attribute_issuers').values(row).execute();
    } catch (error) {
      if (error instanceof ConflictError) throw new MvidError('issuer_exists', 'an attribute issuer with this name or iss is registered');
      throw error;
    }
    return toRecord(row);
  }

  async list(): Promise<AttributeIssuer[]> {
    const rows = await this.#store.db.selectFrom('credentials_attribute_issuers').selectAll().orderBy('created_at').orderBy('id').execute();
    return rows.map(toRecord);
  }

  /** Enabled issuers registered for `vct`. */
  async forVct(vct: string): Promise<AttributeIssuer[]> {
    return (await this.list()).filter((i) => i.disabledAt === null && i.vcts.includes(vct));
  }

  /** The enabled issuer with this `iss`, if any. */
  async byIss(iss: string): Promise<AttributeIssuer | undefined> {
    const row = await this.#store.db
      .selectFrom('credentials_attribute_issuers')
      .selectAll()
      .where('iss', '=', iss)
      .where('disabled_at', 'is', null)
      .executeTakeFirst();
    return row && toRecord(row);
  }

  /** Disables an issuer (by id or name): its credentials are refused from now on. */
  async disable(idOrName: string): Promise<void> {
    const now = this.#clock.now().toISOString();
    const rows = await this.#store.db
      .updateTable('credentials_attribute_issuers')
      .set({ disabled_at: now, updated_at: now })
      .where((eb) => eb.or([eb('id', '=', idOrName), eb('name', '=', idOrName)]))
      .where('disabled_at', 'is', null)
      .returning('id')
      .execute();
    if (rows.length === 0) throw new MvidError('not_found', `no enabled attribute issuer ${idOrName}`);
  }

  #vcts(values: readonly string[]): string[] {
    if (!Array.isArray(values) || values.length === 0) throw new ValidationError('name at least one vct', 'vcts');
    const out = new Set<string>();
    for (const value of values) {
      const kind = isCredentialKind(value) ? value : typeof value === 'string' ? kindOfVct(this.#publicUrl, value) : undefined;
      if (kind === undefined || !ATTRIBUTE_KINDS.includes(kind)) {
        throw new ValidationError(
          `vct ${String(value).slice(0, 100)} is not one attribute issuers may attest (${ATTRIBUTE_KINDS.join(', ')})`,
          'vcts',
        );
      }
      out.add(vctFor(this.#publicUrl, kind));
    }
    return [...out];
  }
}

function checkJwks(value: unknown): JSONWebKeySet {
  const keys = (value as { keys?: unknown } | null)?.keys;
  if (!Array.isArray(keys) || keys.length === 0 || keys.length > MAX_KEYS) {
    throw new ValidationError(`jwks must be a JWK Set with 1-${MAX_KEYS} keys`, 'jwks');
  }
  return {
    keys: keys.map((jwk: JsonWebKey) => {
      if (typeof jwk !== 'object' || jwk === null || jwk.d !== undefined) throw new ValidationError('jwks holds a private key', 'jwks');
      let pub: JsonWebKey;
      try {
        pub = publicJwkOf(jwk);
        createPublicKey({ key: pub, format: 'jwk' }); // refuses a point that is not on its curve
      } catch {
        throw new ValidationError('every key must be a P-256 or Ed25519 public key', 'jwks');
      }
      const alg = pub.kty === 'EC' ? 'ES256' : 'EdDSA';
      if (jwk.alg !== undefined && jwk.alg !== alg) throw new ValidationError(`a ${pub.crv} key cannot have alg ${jwk.alg}`, 'jwks');
      return { ...pub, alg, use: 'sig', ...(typeof jwk.kid === 'string' ? { kid: jwk.kid } : {}) };
    }),
  };
}
