/**
 * The person's data export: everything mvid holds about them, from every part of it —
 * the registry's record (events, holder keys, sessions, sealed envelopes, attributes),
 * the worlds side (each world with its pseudonym, consent, releases, handles, passkeys,
 * grants, browser sessions), the ledger of issued credentials and the disclosures they
 * may already see. One document, served by the API and by the account page.
 */
import type { PersonPrincipal } from '../registry/index.ts';
import type { AppDeps } from './app.ts';

export async function personExport(deps: AppDeps, principal: PersonPrincipal) {
  const { personId } = principal;
  const registry = await deps.registry.self.export(principal);
  return {
    ...registry,
    worlds: await deps.worlds.exportOf(personId),
    credentials: deps.credentials ? await deps.credentials.credentials.issuedTo(personId) : [],
    disclosures: deps.disclosure ? await deps.disclosure.views.forPerson(personId) : [],
  };
}

export type PersonExportDocument = Awaited<ReturnType<typeof personExport>>;
