/**
 * The person's portal in the browser: sign in with a passkey; my worlds (withdraw
 * consent); passkeys (add, rename, remove); the data export as a download; account
 * closure after a confirmation. Before sign-in the CSRF token is bound to a random
 * pre-session cookie (so a foreign site cannot sign the browser in to another
 * account); after, to the session — every form here carries it.
 */
import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { MvidError } from '../../core/index.ts';
import type { PersonPrincipal } from '../../registry/index.ts';
import {
  accountModerationHtml,
  newNonce,
  renderAccount,
  renderAccountClosed,
  renderCloseAccount,
  renderPasskeySetup,
  type SafeHtml,
  type Translator,
} from '../../web/index.ts';
import { WEB_SESSION_TTL_SECONDS, type WorldClaim } from '../../worlds/index.ts';
import { PASSKEY_SIGN_IN } from '../abuse.ts';
import { clearSessionCookie, readCookie, sessionCookieName, setSessionCookie } from '../oidc/cookies.ts';
import { sendPage } from '../pages.ts';
import { pageTranslator } from '../i18n.ts';
import { personExport } from '../person-export.ts';
import { credentialsSectionFor } from './account-credentials.ts';
import { openPreSession, requirePreCsrf } from './pre-session.ts';
import { WORLDS_PERSON_GUARD, type WorldsPerson, worldsPersonOf } from './worlds-person.ts';

const html = (reply: FastifyReply, body: string, nonce: string): FastifyReply => sendPage(reply, body, nonce);
const labels = (t: Translator, claims: readonly WorldClaim[]) => claims.map((c) => t.m.claims[c]?.label ?? c);

const Csrf = Type.Optional(Type.String({ maxLength: 100 }));
const PasskeyId = Type.String({ minLength: 1, maxLength: 1400 });
const RenameForm = Type.Object({ csrf: Csrf, id: PasskeyId, name: Type.String({ minLength: 1, maxLength: 100 }) });
const RemoveForm = Type.Object({ csrf: Csrf, id: PasskeyId });
const CloseForm = Type.Object({ csrf: Csrf, confirm: Type.Optional(Type.String({ maxLength: 10 })) });

/** The registry's view of a browser session's person (only the person id is read by export and closure). */
function principalOf(person: WorldsPerson): PersonPrincipal {
  return { personId: person.personId, sessionId: person.sessionId ?? '', method: 'browser', holderKeyId: null, expiresAt: '' };
}

