/**
 * Issuance to an enrolled person: the claims of each kind come from mvid's own
 * proofing (age from the service-readable birthdate, personhood, residence country)
 * or from a registered attribute issuer's credential (occupation, membership), are
 * issued as a batch of unlinkable copies, and get one random status entry each, all
 * in one transaction with the nonces they answer.
 */
import { MvidError, ValidationError } from '../core/index.ts';
import type { JsonWebKey } from '../sdk/index.ts';
import { ATTRIBUTE_KINDS, type AttributeIssuers } from './attribute-issuers.ts';
import { type VerifiedSource, verifyAttributeSource } from './attribute-source.ts';
import { ISO_3166_ALPHA2 } from './countries.ts';
import { issueCredentials } from './issue.ts';
import { consumeCNonce } from './nonces.ts';
import type { CredentialsDeps } from './ports.ts';
import { MAX_PROOFS, verifyKeyProofs } from './proofs.ts';
import type { Revocations } from './revocation.ts';
import { StatusLists } from './status-store.ts';
import {
  agePredicates,
  type CredentialKind,
  claimNames,
  isCredentialKind,
  issuanceClaimsSchema,
  predicateValidUntil,
  vctFor,
} from './types.ts';
import { sealAttested } from './attested.ts';
import { issuerJwtOf, sha256B64u } from './util.ts';

export interface IssueRequest {
  kind: string;
  /** Copies bound to the person's registered holder key (linkable through `cnf`); ignored with `proofs`. */
  copies?: number;
  /** Key proofs (`openid4vci-proof+jwt`), one per copy: each copy bound to its own key. */
  proofs?: readonly unknown[];
  /** occupation / membership: the registered issuer's SD-JWT VC, fully disclosed, key-bound to mvid. */
  source?: unknown;
}

export interface IssueResult {
  kind: CredentialKind;
  vct: string;
  credentials: Array<{ credential: string; expiresAt: string }>;
  /**
   * True when several copies share one holder key: a world comparing `cnf` would see
   * they belong to one holder. Give one key proof per copy to avoid it.
   */
  linkable: boolean;
}

interface Claims {
  claims: Record<string, unknown>;
  validUntil: Date | null;
  source?: VerifiedSource;
}

export class Issuance {
  readonly #deps: CredentialsDeps;
  readonly #lists: StatusLists;
  readonly #revocations: Revocations;
  readonly #issuers: AttributeIssuers;
  readonly #nonceKey: Uint8Array;

  constructor(deps: CredentialsDeps, lists: StatusLists, revocations: Revocations, issuers: AttributeIssuers, nonceKey: Uint8Array) {
    this.#deps = deps;
    this.#lists = lists;
    this.#revocations = revocations;
    this.#issuers = issuers;
    this.#nonceKey = nonceKey;
  }

