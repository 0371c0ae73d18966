/**
 * Enrolment in the browser. From a wallet (any mode): an OpenID4VP request on this
 * device, the wallet posts the PID presentation back (direct_post), mvid enrols from it as
 * the enrolment API does, and the browser that started it returns with the response code.
 * In development mode, also a form for which the server plays the person's wallet:
 * it issues a development PID for what the person types, presents it to the registry,
 * and opens a browser session so the first passkey can be added at once. In production
 * the page explains that a wallet PID is needed. The form's CSRF token is bound to a
 * pre-session cookie, so no other site can enrol in a browser's name.
 */
import { type Static, Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isMvidError, MvidError, toBase64Url } from '../../core/index.ts';
import { keyDirOf } from '../../keys/index.ts';
import {
  devPresentation,
  loadDevIssuerKey,
  PID_VCT,
  type PidClaims,
  REQUIRED_PID_CLAIMS,
  WALLET_REQUEST_TTL_SECONDS,
} from '../../registry/index.ts';
import { type EnrolPageInput, newNonce, renderEnrol, renderFirstPasskey, renderWalletRequest } from '../../web/index.ts';
import { WEB_SESSION_TTL_SECONDS } from '../../worlds/index.ts';
import { readCookie, sessionCookieName, setSessionCookie } from '../oidc/cookies.ts';
import { sendPage } from '../pages.ts';
import { pageTranslator } from '../i18n.ts';
import { openPreSession, requirePreCsrf } from './pre-session.ts';
import { requireWorldsPerson, worldsPersonOf } from './worlds-person.ts';

const Short = (max: number) => Type.String({ maxLength: max });
const EnrolForm = Type.Object({
  // Optional here so that a missing token is refused as csrf_invalid, not as a malformed form.
  csrf: Type.Optional(Short(100)),
  given_name: Short(200),
  family_name: Short(200),
  birthdate: Short(10),
  nationality: Short(2),
  residence: Type.Optional(Short(2)),
  email: Type.Optional(Short(254)),
});
type EnrolForm = Static<typeof EnrolForm>;

const WalletResponse = Type.Object({ vp_token: Type.String({ minLength: 1, maxLength: 60_000 }), state: Type.String({ maxLength: 64 }) });
type WalletResponse = Static<typeof WalletResponse>;
const DoneQuery = Type.Object({ response_code: Type.String({ minLength: 1, maxLength: 100 }) });

/** What mvid asks a wallet for (DCQL): a PID with the claims enrolment needs, and the address for residence. */
const PID_QUERY = {
  credentials: [
    {
      id: 'pid',
      format: 'dc+sd-jwt',
      meta: { vct_values: [PID_VCT] },
      claims: [...REQUIRED_PID_CLAIMS, 'address'].map((name) => ({ path: [name] })),
    },
  ],
};

/** The PID presentation in a vp_token: a DCQL response `{"pid": ["…"]}`, or the presentation itself. */
function presentationOf(vpToken: string): string {
  if (!vpToken.startsWith('{')) return vpToken;
  let parsed: unknown;
  try {
    parsed = JSON.parse(vpToken);
  } catch {
    throw new MvidError('validation_failed', 'vp_token is neither a presentation nor a DCQL response');
  }
  const pid = (parsed as { pid?: unknown }).pid;
  const first = Array.isArray(pid) ? pid[0] : pid;
  if (typeof first !== 'string') throw new MvidError('validation_failed', 'vp_token has no presentation for the credential query "pid"');
  return first;
}

/** Refusals the person can fix by editing the form; anything else is an error page. */
const FIXABLE = new Set(['schema_violation', 'claims_missing']);

