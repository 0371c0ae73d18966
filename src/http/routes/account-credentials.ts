/**
 * "My credentials" in the portal (browser session, CSRF on every form): revoke one's own
 * copy, re-issue a kind into the wallet through an OpenID4VCI offer (QR code and link),
 * and check a verifier's OpenID4VP request before handing it to the wallet (QR code and
 * link). The section on /account is built here too (`credentialsSectionFor`).
 */
import { type Static, Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { isMvidError, MvidError } from '../../core/index.ts';
import { ATTRIBUTE_KINDS, CREDENTIAL_KINDS, type CredentialKind, type Credentials, parseVerifierRequest } from '../../credentials/index.ts';
import {
  type CredentialRow,
  credentialsSection,
  newNonce,
  renderCredentialOffer,
  renderPresentCredential,
  type SafeHtml,
  type Translator,
} from '../../web/index.ts';
import { pageTranslator } from '../i18n.ts';
import { sendPage } from '../pages.ts';
import { requireWorldsPerson, WORLDS_PERSON_GUARD, worldsPersonOf } from './worlds-person.ts';

const Csrf = Type.Optional(Type.String({ maxLength: 100 }));
const RevokeForm = Type.Object({ csrf: Csrf, credential: Type.String({ pattern: '^[A-Za-z0-9_-]{43}$' }) });
const OfferForm = Type.Object({ csrf: Csrf, kind: Type.String({ minLength: 1, maxLength: 40 }) });
const PresentQuery = Type.Object({ request: Type.Optional(Type.String({ maxLength: 8192 })) });

const OFFERABLE = CREDENTIAL_KINDS.filter((k) => !ATTRIBUTE_KINDS.includes(k));

function credentialsOf(app: FastifyInstance): Credentials {
  const credentials = app.deps.credentials?.credentials;
  if (!credentials) throw new MvidError('not_found', 'this server issues no credentials');
  return credentials;
}

/** The person's ledger as the portal lists it: valid first, then expired, then revoked. */
async function rowsOf(credentials: Credentials, personId: string, now: string): Promise<CredentialRow[]> {
  const order = { valid: 0, expired: 1, revoked: 2 };
  return (await credentials.issuedTo(personId))
    .map((c) => ({
      kind: c.kind,
      credentialHash: c.credentialHash,
      status: c.revokedAt !== null ? ('revoked' as const) : c.expiresAt <= now ? ('expired' as const) : ('valid' as const),
      expiresAt: c.expiresAt,
      revokedAt: c.revokedAt,
      revokedReason: c.revokedReason,
      reissuable: (OFFERABLE as readonly string[]).includes(c.kind),
    }))
    .sort((a, b) => order[a.status] - order[b.status]);
}

/** The "My credentials" section of /account, or nothing on a server without credentials. */
export async function credentialsSectionFor(
  app: FastifyInstance,
  t: Translator,
  personId: string,
  csrf: string,
): Promise<SafeHtml | undefined> {
  const credentials = app.deps.credentials?.credentials;
  if (!credentials) return undefined;
  const rows = await rowsOf(credentials, personId, app.deps.clock.now().toISOString());
  return credentialsSection({ t, csrf, credentials: rows, offerable: [...OFFERABLE] });
}

export async function accountCredentialsRoutes(app: FastifyInstance): Promise<void> {
  const { worlds, config, clock } = app.deps;
  const guarded = { ...WORLDS_PERSON_GUARD };
  const send = (reply: FastifyReply, body: string, nonce: string) => sendPage(reply, body, nonce);

  app.post<{ Body: Static<typeof RevokeForm> }>(
    '/account/credentials/revoke',
    { ...guarded, schema: { hide: true, body: RevokeForm } },
    async (request, reply) => {
      const revoked = await credentialsOf(app).revokeOwn(worldsPersonOf(request).personId, request.body.credential);
      if (!revoked) throw new MvidError('not_found', 'you hold no valid credential with this fingerprint');
      return reply.redirect('/account#my-credentials', 303);
    },
  );

  app.post<{ Body: Static<typeof OfferForm> }>(
    '/account/credentials/offer',
    { ...guarded, config: { abuse: 'mint' }, schema: { hide: true, body: OfferForm } },
    async (request, reply) => {
      const { kind } = request.body;
      if (!(OFFERABLE as readonly string[]).includes(kind))
        throw new MvidError(
          'validation_failed',
          `a wallet offer carries ${OFFERABLE.join(', ')}; ${kind} is re-issued from its issuer's credential`,
        );
      const offer = await credentialsOf(app).oid4vci.createOffer(worldsPersonOf(request).personId, [kind as CredentialKind], {
        txCode: true,
      });
      const nonce = newNonce();
      const page = renderCredentialOffer({
        t: pageTranslator(request, reply),
        nonce,
        kinds: [kind],
        offerUri: offer.credentialOfferUri,
        txCode: offer.txCode,
        expiresAt: offer.expiresAt,
      });
      return send(reply, page, nonce);
    },
  );

  app.get<{ Querystring: Static<typeof PresentQuery> }>(
    '/account/credentials/present',
    { preHandler: requireWorldsPerson, schema: { hide: true, querystring: PresentQuery } },
    async (request, reply) => {
      const nonce = newNonce();
      const t = pageTranslator(request, reply);
      const link = request.query.request?.trim();
      if (!link) return send(reply, renderPresentCredential({ t, nonce }), nonce);
      let parsed: ReturnType<typeof parseVerifierRequest>;
      try {
        parsed = parseVerifierRequest(link, config.publicUrl);
      } catch (error) {
        if (!isMvidError(error) || error.status >= 500) throw error;
        return send(reply.code(400), renderPresentCredential({ t, nonce, link, error: error.message }), nonce);
      }
      const world = await worlds.registry.get(parsed.clientId);
      const now = clock.now().toISOString();
      const rows = await rowsOf(credentialsOf(app), worldsPersonOf(request).personId, now);
      const page = renderPresentCredential({
        t,
        nonce,
        link,
        request: {
          verifier: world && world.disabledAt === null ? world.name : parsed.clientId,
          registered: world !== undefined && world.disabledAt === null,
          asks: parsed.kinds.map((k) => ({ kind: k, held: rows.some((r) => r.kind === k && r.status === 'valid') })),
          others: parsed.others,
          byReference: parsed.byReference,
          link: parsed.link,
        },
      });
      return send(reply, page, nonce);
    },
  );
}
