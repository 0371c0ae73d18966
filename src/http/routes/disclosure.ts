/**
 * The disclosure plugin: public log proofs and transparency report, the person's own
 * disclosures, administration of authorities and trustee credentials, and (from their
 * own files) the authority and trustee APIs. Mounted only when the runtime built the
 * disclosure service.
 */
import type { FastifyInstance } from 'fastify';
import { MvidError, toBase64Url } from '../../core/index.ts';
import { DISCLOSURE_FIELD_GROUPS, type NewAuthority, OFFENCE_CATEGORIES } from '../../disclosure/index.ts';
import { newNonce, renderAuthorityConsole, renderPersonDisclosures, renderTrusteeConsole } from '../../web/index.ts';
import { sendPage } from '../pages.ts';
import { pageTranslator } from '../i18n.ts';
import { ADMIN_SECURITY, PERSON_SECURITY, personOf, requireAdmin, requirePerson } from '../auth.ts';
import { disclosureOf } from './disclosure-auth.ts';
import { disclosureAuthorityRoutes } from './disclosure-authority.ts';
import {
  Authority,
  AuthorityParams,
  ConsistencyQuery,
  EntriesQuery,
  InclusionQuery,
  NewAuthorityBody,
  OpenView,
  ProofResponse,
  TrusteeCredentialBody,
} from './disclosure-schemas.ts';
import { disclosureTrusteeRoutes } from './disclosure-trustee.ts';
import { WORLDS_PERSON_GUARD, worldsPersonOf } from './worlds-person.ts';
import { NonJson } from '../openapi.ts';

const TAG = 'disclosure';
const MAX_PAGE = 1000n;