export async function worldsEnrolRoutes(app: FastifyInstance): Promise<void> {
  const { config, registry, clock, random, worlds, auth } = app.deps;
  const secure = config.publicUrl.startsWith('https://') ? '; Secure' : '';

  async function signedIn(request: FastifyRequest): Promise<boolean> {
    const session = await worlds.webSessions.resolve(readCookie(request, sessionCookieName(config.publicUrl)));
    return session !== undefined && (await worlds.persons.isActive(session.personId));
  }

  /** The browser works with its own session; the registry's bearer session from enrolment is not needed. */
  async function dropRegistrySession(token: string): Promise<void> {
    const principal = await auth.person(token);
    if (principal) await registry.sessions.revoke(principal.sessionId);
  }

  async function openBrowserSession(request: FastifyRequest, reply: FastifyReply, personId: string): Promise<void> {
    const { token } = await worlds.webSessions.open(personId, readCookie(request, sessionCookieName(config.publicUrl)));
    setSessionCookie(reply, config.publicUrl, token, WEB_SESSION_TTL_SECONDS);
  }

  function form(request: FastifyRequest, reply: FastifyReply, extra: Partial<EnrolPageInput> = {}): FastifyReply {
    const nonce = newNonce();
    const input: EnrolPageInput = {
      t: pageTranslator(request, reply),
      nonce,
      csrf: openPreSession(request, reply),
      mode: config.mode,
      ...extra,
    };
    return sendPage(reply, renderEnrol(input), nonce);
  }

  app.get('/account/enrol', { schema: { hide: true } }, async (request, reply) => {
    if (await signedIn(request)) return reply.redirect('/account', 303);
    // Say so before the person fills the form: without trustees no identity can be sealed.
    if (config.mode === 'development' && !(await registry.trusteeSets.active()))
      return form(request, reply, { error: pageTranslator(request, reply).m.enrol.noTrustees });
    return form(request, reply);
  });

  app.post<{ Body: EnrolForm }>(
    '/account/enrol',
    { config: { abuse: 'enrol' }, preValidation: requirePreCsrf, schema: { hide: true, body: EnrolForm } },
    async (request, reply) => {
      if (config.mode !== 'development')
        throw new MvidError('dev_issuer_disabled', 'enrolment in the browser needs a wallet PID in production mode');
      const b = request.body;
      const claims: PidClaims = {
        given_name: b.given_name.trim(),
        family_name: b.family_name.trim(),
        birthdate: b.birthdate,
        nationalities: [b.nationality.trim().toUpperCase()],
        // A development identity is new every time: a random identifier, never a real one.
        unique_id: `DEV-${toBase64Url(random.bytes(12))}`,
        unique_id_namespace: 'ZZ:dev',
        ...(b.email?.trim() ? { email: b.email.trim() } : {}),
        ...(b.residence?.trim() ? { address: { country: b.residence.trim().toUpperCase() } } : {}),
      };
      let enrolled: Awaited<ReturnType<typeof registry.enrolments.enrol>>;
      try {
        const key = loadDevIssuerKey(keyDirOf(config.dataDir), config.mode);
        const presentation = await devPresentation(key, claims, {
          nonce: registry.issueNonce().nonce,
          audience: config.publicUrl,
          now: clock.now(),
        });
        enrolled = await registry.enrolments.enrol(presentation);
      } catch (error) {
        if (!isMvidError(error) || !FIXABLE.has(error.code)) throw error;
        reply.code(400);
        const { csrf: _, ...values } = b;
        return form(request, reply, { values, error: pageTranslator(request, reply).m.enrol.checkForm(error.message) });
      }
      await dropRegistrySession(enrolled.session.token);
      await openBrowserSession(request, reply, enrolled.personId);
      return reply.redirect('/account/welcome', 303);
    },
  );

  // ---- From a wallet: OpenID4VP, same device (response mode direct_post). ----
  const WALLET_COOKIE = 'mvid_wallet';
  const walletCookie = (value: string, maxAge: number) =>
    `${WALLET_COOKIE}=${value}; Path=/account/enrol/wallet; HttpOnly; SameSite=Lax; Max-Age=${maxAge}${secure}`;
  const responseUri = `${config.publicUrl}/account/enrol/wallet/response`;

  app.get('/account/enrol/wallet', { schema: { hide: true } }, async (httpRequest, reply) => {
    const opened = await registry.walletRequests.open();
    // mvid is the wallet's verifier under its public URL (a pre-registered client id):
    // the PID's key-binding JWT names it as audience, as the enrolment API requires.
    const request = new URLSearchParams({
      client_id: config.publicUrl,
      response_type: 'vp_token',
      response_mode: 'direct_post',
      response_uri: responseUri,
      nonce: opened.nonce,
      state: opened.id,
      dcql_query: JSON.stringify(PID_QUERY),
    });
    reply.header('set-cookie', walletCookie(opened.browserSecret, WALLET_REQUEST_TTL_SECONDS));
    const nonce = newNonce();
    const page = renderWalletRequest({
      t: pageTranslator(httpRequest, reply),
      nonce,
      requestUrl: `openid4vp://?${request}`,
      minutes: WALLET_REQUEST_TTL_SECONDS / 60,
    });
    return sendPage(reply, page, nonce);
  });

  app.post<{ Body: WalletResponse }>(
    '/account/enrol/wallet/response',
    { bodyLimit: 64 * 1024, config: { abuse: 'enrol' }, schema: { hide: true, body: WalletResponse } },
    async (request) => {
      const presentation = presentationOf(request.body.vp_token);
      const { responseCode, enrolment } = await registry.walletRequests.answer(request.body.state, presentation);
      await dropRegistrySession(enrolment.session.token);
      return { redirect_uri: `${config.publicUrl}/account/enrol/wallet/done?response_code=${encodeURIComponent(responseCode)}` };
    },
  );

  app.get<{ Querystring: { response_code: string } }>(
    '/account/enrol/wallet/done',
    { schema: { hide: true, querystring: DoneQuery } },
    async (request, reply) => {
      const secret = readCookie(request, WALLET_COOKIE);
      if (secret === undefined)
        throw new MvidError('not_found', 'this browser did not start that enrolment: start again from the enrolment page');
      const personId = await registry.walletRequests.redeem(secret, request.query.response_code);
      await openBrowserSession(request, reply, personId);
      reply.header('set-cookie', walletCookie('', 0));
      return reply.redirect('/account/welcome', 303);
    },
  );

  app.get('/account/welcome', { preHandler: requireWorldsPerson, schema: { hide: true } }, async (request, reply) => {
    const person = worldsPersonOf(request);
    if (person.via !== 'cookie' || (await worlds.passkeys.list(person.personId)).length > 0) return reply.redirect('/account', 303);
    const nonce = newNonce();
    const csrf = worlds.webSessions.csrfToken(`session:${person.sessionId}`);
    return sendPage(reply, renderFirstPasskey({ t: pageTranslator(request, reply), nonce, csrf }), nonce);
  });
}
