/** Composition of the disclosure services from their dependencies (see `createDisclosure`). */
import { Authorities } from './authorities.ts';
import { Decisions } from './decisions.ts';
import { Extensions } from './extensions.ts';
import { Ledger } from './ledger.ts';
import { Releases } from './release.ts';
import { Requests } from './requests.ts';
import { DisclosureSweeper } from './sweeper.ts';
import { type AuthorityOpening, authorityId } from './commitments.ts';
import type { PublicAuthority, PublicRequestRecord, TransparencyReport } from './transparency.ts';
import { TrusteeCredentials } from './trustees.ts';
import { DEFAULT_DISCLOSURE_OPTIONS, type DisclosureDeps, type DisclosureLog, type DisclosureOptions } from './types.ts';
import { Views } from './views.ts';

export interface DisclosureService {
  options: DisclosureOptions;
  log: DisclosureLog;
  /** The pseudonym VRF's public key, for clients to pin (subject-binding.ts). */
  pseudonymKey: string;
  ledger: Ledger;
  authorities: Authorities;
  trustees: TrusteeCredentials;
  requests: Requests;
  decisions: Decisions;
  releases: Releases;
  extensions: Extensions;
  views: Views;
  sweeper: DisclosureSweeper;
  /** What anyone needs, besides the log, to recompute the transparency report. */
  publicRecords(): Promise<{ requests: PublicRequestRecord[]; authorities: PublicAuthority[] }>;
  /** The report from the entries disclosure logged (the same function anyone runs on the log). */
  transparencyReport(): Promise<TransparencyReport & { generatedAt: string }>;
}

/**
 * Builds the disclosure services. Cheap (no I/O); share one per process.
 * @example
 * const disclosure = createDisclosure({ store, clock, random, log, resolver, escrow });
 */
export function createDisclosure(deps: DisclosureDeps): DisclosureService {
  const { store, clock, random } = deps;
  const options = { ...DEFAULT_DISCLOSURE_OPTIONS, ...deps.options };
  const ledger = new Ledger(store, deps.log);
  const authorities = new Authorities(store, clock, random);
  /** Every authority's public opening, under the id it hashes to. */
  const publicAuthorities = async (): Promise<PublicAuthority[]> =>
    (await authorities.list()).map((a) => {
      const opening: AuthorityOpening = {
        name: a.name,
        jurisdiction: a.jurisdiction,
        encryptionKey: a.encryptionKey,
        registeredAt: a.registeredAt,
      };
      return { id: authorityId(opening), ...opening };
    });
  const requests = new Requests({ store, clock, random, ledger, resolver: deps.resolver, escrow: deps.escrow, options });
  const extensions = new Extensions({ store, clock, random, requests, options });
  const service: DisclosureService = {
    options,
    log: deps.log,
    pseudonymKey: deps.resolver.pseudonymKey,
    ledger,
    authorities,
    trustees: new TrusteeCredentials(store, clock, random, deps.escrow),
    requests,
    decisions: new Decisions(store, clock, ledger),
    releases: new Releases({ store, clock, ledger, requests, escrow: deps.escrow, pseudonymKey: deps.resolver.pseudonymKey }),
    extensions,
    views: new Views({ store, clock, ledger, authorities, extensions, escrow: deps.escrow }),
    sweeper: new DisclosureSweeper(store, clock, ledger),
    async publicRecords() {
      const rows = await store.db
        .selectFrom('disclosure_requests')
        .select(['id', 'authority_id', 'offence_json'])
        .orderBy('created_at')
        .execute();
      return {
        requests: rows.map((r) => ({ requestId: r.id, authorityId: r.authority_id, offence: JSON.parse(r.offence_json) })),
        authorities: await publicAuthorities(),
      };
    },
    async transparencyReport() {
      // Running figures (issue 18): a few rows, whatever the number of requests filed.
      return { generatedAt: clock.now().toISOString(), ...(await ledger.report(await publicAuthorities())) };
    },
  };
  return service;
}