export async function worldsAccountRoutes(app: FastifyInstance): Promise<void> {
  const { worlds, config, registry } = app.deps;
  const cookieName = sessionCookieName(config.publicUrl);

  app.get('/account', { schema: { hide: true } }, async (request, reply) => {
    const nonce = newNonce();
    const t = pageTranslator(request, reply);
    const session = await worlds.webSessions.resolve(readCookie(request, cookieName));
    if (!session || !(await worlds.persons.isActive(session.personId))) {
      return html(reply, renderPasskeySetup({ t, nonce, csrf: openPreSession(request, reply) }), nonce);
    }
    const used = await worlds.worldsOf(session.personId);
    const csrf = worlds.webSessions.csrfToken(`session:${session.id}`);
    const page = renderAccount({
      t,
      nonce,
      csrf,
      moderationHtml: await moderationSection(
        t,
        session.personId,
        csrf,
        used.map((w) => w.world.id),
      ),
      worlds: used.map((w) => ({
        id: w.world.id,
        name: w.world.name,
        purpose: w.world.purpose,
        consentActive: w.consentActive,
        consented: labels(t, w.consented),
        received: labels(t, w.received),
        firstReleasedAt: w.firstReleasedAt,
        lastReleasedAt: w.lastReleasedAt,
        handle: w.handle,
        trustLevel: w.trustLevel,
      })),
      passkeys: await worlds.passkeys.list(session.personId),
      credentialsHtml: await credentialsSectionFor(app, t, session.personId, csrf),
    });
    return html(reply, page, nonce);
  });

  /** Per world the person uses or was decided on: standing, trust level and why, decisions and appeal forms. */
  async function moderationSection(t: Translator, personId: string, csrf: string, usedWorlds: string[]): Promise<SafeHtml | undefined> {
    const moderation = app.deps.moderation?.moderation;
    if (!moderation) return undefined;
    const ids = [...new Set([...usedWorlds, ...(await moderation.worldsOf(personId))])].sort();
    const now = app.deps.clock.now().toISOString();
    const views = [];
    for (const id of ids) {
      const view = await moderation.personView(personId, id).catch(() => undefined);
      if (!view) continue;
      views.push({
        ...view,
        moderator: await moderation.roles.has(id, personId, 'moderator'),
        decisions: view.decisions.map((d) => ({ ...d, appealable: d.appeal === null && now <= d.statement.redress.appeal.until })),
      });
    }
    return accountModerationHtml({ t, csrf, worlds: views });
  }

  app.post(
    '/account/sign-in/options',
    { schema: { hide: true }, config: { abuse: 'mint' }, bodyLimit: 4096, preValidation: requirePreCsrf },
    async () => worlds.passkeys.authenticationOptions(),
  );

  const signIn = { schema: { hide: true }, bodyLimit: 64 * 1024, config: PASSKEY_SIGN_IN, preValidation: requirePreCsrf };
  app.post('/account/sign-in', signIn, async (request, reply) => {
    // biome-ignore lint/suspicious/noExplicitAny: the WebAuthn JSON is checked by the verifier
    const { personId } = await worlds.passkeys.authenticate(request.body as any);
    if (!(await worlds.persons.isActive(personId))) throw new MvidError('person_closed', 'this account is closed');
    const { token } = await worlds.webSessions.open(personId, readCookie(request, cookieName));
    setSessionCookie(reply, config.publicUrl, token, WEB_SESSION_TTL_SECONDS);
    return { location: '/account' };
  });

  const guarded = { ...WORLDS_PERSON_GUARD, schema: { hide: true } };
  app.post('/account/passkeys/options', { ...guarded, config: { abuse: 'mint' } }, async (request) =>
    worlds.passkeys.registrationOptions(worldsPersonOf(request).personId),
  );
  app.post('/account/passkeys', { ...guarded, bodyLimit: 64 * 1024 }, async (request) => {
    const { personId } = worldsPersonOf(request);
    const count = (await worlds.passkeys.list(personId)).length;
    // biome-ignore lint/suspicious/noExplicitAny: the WebAuthn JSON is checked by the verifier
    await worlds.passkeys.register(personId, request.body as any, count === 0 ? 'First passkey' : `Passkey ${count + 1}`);
    return { location: '/account' };
  });
  app.post<{ Body: { id: string; name: string } }>(
    '/account/passkeys/rename',
    { ...guarded, schema: { hide: true, body: RenameForm } },
    async (request, reply) => {
      const name = request.body.name.trim();
      if (name === '') throw new MvidError('validation_failed', 'a passkey needs a name');
      if (!(await worlds.passkeys.rename(worldsPersonOf(request).personId, request.body.id, name)))
        throw new MvidError('not_found', 'you have no such passkey');
      return reply.redirect('/account', 303);
    },
  );
  app.post<{ Body: { id: string } }>(
    '/account/passkeys/remove',
    { ...guarded, schema: { hide: true, body: RemoveForm } },
    async (request, reply) => {
      const { personId } = worldsPersonOf(request);
      // The last passkey is the only way back in: removing it would lock the person out.
      if ((await worlds.passkeys.list(personId)).length <= 1)
        throw new MvidError('conflict', 'this is your only passkey: add another before removing it');
      if (!(await worlds.passkeys.remove(personId, request.body.id))) throw new MvidError('not_found', 'you have no such passkey');
      return reply.redirect('/account', 303);
    },
  );
  app.post<{ Params: { worldId: string } }>('/account/worlds/:worldId/revoke', guarded, async (request, reply) => {
    await worlds.revokeConsent(worldsPersonOf(request).personId, request.params.worldId);
    return reply.redirect('/account', 303);
  });
  app.post('/account/export', guarded, async (request, reply) => {
    const document = await personExport(app.deps, principalOf(worldsPersonOf(request)));
    return reply
      .type('application/json; charset=utf-8')
      .header('content-disposition', 'attachment; filename="mvid-export.json"')
      .header('cache-control', 'no-store')
      .send(JSON.stringify(document, null, 2));
  });
  app.get('/account/close', guarded, async (request, reply) => {
    const nonce = newNonce();
    const csrf = worlds.webSessions.csrfToken(`session:${worldsPersonOf(request).sessionId}`);
    return html(reply, renderCloseAccount({ t: pageTranslator(request, reply), nonce, csrf, retentionDays: config.retentionDays }), nonce);
  });
  app.post<{ Body: { confirm?: string } }>(
    '/account/close',
    { ...guarded, schema: { hide: true, body: CloseForm } },
    async (request, reply) => {
      if (request.body.confirm !== 'yes')
        throw new MvidError('validation_failed', 'tick the box to confirm that you want to close your account');
      const person = worldsPersonOf(request);
      const closed = await registry.self.close(principalOf(person));
      clearSessionCookie(reply, config.publicUrl);
      const nonce = newNonce();
      return html(reply, renderAccountClosed({ t: pageTranslator(request, reply), nonce, purgeAfter: closed.purgeAfter }), nonce);
    },
  );
  app.post('/account/sign-out', guarded, async (request, reply) => {
    await worlds.webSessions.revoke(readCookie(request, cookieName));
    clearSessionCookie(reply, config.publicUrl);
    return reply.redirect('/account', 303);
  });
}
