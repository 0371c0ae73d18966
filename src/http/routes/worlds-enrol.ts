/**
 * Enrolment in the browser. From a wallet (any mode): an OpenID4VP request on this
 * device, the wallet posts the PID presentation back (direct_post), mvid enrols from it as
 * the enrolment API does, and the browser that started it returns with the response code.
 * In development mode, also a form for which the server plays the person's wallet:
 * it issues a development PID for what the person types, presents it to the registry,
 * and opens a browser session so the first passkey can be added at once. In production
 * the page explains that a wallet PID is needed. The form's CSRF token is bound to a
 * pre-session cookie, so no other site can enrol in a browser's name.
 *
 * A wallet on another device scans the request as a QR code; the page polls (or the person
 * presses "check again") until the wallet answered, then finishes like the same-device flow.
 * Recovery (/account/recover) re-proves the person with a PID whose identifier matches their
 * uniqueness tag — a development PID from a form, or a wallet on the same device — and the
 * registry's recovery hooks sign out every old session and remove the old passkeys; the
 * browser gets a fresh session and adds a new passkey.
 */
import { type Static, Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isMvidError, MvidError, toBase64Url } from '../../core/index.ts';
import { keyDirOf } from '../../keys/index.ts';
import {
  devPresentation,
  loadDevIssuerKey,
  PID_VCT,
  type CurrentWalletRequest,
  type PidClaims,
  REQUIRED_PID_CLAIMS,
  WALLET_REQUEST_TTL_SECONDS,
} from '../../registry/index.ts';
import {
  type EnrolPageInput,
  type RecoverPageInput,
  newNonce,
  renderEnrol,
  renderFirstPasskey,
  renderRecover,
  renderWalletQr,
  renderWalletRequest,
} from '../../web/index.ts';
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
  dev_id: Type.Optional(Short(40)),
});
type EnrolForm = Static<typeof EnrolForm>;
const RecoverForm = Type.Object({
  csrf: Type.Optional(Short(100)),
  dev_id: Short(40),
  given_name: Short(200),
  family_name: Short(200),
  birthdate: Short(10),
  nationality: Short(2),
});
type RecoverForm = Static<typeof RecoverForm>;
const QrQuery = Type.Object({ new: Type.Optional(Short(1)) });
const FinishForm = Type.Object({ csrf: Type.Optional(Short(100)) });
const WelcomeQuery = Type.Object({ recovered: Type.Optional(Short(1)) });
const DEV_ID = /^[A-Za-z0-9-]{1,40}$/;

