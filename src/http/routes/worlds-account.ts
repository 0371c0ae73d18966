/**
 * The person's account page in the browser: sign in with a passkey, see the worlds
 * used and what each received, withdraw consent, add passkeys. Before sign-in the
 * CSRF token is bound to a random pre-session cookie (so a foreign site cannot sign
 * the browser in to another account); after, to the session.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { MvidError, toBase64Url } from '../../core/index.ts';
import { accountModerationHtml, newNonce, renderAccount, renderPasskeySetup } from '../../web/index.ts';
import { WEB_SESSION_TTL_SECONDS } from '../../worlds/index.ts';
import { sendPage } from '../pages.ts';
import { clearSessionCookie, readCookie, sessionCookieName, setSessionCookie } from '../oidc/cookies.ts';
import { requireWorldsPerson, worldsPersonOf } from './worlds-person.ts';

const PRE = 'mvid_pre';

const html = (reply: FastifyReply, body: string, nonce: string): FastifyReply => sendPage(reply, body, nonce);

export async function worldsAccountRoutes(app: FastifyInstance): Promise<void> {
  const { worlds, config, random } = app.deps;
  const cookieName = sessionCookieName(config.publicUrl);
  const secure = config.publicUrl.startsWith('https://') ? '; Secure' : '';

  function preCsrfValid(request: FastifyRequest): boolean {
    const pre = readCookie(request, PRE);
    return pre !== undefined && worlds.webSessions.csrfValid(`pre:${pre}`, request.headers['x-csrf-token']);
  }

  app.get('/account', { schema: { hide: true } }, async (request, reply) => {
    const nonce = newNonce();
    const session = await worlds.webSessions.resolve(readCookie(request, cookieName));
    if (!session || !(await worlds.persons.isActive(session.personId))) {
      const pre = toBase64Url(random.bytes(24));
      reply.header('set-cookie', `${PRE}=${pre}; Path=/account; HttpOnly; SameSite=Strict; Max-Age=900${secure}`);
      return html(reply, renderPasskeySetup({ nonce, csrf: worlds.webSessions.csrfToken(`pre:${pre}`) }), nonce);
    }
    const used = await worlds.worldsOf(session.personId);
    const csrf = worlds.webSessions.csrfToken(`session:${session.id}`);
    const page = renderAccount({
      nonce,
      csrf,
      moderationHtml: await moderationSection(
        session.personId,
        csrf,
        used.map((w) => w.world.id),
      ),
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

  /** Per world the person uses or was decided on: standing, trust level and why, decisions and appeal forms. */
  async function moderationSection(personId: string, csrf: string, usedWorlds: string[]): Promise<string> {
    const moderation = app.deps.moderation?.moderation;
    if (!moderation) return '';
    const ids = [...new Set([...usedWorlds, ...(await moderation.worldsOf(personId))])].sort();
    const now = app.deps.clock.now().toISOString();
    const views = [];
    for (const id of ids) {
      const view = await moderation.personView(personId, id).catch(() => undefined);
      if (!view) continue;
      views.push({
        ...view,
        decisions: view.decisions.map((d) => ({ ...d, appealable: d.appeal === null && now <= d.statement.redress.appeal.until })),
      });
    }
    return accountModerationHtml({ csrf, worlds: views });
  }

  app.post('/account/sign-in/options', { schema: { hide: true } }, async (request) => {
    if (!preCsrfValid(request)) throw new MvidError('csrf_invalid', 'reload the page and try again');
    return worlds.passkeys.authenticationOptions();
  });

  app.post('/account/sign-in', { schema: { hide: true }, bodyLimit: 64 * 1024 }, async (request, reply) => {
    if (!preCsrfValid(request)) throw new MvidError('csrf_invalid', 'reload the page and try again');
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
