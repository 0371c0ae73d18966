/**
 * Enrolment in the browser. In development mode the server plays the person's wallet:
 * it issues a development PID for what the person types, presents it to the registry,
 * and opens a browser session so the first passkey can be added at once. In production
 * the page explains that a wallet PID is needed. The form's CSRF token is bound to a
 * pre-session cookie, so no other site can enrol in a browser's name.
 */
import { type Static, Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isMvidError, MvidError, toBase64Url } from '../../core/index.ts';
import { keyDirOf } from '../../keys/index.ts';
import { devPresentation, loadDevIssuerKey, type PidClaims } from '../../registry/index.ts';
import { type EnrolPageInput, newNonce, renderEnrol, renderFirstPasskey } from '../../web/index.ts';
import { WEB_SESSION_TTL_SECONDS } from '../../worlds/index.ts';
import { readCookie, sessionCookieName, setSessionCookie } from '../oidc/cookies.ts';
import { sendPage } from '../pages.ts';
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

const NO_TRUSTEES =
  'This server cannot enrol anyone yet: it has no trustee set to seal identities to. Its operator runs "mvid trustees init" first (see docs/registry.md).';

/** Refusals the person can fix by editing the form; anything else is an error page. */
const FIXABLE = new Set(['schema_violation', 'claims_missing']);

export async function worldsEnrolRoutes(app: FastifyInstance): Promise<void> {
  const { config, registry, clock, random, worlds, auth } = app.deps;

  async function signedIn(request: FastifyRequest): Promise<boolean> {
    const session = await worlds.webSessions.resolve(readCookie(request, sessionCookieName(config.publicUrl)));
    return session !== undefined && (await worlds.persons.isActive(session.personId));
  }

  function form(request: FastifyRequest, reply: FastifyReply, extra: Partial<EnrolPageInput> = {}): FastifyReply {
    const nonce = newNonce();
    const input: EnrolPageInput = { nonce, csrf: openPreSession(request, reply), mode: config.mode, ...extra };
    return sendPage(reply, renderEnrol(input), nonce);
  }

  app.get('/account/enrol', { schema: { hide: true } }, async (request, reply) => {
    if (await signedIn(request)) return reply.redirect('/account', 303);
    // Say so before the person fills the form: without trustees no identity can be sealed.
    if (config.mode === 'development' && !(await registry.trusteeSets.active())) return form(request, reply, { error: NO_TRUSTEES });
    return form(request, reply);
  });

  app.post<{ Body: EnrolForm }>('/account/enrol', { schema: { hide: true, body: EnrolForm } }, async (request, reply) => {
    requirePreCsrf(request);
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
      return form(request, reply, { values, error: `Please check the form: ${error.message}.` });
    }
    // The browser works with its own session; the registry's bearer session is not needed.
    const principal = await auth.person(enrolled.session.token);
    if (principal) await registry.sessions.revoke(principal.sessionId);
    const { token } = await worlds.webSessions.open(enrolled.personId, readCookie(request, sessionCookieName(config.publicUrl)));
    setSessionCookie(reply, config.publicUrl, token, WEB_SESSION_TTL_SECONDS);
    return reply.redirect('/account/welcome', 303);
  });

  app.get('/account/welcome', { preHandler: requireWorldsPerson, schema: { hide: true } }, async (request, reply) => {
    const person = worldsPersonOf(request);
    if (person.via !== 'cookie' || (await worlds.passkeys.list(person.personId)).length > 0) return reply.redirect('/account', 303);
    const nonce = newNonce();
    const csrf = worlds.webSessions.csrfToken(`session:${person.sessionId}`);
    return sendPage(reply, renderFirstPasskey({ nonce, csrf }), nonce);
  });
}