/** The unique identifier of a development PID: `DEV-` and what the person chose (or something random). */
function devUniqueId(chosen: string | undefined, random?: () => string): string {
  const id = chosen?.trim() ?? '';
  if (id === '' && random) return `DEV-${random()}`;
  if (id === '')
    throw new MvidError('schema_violation', 'give the development identifier you chose when you enrolled', {
      extensions: { field: 'dev_id' },
    });
  if (!DEV_ID.test(id))
    throw new MvidError('schema_violation', 'the development identifier takes letters, digits and dashes only', {
      extensions: { field: 'dev_id' },
    });
  return `DEV-${id}`;
}

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
/** Recovery refusals the person can fix by editing the form. */
const RECOVERY_FIXABLE = new Set([...FIXABLE, 'person_not_enrolled']);

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

  /** The PID claims the development forms have in common (the identifier comes apart). */
  function devClaims(b: { given_name: string; family_name: string; birthdate: string; nationality: string }) {
    return {
      given_name: b.given_name.trim(),
      family_name: b.family_name.trim(),
      birthdate: b.birthdate,
      nationalities: [b.nationality.trim().toUpperCase()],
      unique_id_namespace: 'ZZ:dev',
    };
  }

  /** A development PID for `claims`, presented to the registry as a wallet would (development mode only). */
  async function devPid(claims: PidClaims): Promise<string> {
    if (config.mode !== 'development') throw new MvidError('dev_issuer_disabled', 'in production mode the browser needs a wallet PID');
    const key = loadDevIssuerKey(keyDirOf(config.dataDir), config.mode);
    return devPresentation(key, claims, { nonce: registry.issueNonce().nonce, audience: config.publicUrl, now: clock.now() });
  }

  /** A form page of enrolment or recovery, with a pre-session CSRF token (and what was typed, after a refusal). */
  function formPage<I extends EnrolPageInput | RecoverPageInput>(
    render: (input: I) => string,
    request: FastifyRequest,
    reply: FastifyReply,
    extra: Partial<I>,
  ): FastifyReply {
    const nonce = newNonce();
    const input = { t: pageTranslator(request, reply), nonce, csrf: openPreSession(request, reply), mode: config.mode, ...extra } as I;
    return sendPage(reply, render(input), nonce);
  }
  const form = (request: FastifyRequest, reply: FastifyReply, extra: Partial<EnrolPageInput> = {}) =>
    formPage(renderEnrol, request, reply, extra);
  const recoverForm = (request: FastifyRequest, reply: FastifyReply, extra: Partial<RecoverPageInput> = {}) =>
    formPage(renderRecover, request, reply, extra);

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
      let enrolled: Awaited<ReturnType<typeof registry.enrolments.enrol>>;
      try {
        const claims: PidClaims = {
          ...devClaims(b),
          // A development identity is new every time unless the person chose its identifier.
          unique_id: devUniqueId(b.dev_id, () => toBase64Url(random.bytes(12))),
          ...(b.email?.trim() ? { email: b.email.trim() } : {}),
          ...(b.residence?.trim() ? { address: { country: b.residence.trim().toUpperCase() } } : {}),
        };
        enrolled = await registry.enrolments.enrol(await devPid(claims));
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

  /** The OpenID4VP request a wallet gets for request `id` (mvid is its verifier under its public URL). */
  const walletLink = (id: string, nonce: string) =>
    `openid4vp://?${new URLSearchParams({
      // A pre-registered client id: the PID's key-binding JWT names it as audience, as the enrolment API requires.
      client_id: config.publicUrl,
      response_type: 'vp_token',
      response_mode: 'direct_post',
      response_uri: responseUri,
      nonce,
      state: id,
      dcql_query: JSON.stringify(PID_QUERY),
    })}`;

  async function sameDevice(request: FastifyRequest, reply: FastifyReply, purpose: 'enrol' | 'recover'): Promise<FastifyReply> {
    const opened = await registry.walletRequests.open({ purpose });
    reply.header('set-cookie', walletCookie(opened.browserSecret, WALLET_REQUEST_TTL_SECONDS));
    const nonce = newNonce();
    const link = walletLink(opened.id, opened.nonce);
    return sendPage(
      reply,
      renderWalletRequest({
        t: pageTranslator(request, reply),
        nonce,
        requestUrl: link,
        minutes: WALLET_REQUEST_TTL_SECONDS / 60,
        purpose,
      }),
      nonce,
    );
  }

  app.get('/account/enrol/wallet', { schema: { hide: true } }, async (request, reply) => sameDevice(request, reply, 'enrol'));
  app.get('/account/recover/wallet', { schema: { hide: true } }, async (request, reply) => sameDevice(request, reply, 'recover'));

  /** The browser's open cross-device request, if its cookie names one. */
  async function crossDeviceOf(request: FastifyRequest) {
    const secret = readCookie(request, WALLET_COOKIE);
    const current = secret === undefined ? undefined : await registry.walletRequests.current(secret);
    return current?.crossDevice ? { secret: secret as string, current } : undefined;
  }

  function qrPage(request: FastifyRequest, reply: FastifyReply, current: CurrentWalletRequest, notYet = false): FastifyReply {
    const nonce = newNonce();
    const page = renderWalletQr({
      t: pageTranslator(request, reply),
      nonce,
      csrf: openPreSession(request, reply),
      requestUrl: walletLink(current.id, current.nonce),
      state: current.state,
      error: current.error,
      expiresAt: current.expiresAt,
      notYet,
    });
    return sendPage(reply, page, nonce);
  }

  // ---- From a wallet on another device: a QR code, and the browser polls. Enrolment only. ----
  app.get<{ Querystring: Static<typeof QrQuery> }>(
    '/account/enrol/wallet/qr',
    { schema: { hide: true, querystring: QrQuery } },
    async (request, reply) => {
      const open = request.query.new === undefined ? await crossDeviceOf(request) : undefined;
      if (open) return qrPage(request, reply, open.current);
      const opened = await registry.walletRequests.open({ purpose: 'enrol', crossDevice: true });
      reply.header('set-cookie', walletCookie(opened.browserSecret, WALLET_REQUEST_TTL_SECONDS));
      const current = { ...opened, purpose: 'enrol' as const, crossDevice: true, state: 'pending' as const, error: null };
      return qrPage(request, reply, current);
    },
  );

  app.get('/account/enrol/wallet/state', { schema: { hide: true } }, async (request) => {
    const open = await crossDeviceOf(request);
    if (!open) throw new MvidError('not_found', 'this browser has no open request for a wallet on another device');
    return { state: open.current.state };
  });

  app.post<{ Body: Static<typeof FinishForm> }>(
    '/account/enrol/wallet/finish',
    { preValidation: requirePreCsrf, schema: { hide: true, body: FinishForm } },
    async (request, reply) => {
      const open = await crossDeviceOf(request);
      if (!open) throw new MvidError('not_found', 'this browser has no open request for a wallet on another device: start again');
      // Not answered yet ("check again" without JavaScript): the same code again, saying so.
      if (open.current.state === 'pending') return qrPage(request, reply, open.current, true);
      const personId = await registry.walletRequests.finish(open.secret);
      await openBrowserSession(request, reply, personId);
      reply.header('set-cookie', walletCookie('', 0));
      return reply.redirect('/account/welcome', 303);
    },
  );

  // ---- Recovery: re-proving with a PID whose identifier matches the person's uniqueness tag. ----

  app.get('/account/recover', { schema: { hide: true } }, async (request, reply) => recoverForm(request, reply));

  app.post<{ Body: RecoverForm }>(
    '/account/recover',
    { config: { abuse: 'enrol' }, preValidation: requirePreCsrf, schema: { hide: true, body: RecoverForm } },
    async (request, reply) => {
      const b = request.body;
      let recovered: Awaited<ReturnType<typeof registry.enrolments.recover>>;
      try {
        const claims: PidClaims = { ...devClaims(b), unique_id: devUniqueId(b.dev_id) };
        recovered = await registry.enrolments.recover(await devPid(claims));
      } catch (error) {
        if (!isMvidError(error) || !RECOVERY_FIXABLE.has(error.code)) throw error;
        reply.code(error.status);
        const { csrf: _, ...values } = b;
        const m = pageTranslator(request, reply).m.recover;
        return recoverForm(request, reply, {
          values,
          error: m.checkForm(error.code === 'person_not_enrolled' ? m.noMatch : error.message),
        });
      }
      await dropRegistrySession(recovered.session.token);
      await openBrowserSession(request, reply, recovered.personId);
      return reply.redirect('/account/welcome?recovered=1', 303);
    },
  );

  // The wallet's answer, for either device and either purpose.
  app.post<{ Body: WalletResponse }>(
    '/account/enrol/wallet/response',
    { bodyLimit: 64 * 1024, config: { abuse: 'enrol' }, schema: { hide: true, body: WalletResponse } },
    async (request) => {
      const presentation = presentationOf(request.body.vp_token);
      const { responseCode, enrolment, crossDevice } = await registry.walletRequests.answer(request.body.state, presentation);
      await dropRegistrySession(enrolment.session.token);
      // Another device: nowhere to send the wallet; the browser that showed the code goes on by itself.
      if (crossDevice) return {};
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
      const purpose = (await registry.walletRequests.current(secret))?.purpose;
      const personId = await registry.walletRequests.redeem(secret, request.query.response_code);
      await openBrowserSession(request, reply, personId);
      reply.header('set-cookie', walletCookie('', 0));
      return reply.redirect(purpose === 'recover' ? '/account/welcome?recovered=1' : '/account/welcome', 303);
    },
  );

  app.get<{ Querystring: Static<typeof WelcomeQuery> }>(
    '/account/welcome',
    { preHandler: requireWorldsPerson, schema: { hide: true, querystring: WelcomeQuery } },
    async (request, reply) => {
      const person = worldsPersonOf(request);
      if (person.via !== 'cookie' || (await worlds.passkeys.list(person.personId)).length > 0) return reply.redirect('/account', 303);
      const nonce = newNonce();
      const csrf = worlds.webSessions.csrfToken(`session:${person.sessionId}`);
      return sendPage(
        reply,
        renderFirstPasskey({ t: pageTranslator(request, reply), nonce, csrf, recovered: request.query.recovered === '1' }),
        nonce,
      );
    },
  );
}