export async function disclosureRoutes(app: FastifyInstance): Promise<void> {
  if (!app.deps.disclosure) return;
  const d = app.deps.disclosure;

  app.get(
    '/disclosure/v1/log',
    {
      schema: {
        summary: 'The log’s origin and verifier key, and the pseudonym VRF key (pin them)',
        tags: [TAG],
        response: { 200: OpenView('{ origin, verifierKey, pseudonymKey }') },
      },
    },
    async () => ({
      origin: d.log.origin,
      verifierKey: d.log.verifierKey,
      pseudonymKey: d.pseudonymKey,
    }),
  );

  app.get(
    '/disclosure/v1/log/checkpoint',
    {
      schema: {
        summary: 'The latest signed checkpoint (C2SP signed note, with witness cosignatures)',
        description:
          'Public and the same for every caller: clients (trustees, authorities) fetch it without credentials, and caches may store it (revalidating), so the server cannot show one caller its own view.',
        tags: [TAG],
        response: { 200: NonJson('text/plain; charset=utf-8', 'The checkpoint as a C2SP signed note') },
      },
    },
    async (_request, reply) =>
      reply
        .type('text/plain; charset=utf-8')
        .header('cache-control', 'public, no-cache')
        .send((await d.log.checkpoint()).note),
  );

  app.get<{ Querystring: { index: string; size: string } }>(
    '/disclosure/v1/log/inclusion',
    {
      schema: {
        summary: 'RFC 9162 inclusion proof of leaf `index` in the tree of `size`',
        tags: [TAG],
        querystring: InclusionQuery,
        response: { 200: ProofResponse },
      },
    },
    async (request) => ({
      proof: (await d.log.inclusionProof(BigInt(request.query.index), BigInt(request.query.size))).map((p) => toBase64Url(p)),
    }),
  );

  app.get<{ Querystring: { from: string; to: string } }>(
    '/disclosure/v1/log/consistency',
    {
      schema: {
        summary: 'RFC 9162 consistency proof between two tree sizes',
        tags: [TAG],
        querystring: ConsistencyQuery,
        response: { 200: ProofResponse },
      },
    },
    async (request) => ({
      proof: (await d.log.consistencyProof(BigInt(request.query.from), BigInt(request.query.to))).map((p) => toBase64Url(p)),
    }),
  );

  app.get<{ Querystring: { start: string; end: string } }>(
    '/disclosure/v1/log/entries',
    {
      schema: {
        summary: 'Log entries [start, end), at most 1000, base64url',
        tags: [TAG],
        querystring: EntriesQuery,
        response: { 200: OpenView('{ entries }') },
      },
    },
    async (request) => {
      const start = BigInt(request.query.start);
      const end = BigInt(request.query.end);
      if (end < start || end - start > MAX_PAGE) throw new MvidError('tlog_range_invalid', 'at most 1000 entries at once');
      return { entries: (await d.log.entries(start, end)).map((e) => toBase64Url(e)) };
    },
  );

  app.get(
    '/disclosure/v1/trustees',
    {
      schema: {
        summary: 'The active trustees and their document keys (to seal court orders to)',
        tags: [TAG],
        response: { 200: OpenView('{ trusteeSetId, trustees }') },
      },
    },
    async () => {
      const { registry } = app.deps;
      const set = await registry.trusteeSets.active();
      if (!set) throw new MvidError('escrow_unavailable', 'no trustee set is active');
      return { trusteeSetId: set.id, threshold: set.threshold, trustees: await d.trustees.keys(set) };
    },
  );

  app.get(
    '/disclosure/v1/transparency-report',
    {
      schema: {
        summary: 'Counts of requests, approvals, denials, releases, by authority, jurisdiction and offence',
        tags: [TAG],
        response: { 200: OpenView('TransparencyReport') },
      },
    },
    async () => d.transparencyReport(),
  );

  app.get(
    '/disclosure/v1/transparency/records',
    {
      schema: {
        summary: 'The public openings the report is recomputed from (offences, authorities)',
        tags: [TAG],
        response: { 200: OpenView('{ requests, authorities }') },
      },
    },
    async () => d.publicRecords(),
  );

  app.get('/disclosure/authority', { schema: { hide: true } }, async (request, reply) => {
    const nonce = newNonce();
    const page = renderAuthorityConsole({
      t: pageTranslator(request, reply),
      nonce,
      categories: OFFENCE_CATEGORIES,
      fieldGroups: DISCLOSURE_FIELD_GROUPS,
      today: app.deps.clock.now().toISOString().slice(0, 10),
    });
    return sendPage(reply, page, nonce, { cache: 'no-store' });
  });

  app.get('/disclosure/trustee', { schema: { hide: true } }, async (request, reply) => {
    const nonce = newNonce();
    return sendPage(reply, renderTrusteeConsole({ t: pageTranslator(request, reply), nonce }), nonce, { cache: 'no-store' });
  });

  app.get(
    '/disclosure/v1/me/disclosures',
    {
      onRequest: requirePerson,
      schema: {
        summary: 'Disclosures of my identity whose notification delay has ended',
        description:
          'Who asked, under which order, which field groups were released, when, and the log entries proving each step. Nothing before the delay ends.',
        tags: [TAG],
        security: PERSON_SECURITY,
        response: { 200: OpenView('{ disclosures }') },
      },
    },
    async (request) => ({ disclosures: await d.views.forPerson(personOf(request).personId) }),
  );

  app.get('/account/disclosures', { ...WORLDS_PERSON_GUARD, schema: { hide: true } }, async (request, reply) => {
    const nonce = newNonce();
    const disclosures = await d.views.forPerson(worldsPersonOf(request).personId);
    return sendPage(reply, renderPersonDisclosures({ t: pageTranslator(request, reply), nonce, disclosures }), nonce, {
      cache: 'no-store',
    });
  });

  const admin = { onRequest: requireAdmin };
  app.get(
    '/admin/v1/authorities',
    {
      ...admin,
      schema: { summary: 'List authorities', tags: ['admin'], security: ADMIN_SECURITY, response: { 200: OpenView('{ authorities }') } },
    },
    async () => ({
      authorities: await d.authorities.list(),
    }),
  );

  app.post<{ Body: NewAuthority }>(
    '/admin/v1/authorities',
    {
      ...admin,
      schema: {
        summary: 'Register an authority (returns its API token once)',
        tags: ['admin'],
        security: ADMIN_SECURITY,
        body: NewAuthorityBody,
        response: { 201: OpenView('{ authority, token }') },
      },
    },
    async (request, reply) => {
      const result = await disclosureOf(request).authorities.add(request.body);
      request.log.info({ authority: result.authority.id, name: result.authority.name, admin: request.admin?.name }, 'authority registered');
      return reply.code(201).send(result);
    },
  );

  app.delete<{ Params: { id: string } }>(
    '/admin/v1/authorities/:id',
    {
      ...admin,
      schema: {
        summary: 'Disable an authority',
        tags: ['admin'],
        security: ADMIN_SECURITY,
        params: AuthorityParams,
        response: { 200: Authority },
      },
    },
    async (request) => d.authorities.disable(request.params.id),
  );

  app.post<{ Body: { trustee: string; trusteeSet?: string } }>(
    '/admin/v1/disclosure/trustee-credentials',
    {
      ...admin,
      schema: {
        summary: 'Issue (or replace) a trustee’s API token (returned once)',
        description: 'The token lets the trustee’s client review and decide; it cannot open anything without the trustee’s share.',
        tags: ['admin'],
        security: ADMIN_SECURITY,
        body: TrusteeCredentialBody,
        response: { 201: OpenView('{ trustee, token }') },
      },
    },
    async (request, reply) => {
      const { principal, token } = await d.trustees.issue(request.body.trustee, request.body.trusteeSet);
      return reply.code(201).send({ trustee: principal, token });
    },
  );

  await app.register(disclosureAuthorityRoutes);
  await app.register(disclosureTrusteeRoutes);
}
