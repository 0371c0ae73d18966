/**
 * The person's account page in the browser: sign in with a passkey, see the worlds
 * used and what each received, withdraw consent, add passkeys. Before sign-in the
 * CSRF token is bound to a random pre-session cookie (so a foreign site cannot sign
 * the browser in to another account); after, to the session.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import { MvidError } from '../../core/index.ts';
import { newNonce, renderAccount, renderPasskeySetup } from '../../web/index.ts';
import { WEB_SESSION_TTL_SECONDS } from '../../worlds/index.ts';
import { sendPage } from '../pages.ts';
import { clearSessionCookie, readCookie, sessionCookieName, setSessionCookie } from '../oidc/cookies.ts';
import { openPreSession, requirePreCsrf } from './pre-session.ts';
import { requireWorldsPerson, worldsPersonOf } from './worlds-person.ts';

const html = (reply: FastifyReply, body: string, nonce: string): FastifyReply => sendPage(reply, body, nonce);

export async function worldsAccountRoutes(app: FastifyInstance): Promise<void> {
  const { worlds, config } = app.deps;
  const cookieName = sessionCookieName(config.publicUrl);

  app.get('/account', { schema: { hide: true } }, async (request, reply) => {
    const nonce = newNonce();
    const session = await worlds.webSessions.resolve(readCookie(request, cookieName));
    if (!session || !(await worlds.persons.isActive(session.personId))) {
      return html(reply, renderPasskeySetup({ nonce, csrf: openPreSession(request, reply) }), nonce);
    }
    const used = await worlds.worldsOf(session.personId);
    const page = renderAccount({
      nonce,
      csrf: worlds.webSessions.csrfToken(`session:${session.id}`),
      worlds: used.map((w) => ({
        id: w.world.id,
        name: w.world.name,
        purpose: w.world.purpose,
        consented: w.consented,
        received: w.received,
        lastReleasedAt: w.lastReleasedAt,
      })),
      passkeys: await worlds.passkeys.list(session.personId),
    });
    return html(reply, page, nonce);
  });

  app.post('/account/sign-in/options', { schema: { hide: true } }, async (request) => {
    requirePreCsrf(request);
    return worlds.passkeys.authenticationOptions();
  });

  app.post('/account/sign-in', { schema: { hide: true }, bodyLimit: 64 * 1024 }, async (request, reply) => {
    requirePreCsrf(request);
    // biome-ignore lint/suspicious/noExplicitAny: the WebAuthn JSON is checked by the verifier
    const { personId } = await worlds.passkeys.authenticate(request.body as any);
    if (!(await worlds.persons.isActive(personId))) throw new MvidError('person_closed', 'this account is closed');
    const { token } = await worlds.webSessions.open(personId, readCookie(request, cookieName));
    setSessionCookie(reply, config.publicUrl, token, WEB_SESSION_TTL_SECONDS);
    return { location: '/account' };
  });

  const guarded = { preHandler: requireWorldsPerson, schema: { hide: true } };
  app.post('/account/passkeys/options', guarded, async (request) => worlds.passkeys.registrationOptions(worldsPersonOf(request).personId));
  app.post('/account/passkeys', { ...guarded, bodyLimit: 64 * 1024 }, async (request) => {
    // biome-ignore lint/suspicious/noExplicitAny: the WebAuthn JSON is checked by the verifier
    await worlds.passkeys.register(worldsPersonOf(request).personId, request.body as any);
    return { location: '/account' };
  });
  app.post<{ Params: { worldId: string } }>('/account/worlds/:worldId/revoke', guarded, async (request, reply) => {
    await worlds.revokeConsent(worldsPersonOf(request).personId, request.params.worldId);
    return reply.redirect('/account', 303);
  });
  app.post('/account/sign-out', guarded, async (request, reply) => {
    await worlds.webSessions.revoke(readCookie(request, cookieName));
    clearSessionCookie(reply, config.publicUrl);
    return reply.redirect('/account', 303);
  });
}
