/** Disclosure API for authorities: file requests, follow them, fetch sealed releases, record receipt, ask for delay extensions. */
import type { FastifyInstance } from 'fastify';
import type { CourtOrder, NewRequest, ReceiptInput } from '../../disclosure/index.ts';
import { AUTHORITY_SECURITY, authorityOf, disclosureOf, requireAuthority } from './disclosure-auth.ts';
import { AcceptedResponse, ExtensionBody, IdParams, NewRequestBody, OpenView, ReceiptBody } from './disclosure-schemas.ts';

const TAG = 'disclosure-authority';

export async function disclosureAuthorityRoutes(app: FastifyInstance): Promise<void> {
  const guarded = { preHandler: requireAuthority };

  app.post<{ Body: NewRequest }>(
    '/disclosure/v1/requests',
    {
      ...guarded,
      bodyLimit: 8 * 1024 * 1024,
      schema: {
        summary: 'File a disclosure request',
        description:
          'Shaped on DSA Art. 10 orders: the target (world + pseudonym or handle), a criminal offence with its statute, the court order (document encrypted to the trustees), the field groups the order covers, urgency and the notification delay. Refusals: offence_not_criminal, court_order_invalid, field_groups_not_covered, notification_delay_invalid, disclosure_target_unknown. The request commits to the pseudonym (a handle is looked up, by its look-alike keys, and replaced by the pseudonym it names), with the person id and the VRF proof binding them; the accepted request is logged (ids and commitments only); the response carries the pseudonym, its index and an inclusion proof.',
        tags: [TAG],
        security: AUTHORITY_SECURITY,
        body: NewRequestBody,
        response: { 201: AcceptedResponse },
      },
    },
    async (request, reply) => reply.code(201).send(await disclosureOf(request).requests.create(authorityOf(request), request.body)),
  );

  app.get(
    '/disclosure/v1/requests',
    {
      ...guarded,
      schema: { summary: 'My requests', tags: [TAG], security: AUTHORITY_SECURITY, response: { 200: OpenView('{ requests: [...] }') } },
    },
    async (request) => {
      const d = disclosureOf(request);
      const rows = await d.requests.listOfAuthority(authorityOf(request).id);
      return { requests: await Promise.all(rows.map((r) => d.views.forAuthority(r))) };
    },
  );

  app.get<{ Params: { id: string } }>(
    '/disclosure/v1/requests/:id',
    {
      ...guarded,
      schema: {
        summary: 'One of my requests: progress, outcome and the log entries of each step',
        description: 'Another authority’s request answers 404, exactly like a missing one.',
        tags: [TAG],
        security: AUTHORITY_SECURITY,
        params: IdParams,
        response: { 200: OpenView('AuthorityRequestView') },
      },
    },
    async (request) => {
      const d = disclosureOf(request);
      return d.views.forAuthority(await d.requests.ofAuthority(authorityOf(request).id, request.params.id));
    },
  );

  app.get<{ Params: { id: string } }>(
    '/disclosure/v1/requests/:id/release',
    {
      ...guarded,
      schema: {
        summary: 'The sealed release, with the log entries that prove it (request, trustee set, approvals, releases)',
        description: 'Only the authority’s key opens the shares; 409 release_not_ready before M trustees uploaded.',
        tags: [TAG],
        security: AUTHORITY_SECURITY,
        params: IdParams,
        response: { 200: OpenView('ReleaseMaterial') },
      },
    },
    async (request) => disclosureOf(request).releases.material(authorityOf(request), request.params.id),
  );

  app.post<{ Params: { id: string }; Body: ReceiptInput }>(
    '/disclosure/v1/requests/:id/receipt',
    {
      ...guarded,
      schema: {
        summary: 'Record receipt of the opened envelopes (logged) and close the request',
        tags: [TAG],
        security: AUTHORITY_SECURITY,
        params: IdParams,
        body: ReceiptBody,
        response: { 200: OpenView('{ indices }') },
      },
    },
    async (request) => disclosureOf(request).releases.receipt(authorityOf(request), request.params.id, request.body),
  );

  app.post<{ Params: { id: string }; Body: { until: string; courtOrder: CourtOrder } }>(
    '/disclosure/v1/requests/:id/delay-extensions',
    {
      ...guarded,
      schema: {
        summary: 'Ask the trustees to postpone the person’s notification',
        description: 'Takes effect only when M trustees approve; then a notification_delay_extended entry is logged.',
        tags: [TAG],
        security: AUTHORITY_SECURITY,
        params: IdParams,
        body: ExtensionBody,
        response: { 201: OpenView('ExtensionView') },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await disclosureOf(request).extensions.request(authorityOf(request), request.params.id, request.body)),
  );
}
