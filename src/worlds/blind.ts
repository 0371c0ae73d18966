/**
 * IdP-blind sign-in, mvid's side (issue 20; the protocol is src/crypto blind-signin.ts):
 * batches of weekly BBS credentials for a signed-in person, issued with the person's one
 * pseudonym secret, and the pseudonym index rows that let a world's report or an authority's
 * request name a person by their blind pseudonym. Issuing is the only moment mvid takes
 * part: what the person later shows to which world, mvid never sees.
 */
import { LruCache, MvidError, toBase64Url, utf8 } from '../core/index.ts';
import type { VrfKey, VrfProof } from '../crypto/index.ts';
import {
  BLIND_ATTRIBUTES,
  BLIND_EPOCH_DAYS,
  BLIND_FORMAT,
  type BlindAttribute,
  type BlindCredential,
  type BlindIssuerKey,
  bbsKeyGen,
  bbsPublicKey,
  blindEpoch,
  blindNymInput,
  blindPseudonym,
  issueBlindCredential,
  nymFromVrfOutput,
} from '../bbs/index.ts';
import type { Store } from '../store/index.ts';
import type { AgePredicateFn, PersonDirectory, World } from './types.ts';

/** How many epochs one request returns: this week's and the next, so a wallet never runs dry between visits. */
export const BLIND_BATCH_EPOCHS = 2;
const ISSUER_KEY_INFO = utf8('mvid blind sign-in issuer key v1');
/** Persons whose blind pseudonyms this process has indexed, with the worlds it indexed them in. */
const INDEXED_ENTRIES = 10_000;

export interface BlindSignInDeps {
  store: Store;
  publicUrl: string;
  pseudonymSecret: Uint8Array;
  vrf: VrfKey;
  persons: PersonDirectory;
  agePredicates?: AgePredicateFn;
  worlds: () => Promise<World[]>;
}

/** What the issuer publishes for wallets and worlds (`GET /worlds/v1/blind-signin`). */
export interface BlindIssuerMetadata {
  format: string;
  issuer: string;
  publicKey: string;
  attributes: readonly BlindAttribute[];
  epochDays: number;
}

export class BlindSignIn {
  readonly #deps: BlindSignInDeps;
  readonly #key: BlindIssuerKey;
  /** person id → the enabled worlds (ids) its pseudonyms were written for: a weekly refresh computes none again. */
  readonly #indexed = new LruCache<string, string>(INDEXED_ENTRIES);
  /** world id ‖ person id → blind pseudonym: each costs a VRF evaluation and a G1 multiplication, and moderation names persons often. */
  readonly #pseudonyms = new LruCache<string, string>(INDEXED_ENTRIES);

  constructor(deps: BlindSignInDeps) {
    this.#deps = deps;
    // Derived from the pseudonym secret every node of a deployment shares (src/keys), under its own key info.
    const secretKey = bbsKeyGen(deps.pseudonymSecret, ISSUER_KEY_INFO);
    this.#key = { secretKey, publicKey: bbsPublicKey(secretKey) };
  }

  metadata(): BlindIssuerMetadata {
    return {
      format: BLIND_FORMAT,
      issuer: this.#deps.publicUrl,
      publicKey: toBase64Url(this.#key.publicKey),
      attributes: BLIND_ATTRIBUTES,
      epochDays: BLIND_EPOCH_DAYS,
    };
  }

  /** The person's pseudonym secret: H(VRF output of "blind-nym" ‖ person id); one per person, the same after recovery. */
  nymOf(personId: string): bigint {
    return nymFromVrfOutput(this.#deps.vrf.evaluate(blindNymInput(personId)));
  }

  /** The person's blind pseudonym in a world (kept in a bounded cache, like `WorldsService.subjectFor`). */
  pseudonymFor(worldId: string, personId: string): string {
    const key = `${worldId}\0${personId}`;
    const cached = this.#pseudonyms.get(key);
    if (cached !== undefined) return cached;
    const pseudonym = blindPseudonym(worldId, this.nymOf(personId));
    this.#pseudonyms.set(key, pseudonym);
    return pseudonym;
  }

  /** The VRF proof that opens a blind pseudonym to a person id (for a trustee's check, src/disclosure subject-binding.ts). */
  nymProof(personId: string): { output: string; proof: VrfProof } {
    return this.#deps.vrf.prove(blindNymInput(personId));
  }

  /**
   * A batch of credentials, this epoch's and the next, and the person's pseudonym in every
   * enabled world written to the pseudonym index (so a report or a request naming it is one
   * indexed read). Age predicates are taken at each epoch's start: they only ever turn true,
   * so one true at the start holds all week.
   * @throws MvidError person_closed
   */
  async issue(personId: string, now: Date): Promise<BlindCredential[]> {
    if (!(await this.#deps.persons.isActive(personId)))
      throw new MvidError('person_closed', 'this account is closed: it receives no credentials');
    const attributes = await this.#deps.persons.attributes(personId);
    const nym = this.nymOf(personId);
    await this.#index(personId, nym);
    return Array.from({ length: BLIND_BATCH_EPOCHS }, (_, offset) => {
      const epoch = blindEpoch(now, offset);
      const ages = attributes.birthdate && this.#deps.agePredicates ? this.#deps.agePredicates(attributes.birthdate, epoch.start) : {};
      const values = Object.fromEntries(
        BLIND_ATTRIBUTES.map((name) => [
          name,
          name === 'residence_country' ? (attributes.residenceCountry ?? '') : String(ages[name] === true),
        ]),
      ) as Record<BlindAttribute, string>;
      return issueBlindCredential(this.#key, this.#deps.publicUrl, epoch.expires, values, nym);
    });
  }

  async #index(personId: string, nym: bigint): Promise<void> {
    const worlds = (await this.#deps.worlds()).filter((w) => w.disabledAt === null);
    const signature = worlds.map((w) => w.id).join('\0');
    // One G1 multiplication per world: done once per person and set of worlds in this process, not at every refresh.
    if (worlds.length === 0 || this.#indexed.get(personId) === signature) return;
    const rows = worlds.map((w) => ({ world_id: w.id, pseudonym: blindPseudonym(w.id, nym), person_id: personId }));
    for (const r of rows) this.#pseudonyms.set(`${r.world_id}\0${personId}`, r.pseudonym);
    await this.#deps.store.db
      .insertInto('worlds_pseudonyms')
      .values(rows)
      .onConflict((oc) => oc.columns(['world_id', 'pseudonym']).doNothing())
      .execute();
    this.#indexed.set(personId, signature);
  }
}
