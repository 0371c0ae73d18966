/**
 * Proofing issuers: who may vouch for a person's legal identity, with which keys, for
 * which claims and identifier namespaces. Registered by an administrator; the
 * development issuer registers itself in development mode only.
 */
import type { JsonWebKey } from 'node:crypto';
import type { Selectable } from 'kysely';
import { type Clock, MvidError, type Random, ValidationError } from '../core/index.ts';
import type { Database, Store } from '../store/index.ts';
import type { DevIssuerKey } from './dev-issuer.ts';
import { publicHolderJwk } from './jws.ts';
import { PID_CLAIMS, REQUIRED_PID_CLAIMS } from './pid-claims.ts';
import { DEV_ISSUER_ISS, DEV_ISSUER_NAME, type IssuerRecord, PID_VCT } from './types.ts';
import { isConflictOn, parseStored } from './util.ts';

export interface NewIssuer {
  name: string;
  iss: string;
  jwks: { keys: unknown[] };
  /** Claims it attests; default: every PID claim. */
  claims?: string[];
  /** Identifier namespaces it may attest (`*` for any). */
  namespaces: string[];
  /** Accepted credential types; default the PID type. */
  vcts?: string[];
}

function toRecord(row: Selectable<Database['registry_issuers']>): IssuerRecord {
  return {
    id: row.id,
    name: row.name,
    iss: row.iss,
    jwks: parseStored(row.jwks_json),
    claims: parseStored(row.claims_json),
    namespaces: parseStored(row.namespaces_json),
    vcts: parseStored(row.vcts_json),
    dev: row.dev === 1,
    createdAt: row.created_at,
    disabledAt: row.disabled_at,
  };
}

/** Only public signature keys of the algorithms PIDs may use; a private member is refused loudly. */
function publicIssuerKeys(jwks: { keys: unknown[] }): JsonWebKey[] {
  if (!Array.isArray(jwks?.keys) || jwks.keys.length === 0 || jwks.keys.length > 20) {
    throw new ValidationError('the JWKS must hold 1 to 20 keys', 'jwks');
  }
  return jwks.keys.map((key, i) => {
    let jwk: JsonWebKey;
    try {
      jwk = publicHolderJwk(key);
    } catch (error) {
      throw new ValidationError(`JWKS key ${i}: ${(error as Error).message.replace(/^the holder key /, '')}`, 'jwks');
    }
    const kid = (key as { kid?: unknown }).kid;
    return typeof kid === 'string' && kid.length <= 200 ? { ...jwk, kid } : jwk;
  });
}

function checkClaims(claims: string[]): string[] {
  const unknown = claims.filter((c) => !(PID_CLAIMS as readonly string[]).includes(c));
  if (unknown.length > 0) throw new ValidationError(`unknown PID claims: ${unknown.join(', ')}`, 'claims');
  const missing = REQUIRED_PID_CLAIMS.filter((c) => !claims.includes(c));
  if (missing.length > 0) throw new ValidationError(`a proofing issuer must attest ${missing.join(', ')}`, 'claims');
  return [...new Set(claims)];
}

export class IssuerRegistry {
  readonly #store: Store;
  readonly #clock: Clock;
  readonly #random: Random;
  readonly #mode: string;

  constructor(store: Store, clock: Clock, random: Random, mode: string) {
    this.#store = store;
    this.#clock = clock;
    this.#random = random;
    this.#mode = mode;
  }

