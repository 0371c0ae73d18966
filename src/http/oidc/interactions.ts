/**
 * The interaction pages oidc-provider sends a person to: sign-in with a passkey (or
 * continue with the browser's mvid session) and consent. Every POST carries a CSRF
 * token bound to the interaction; oidc-provider's own `_interaction` cookie already
 * ties the browser to the uid.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type Provider from 'oidc-provider';
import type { InteractionDetails } from 'oidc-provider';
import { MvidError } from '../../core/index.ts';
import { newNonce, renderConsent, renderSignIn, renderSignInRefused } from '../../web/index.ts';
import { sendPage } from '../pages.ts';
import { pageTranslator } from '../i18n.ts';
import { isWorldClaim, WEB_SESSION_TTL_SECONDS } from '../../worlds/index.ts';
import { PASSKEY_SIGN_IN } from '../abuse.ts';
import { readCookie, sessionCookieName, setSessionCookie } from './cookies.ts';

type Params = { Params: { uid: string } };
const UID = { type: 'object', properties: { uid: { type: 'string', pattern: '^[A-Za-z0-9_-]{1,64}$' } }, required: ['uid'] } as const;

/** `provider` is a memoised loader: the provider is built on the first request that needs it. */
export function interactionRoutes(provider: () => Promise<Provider>) {
  return async function routes(app: FastifyInstance): Promise<void> {
    const { worlds, config } = app.deps;
    const moderation = app.deps.moderation?.moderation;
    /** A suspension or ban in this world refuses sign-in there (and nowhere else). */
    const blockOf = async (clientId: string, personId: string) => moderation?.standing.signInBlock(clientId, personId);
    const cookieName = sessionCookieName(config.publicUrl);
    const csrfOf = (uid: string) => worlds.webSessions.csrfToken(`interaction:${uid}`);
    // Anyone may post here: a form or a passkey assertion is a few kilobytes, never the app-wide limit.
    app.addHook('onRoute', (route) => {
      route.bodyLimit ??= 64 * 1024;
    });

    async function details(request: FastifyRequest<Params>, reply: FastifyReply): Promise<InteractionDetails> {
      const oidc = await provider();
      let found: InteractionDetails;
      try {
        found = await oidc.interactionDetails(request.raw, reply.raw);
      } catch (error) {
        throw new MvidError('not_found', 'this sign-in has expired or belongs to another browser; start again from the world', {
          cause: error,
        });
      }
      if (found.uid !== request.params.uid) throw new MvidError('not_found', 'interaction mismatch');
      return found;
    }

    function checkCsrf(request: FastifyRequest<Params>): void {
      const body = request.body as Record<string, unknown> | undefined;
      const presented = request.headers['x-csrf-token'] ?? body?.csrf;
      if (!worlds.webSessions.csrfValid(`interaction:${request.params.uid}`, presented))
        throw new MvidError('csrf_invalid', 'the form token is missing or wrong');
    }

    /**
     * The person an interaction asks consent for must still have an account: one closed (or swept)
     * while the page was open gets the refusal, and nothing is granted or remembered for it.
     */
    async function requireActive(personId: string): Promise<void> {
      if (!(await worlds.persons.isActive(personId))) throw new MvidError('person_closed', 'this account is closed');
    }

    /** Where the world's redirect will land, for the consent page's form-action. */
    async function redirectOrigins(clientId: string): Promise<string[]> {
      const world = await worlds.registry.get(clientId);
      return world ? [...new Set(world.redirectUris.map((u) => new URL(u).origin))] : [];
    }

    async function finish(request: FastifyRequest, reply: FastifyReply, result: Record<string, unknown>): Promise<string> {
      return (await provider()).interactionResult(request.raw, reply.raw, result, { mergeWithLastSubmission: false });
    }

    app.get<Params>('/interaction/:uid', { schema: { hide: true, params: UID } }, async (request, reply) => {
      const d = await details(request, reply);
      const clientId = String(d.params.client_id);
      const world = await worlds.enabledWorld(clientId);
      const nonce = newNonce();
      const t = pageTranslator(request, reply);
      const session = d.prompt.name === 'login' ? await worlds.webSessions.resolve(readCookie(request, cookieName)) : undefined;
      const personId = d.prompt.name === 'login' ? session?.personId : d.session?.accountId;
      const block = personId === undefined ? undefined : await blockOf(clientId, personId);
      if (block) {
        const page = renderSignInRefused({ t, nonce, uid: d.uid, csrf: csrfOf(d.uid), worldName: world.name, statement: block.statement });
        return sendPage(reply.code(403), page, nonce, { formTargets: await redirectOrigins(clientId) });
      }
      if (d.prompt.name === 'login') {
        const signedIn = session !== undefined && (await worlds.persons.isActive(session.personId));
        return sendPage(reply, renderSignIn({ t, nonce, uid: d.uid, csrf: csrfOf(d.uid), worldName: world.name, signedIn }), nonce, {
          formTargets: await redirectOrigins(clientId),
        });
      }
      if (d.session?.accountId) await requireActive(d.session.accountId);
      const requested = new Set<string>(String(d.params.scope ?? '').split(' '));
      const claims = world.claims
        .filter((c) => requested.has(c.name))
        .map((c) => ({ name: c.name, required: c.required, ...t.m.claims[c.name] }));
      const page = renderConsent({ t, nonce, uid: d.uid, csrf: csrfOf(d.uid), world, claims, offline: requested.has('offline_access') });
      return sendPage(reply, page, nonce, { formTargets: await redirectOrigins(clientId) });
    });

    app.post<Params>(
      '/interaction/:uid/passkey/options',
      { schema: { hide: true, params: UID }, config: { abuse: 'mint' } },
      async (request, reply) => {
        checkCsrf(request);
        await details(request, reply);
        return worlds.passkeys.authenticationOptions();
      },
    );

    app.post<Params>(
      '/interaction/:uid/passkey',
      { schema: { hide: true, params: UID }, config: PASSKEY_SIGN_IN },
      async (request, reply) => {
        checkCsrf(request);
        const d = await details(request, reply);
        if (d.prompt.name !== 'login') throw new MvidError('conflict', 'this interaction is not asking for a sign-in');
        // biome-ignore lint/suspicious/noExplicitAny: the WebAuthn JSON is checked by the verifier
        const { personId } = await worlds.passkeys.authenticate(request.body as any);
        if (!(await worlds.persons.isActive(personId))) throw new MvidError('person_closed', 'this account is closed');
        const { token } = await worlds.webSessions.open(personId, readCookie(request, cookieName));
        setSessionCookie(reply, config.publicUrl, token, WEB_SESSION_TTL_SECONDS);
        // Signed in to mvid, but not to this world: the interaction page now shows why.
        if (await blockOf(String(d.params.client_id), personId)) return { location: `/interaction/${d.uid}` };
        return { location: await finish(request, reply, { login: { accountId: personId, amr: ['hwk', 'user'] } }) };
      },
    );

    app.post<Params>('/interaction/:uid/continue', { schema: { hide: true, params: UID } }, async (request, reply) => {
      checkCsrf(request);
      const d = await details(request, reply);
      if (d.prompt.name !== 'login') throw new MvidError('conflict', 'this interaction is not asking for a sign-in');
      const session = await worlds.webSessions.resolve(readCookie(request, cookieName));
      if (!session || !(await worlds.persons.isActive(session.personId)))
        throw new MvidError('unauthenticated', 'your mvid session has ended; sign in with your passkey');
      if (await blockOf(String(d.params.client_id), session.personId)) return reply.redirect(`/interaction/${d.uid}`, 303);
      return reply.redirect(await finish(request, reply, { login: { accountId: session.personId } }), 303);
    });

    app.post<Params>('/interaction/:uid/consent', { schema: { hide: true, params: UID } }, async (request, reply) => {
      checkCsrf(request);
      const d = await details(request, reply);
      if (d.prompt.name !== 'consent' || !d.session?.accountId)
        throw new MvidError('conflict', 'this interaction is not asking for consent');
      await requireActive(d.session.accountId);
      await moderation?.standing.requireNotBlocked(String(d.params.client_id), d.session.accountId);
      const body = (request.body ?? {}) as Record<string, unknown>;
      if (body.decision !== 'allow') {
        return reply.redirect(
          await finish(request, reply, { error: 'access_denied', error_description: 'the person declined to share' }),
          303,
        );
      }
      const clientId = String(d.params.client_id);
      const world = await worlds.enabledWorld(clientId);
      const required = new Set(world.claims.filter((c) => c.required).map((c) => c.name));
      const { Grant } = await provider();
      const grant = d.grantId ? await Grant.find(d.grantId) : undefined;
      const target = grant ?? new Grant({ accountId: d.session.accountId, clientId });
      const missing: string[] = d.prompt.details.missingOIDCScope ?? [];
      const accepted = missing.filter((s) => !isWorldClaim(s) || required.has(s) || body[`claim:${s}`] === '1');
      const declined = missing.filter((s) => !accepted.includes(s));
      if (accepted.length > 0) target.addOIDCScope(accepted.join(' '));
      // Declined claims are recorded as rejected, so consent is not asked again for them on every sign-in.
      for (const s of declined) target.rejectOIDCScope(s);
      const claims: string[] = d.prompt.details.missingOIDCClaims ?? [];
      if (claims.length > 0) target.addOIDCClaims(claims.filter((c) => !isWorldClaim(c) || accepted.includes(c)));
      const resources: Record<string, string> = {};
      for (const [indicator, scopes] of Object.entries((d.prompt.details.missingResourceScopes ?? {}) as Record<string, string[]>)) {
        target.addResourceScope(indicator, scopes.join(' '));
        resources[indicator] = scopes.join(' ');
      }
      const grantId = await target.save();
      // Remembered for this person and world, not this browser: see loadExistingGrant in provider.ts.
      await worlds.consents.record(d.session.accountId, clientId, {
        scopes: accepted,
        rejected: declined,
        claims: claims.filter((c) => !isWorldClaim(c) || accepted.includes(c)),
        resources,
      });
      return reply.redirect(await finish(request, reply, { consent: { grantId } }), 303);
    });

    app.post<Params>('/interaction/:uid/abort', { schema: { hide: true, params: UID } }, async (request, reply) => {
      checkCsrf(request);
      await details(request, reply);
      return reply.redirect(
        await finish(request, reply, { error: 'access_denied', error_description: 'the person cancelled the sign-in' }),
        303,
      );
    });
  };
}