  /**
   * Issues `request.kind` to an active person.
   * @throws MvidError person_closed | not_found | attribute_unavailable | proof_invalid | proof_nonce_invalid
   *   | attribute_issuer_unregistered | source_holder_mismatch | a verifier code for a bad source | validation_failed
   *
   * @example await issuance.issue(personId, { kind: 'age', proofs: [proof1, proof2] })
   */
  async issue(personId: string, request: IssueRequest): Promise<IssueResult> {
    const { clock, subjects, options } = this.#deps;
    if (!isCredentialKind(request.kind)) {
      throw new MvidError('credential_configuration_unknown', `mvid issues no credential of kind ${String(request.kind).slice(0, 50)}`, {
        extensions: { error: 'unknown_credential_configuration' },
      });
    }
    const kind = request.kind;
    await this.#requireActive(personId);
    const now = clock.now();
    const proofs =
      request.proofs === undefined
        ? undefined
        : await verifyKeyProofs(request.proofs, { audience: options.publicUrl, now, nonceKey: this.#nonceKey });
    const holderKeys = proofs?.keys ?? (await this.#registeredKey(personId, request.copies));
    const { claims, validUntil, source } = await this.#claims(personId, kind, request.source, now);

    const copies = holderKeys.length;
    const lifetimeSeconds = (options.lifetimeDays ?? 30) * 86_400;
    const nonces = new Map<string, Date>();
    if (proofs) nonces.set(proofs.nonce, proofs.nonceExpires);
    if (source) nonces.set(source.nonce, source.nonceExpires); // one c_nonce may serve both: answered once
    const issued = await this.#deps.store.transaction(async (tx) => {
      await this.#revocations.lockPerson(tx, personId);
      for (const [nonce, expires] of nonces) await consumeCNonce(tx, nonce, expires, now);
      const allocations = await this.#lists.allocate(tx, copies, {
        personId,
        kind,
        expiresAt: new Date(now.getTime() + lifetimeSeconds * 1000),
        sourceHash: source?.sourceHash ?? null,
        attributeIssuerId: source?.issuer.id ?? null,
        attestedSealed: source && this.#deps.dataKey ? sealAttested(this.#deps.dataKey, personId, kind, claims, this.#deps.random) : null,
      });
      const { kid, privateKey } = this.#deps.keys.active();
      const credentials = await issueCredentials({
        vct: vctFor(options.publicUrl, kind),
        claims,
        holderJwk: holderKeys,
        issuer: { iss: options.publicUrl, kid, privateKey },
        copies,
        lifetimeSeconds,
        now,
        random: this.#deps.random,
        status: StatusLists.references(allocations),
        validUntil,
        schema: issuanceClaimsSchema(kind),
        // Every copy of a kind shows the same number of digests, whichever optional claims it has.
        minDigests: claimNames(kind).length,
      });
      await this.#lists.finish(
        tx,
        credentials.map((c, i) => ({
          allocation: allocations[i] as (typeof allocations)[number],
          credentialHash: sha256B64u(issuerJwtOf(c.credential)),
          expiresAt: c.expiresAt,
        })),
      );
      return credentials;
    });
    // A closure that committed while we issued must not leave live credentials behind (see Revocations.lockPerson).
    if ((await subjects.status(personId)) !== 'active') {
      const credentialHashes = issued.map((c) => sha256B64u(issuerJwtOf(c.credential)));
      await this.#revocations.revoke({ personId, credentialHashes }, 'closed_during_issuance');
      throw new MvidError('person_closed', 'this account is closed');
    }
    return {
      kind,
      vct: vctFor(options.publicUrl, kind),
      credentials: issued.map((c) => ({ credential: c.credential, expiresAt: c.expiresAt.toISOString() })),
      linkable: copies > 1 && proofs === undefined,
    };
  }

  async #requireActive(personId: string): Promise<void> {
    const status = await this.#deps.subjects.status(personId);
    if (status === undefined) throw new MvidError('not_found', 'no such person');
    if (status !== 'active') throw new MvidError('person_closed', 'this account is closed; nothing is issued to it');
  }

  /** Without proofs: `copies` copies bound to the person's newest registered holder key. */
  async #registeredKey(personId: string, copies = 1): Promise<JsonWebKey[]> {
    if (!Number.isInteger(copies) || copies < 1 || copies > MAX_PROOFS)
      throw new ValidationError(`copies must be 1-${MAX_PROOFS}`, 'copies');
    const [key] = await this.#deps.subjects.holderKeys(personId);
    if (!key) throw new ValidationError('you have no active holder key; send key proofs', 'proofs');
    return Array.from({ length: copies }, () => key);
  }

  async #claims(personId: string, kind: CredentialKind, source: unknown, now: Date): Promise<Claims> {
    const attribute = ATTRIBUTE_KINDS.includes(kind);
    if (!attribute && source !== undefined) throw new ValidationError(`${kind} comes from mvid's own proofing; send no source`, 'source');
    if (kind === 'personhood') return { claims: { verified_human: true }, validUntil: null };
    if (kind === 'age' || kind === 'residence') {
      const attrs = await this.#deps.subjects.serviceAttributes(personId);
      if (kind === 'age') {
        if (!attrs.birthdate) throw new MvidError('attribute_unavailable', 'mvid holds no date of birth for you');
        return { claims: { ...agePredicates(attrs.birthdate, now) }, validUntil: predicateValidUntil(attrs.birthdate, now) };
      }
      const country = attrs.residenceCountry;
      if (!country || !(ISO_3166_ALPHA2 as readonly string[]).includes(country)) {
        throw new MvidError('attribute_unavailable', 'mvid holds no country of residence for you');
      }
      return { claims: { country }, validUntil: null };
    }
    if (source === undefined) {
      throw new ValidationError(`${kind} is attested by a registered issuer: send its credential as source`, 'source');
    }
    const verified = await verifyAttributeSource(source, {
      kind,
      publicUrl: this.#deps.options.publicUrl,
      now,
      nonceKey: this.#nonceKey,
      issuers: this.#issuers,
      holderKeys: await this.#deps.subjects.holderKeys(personId),
      statusLists: this.#deps.externalStatusLists,
    });
    return { claims: verified.claims, validUntil: verified.expiresAt ?? null, source: verified };
  }
}