  /**
   * Registers a proofing issuer.
   * @throws MvidError issuer_exists | validation_failed | dev_issuer_disabled
   */
  async add(input: NewIssuer, options: { dev?: boolean } = {}): Promise<IssuerRecord> {
    if (input.iss === DEV_ISSUER_ISS && options.dev !== true)
      throw new ValidationError(`${DEV_ISSUER_ISS} is reserved for the development issuer`, 'iss');
    if (input.namespaces.length === 0) throw new ValidationError('name at least one identifier namespace (or *)', 'namespaces');
    const now = this.#clock.now().toISOString();
    const row = {
      id: this.#random.uuid(),
      name: input.name,
      iss: input.iss,
      jwks_json: JSON.stringify({ keys: publicIssuerKeys(input.jwks) }),
      claims_json: JSON.stringify(checkClaims(input.claims ?? [...PID_CLAIMS])),
      namespaces_json: JSON.stringify([...new Set(input.namespaces)]),
      vcts_json: JSON.stringify(input.vcts ?? [PID_VCT]),
      dev: options.dev === true ? 1 : 0,
      created_at: now,
      updated_at: now,
      disabled_at: null,
    };
    try {
      await this.#store.db.insertInto('registry_issuers').values(row).execute();
    } catch (error) {
      if (isConflictOn(error, 'registry_issuers'))
        throw new MvidError('issuer_exists', `an issuer named ${input.name} or with iss ${input.iss} exists`);
      throw error;
    }
    return toRecord(row);
  }

  /** Every issuer, enabled or not, oldest first. */
  async list(): Promise<IssuerRecord[]> {
    const rows = await this.#store.db.selectFrom('registry_issuers').selectAll().orderBy('created_at').orderBy('name').execute();
    return rows.map(toRecord);
  }

  async findByIss(iss: string): Promise<IssuerRecord | undefined> {
    const row = await this.#store.db.selectFrom('registry_issuers').selectAll().where('iss', '=', iss).executeTakeFirst();
    return row ? toRecord(row) : undefined;
  }

  /** Disables an issuer: its PIDs are refused from now on (people it proofed stay enrolled). */
  async disable(id: string): Promise<IssuerRecord> {
    const now = this.#clock.now().toISOString();
    await this.#store.db
      .updateTable('registry_issuers')
      .set({ disabled_at: now, updated_at: now })
      .where('id', '=', id)
      .where('disabled_at', 'is', null)
      .execute();
    const row = await this.#store.db.selectFrom('registry_issuers').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) throw new MvidError('not_found', `no issuer with id ${id}`);
    return toRecord(row);
  }

  /**
   * Registers (or refreshes the keys of) the development issuer. Development mode only;
   * called at start-up so `mvid dev pid` output is accepted right away.
   */
  async ensureDevIssuer(key: DevIssuerKey): Promise<IssuerRecord> {
    if (this.#mode !== 'development') throw new MvidError('dev_issuer_disabled', 'the development issuer exists only in development mode');
    const existing = await this.findByIss(DEV_ISSUER_ISS);
    if (existing) {
      // Never replaced: another node's different key would make this one's PIDs fail (issue 15).
      if (!sameKeys(existing.jwks.keys, [key.publicJwk])) {
        throw new MvidError(
          'keys_mismatch',
          `the development PID issuer is registered with another key (kid ${existing.jwks.keys.map((k) => (k as { kid?: string }).kid).join(', ')}) than this node's (kid ${key.publicJwk.kid}): this node's keys differ from the deployment's`,
        );
      }
      return existing;
    }
    try {
      return await this.add(
        { name: DEV_ISSUER_NAME, iss: DEV_ISSUER_ISS, jwks: { keys: [key.publicJwk] }, namespaces: ['*'] },
        { dev: true },
      );
    } catch (error) {
      // Two nodes starting together: the other one registered it.
      if (error instanceof MvidError && error.code === 'issuer_exists') return (await this.findByIss(DEV_ISSUER_ISS)) as IssuerRecord;
      throw error;
    }
  }
}

/** Whether two JWK lists hold the same public keys (member order within a JWK aside). */
function sameKeys(a: JsonWebKey[], b: JsonWebKey[]): boolean {
  const canonical = (keys: JsonWebKey[]) => JSON.stringify(keys.map((k) => [k.kty, k.crv, k.x, k.y, k.n, k.e]));
  return canonical(a) === canonical(b);
}
