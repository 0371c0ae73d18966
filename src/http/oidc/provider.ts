/**
 * mvid's OpenID Connect provider: oidc-provider configured for worlds. Authorization
 * code flow with PKCE (S256) required for every client, pairwise subjects only,
 * rotating refresh tokens (a reused one revokes its grant — oidc-provider's own
 * behaviour once rotation is on), JWT access tokens for mvid's own API via resource
 * indicators, client credentials for worlds' server-to-server calls, DPoP, and
 * RP-initiated logout. Pages it renders itself (logout, errors) come from src/web.
 */
import { createHmac } from 'node:crypto';
import Provider, { errors, interactionPolicy } from 'oidc-provider';
import { toBase64Url } from '../../core/index.ts';
import type { ServiceKeys } from '../../keys/index.ts';
import { newNonce, pageCsp, renderErrorPage, renderLogoutDone, renderLogoutPage, type Translator, translator } from '../../web/index.ts';
import { LANG_HEADERS, negotiateRequestLang } from '../i18n.ts';
import type { ModerationService } from '../../moderation/index.ts';
import { clientSecretMatches, WORLD_CLAIM_NAMES, type WorldsService } from '../../worlds/index.ts';

/** The scope a world uses for its own server-to-server calls to mvid's API. */
export const WORLD_API_SCOPE = 'mvid:world';

export interface OidcOptions {
  publicUrl: string;
  keys: ServiceKeys;
  worlds: WorldsService;
  /** Sanctions: a suspended or banned person has no account in that world; the rest is the `mvid_moderation` claim. */
  moderation?: ModerationService;
}

/** The claim every ID token and userinfo answer carries: the person's sanction state in this world only. */
export const MODERATION_CLAIM = 'mvid_moderation';

/** Routes where a person is in front of mvid's pages, so a sanction is shown there rather than failing the request. */
const INTERACTIVE_ROUTES = new Set(['authorization', 'resume']);

/**
 * oidc-provider's default prompts, plus: a person suspended or banned in this world is sent
 * to the login interaction even with a live session there, where the page says why.
 */
function interactionsPolicy(moderation: ModerationService | undefined) {
  const policy = interactionPolicy.base();
  if (moderation) {
    policy.get('login').checks.add(
      new interactionPolicy.Check('mvid_sanctioned', 'a suspension or ban in this world refuses sign-in', async (ctx: Ctx) => {
        const accountId: string | undefined = ctx.oidc?.session?.accountId;
        const clientId: string | undefined = ctx.oidc?.client?.clientId;
        return (
          accountId !== undefined && clientId !== undefined && (await moderation.standing.signInBlock(clientId, accountId)) !== undefined
        );
      }),
    );
  }
  return policy;
}

/** The members of an oidc-provider session that say who is signed in, and to which worlds. */
const SIGNED_IN = ['accountId', 'loginTs', 'amr', 'acr', 'transient', 'authorizations'] as const;

/**
 * Signs a browser's provider session out of `accountId`, whose account has ended (closed or swept):
 * without it the authorization endpoint would carry on for an account `findAccount` cannot
 * find and fail with a 500. The session gets a new id (the old one is deleted when it is saved).
 */
function signOut(session: Ctx, accountId: string): void {
  if (!session || session.accountId !== accountId) return;
  for (const member of SIGNED_IN) delete session[member];
  session.resetIdentifier();
}

/** The resource indicator (JWT access-token audience) of mvid's own API. */
export const apiResource = (publicUrl: string): string => `${publicUrl}/api`;

// biome-ignore lint/suspicious/noExplicitAny: oidc-provider's Koa context is untyped
type Ctx = any;

/** The Translator for a page oidc-provider renders, negotiated like every other page (src/http/i18n.ts). */
function translatorOf(ctx: Ctx): Translator {
  const { lang, setCookie } = negotiateRequestLang({
    url: String(ctx.url ?? '/'),
    cookie: ctx.get('cookie') || undefined,
    acceptLanguage: ctx.get('accept-language') || undefined,
  });
  if (setCookie) ctx.append('set-cookie', setCookie);
  ctx.set('content-language', lang);
  ctx.set('vary', LANG_HEADERS.vary);
  return translator(lang);
}

function html(ctx: Ctx, body: string, nonce: string, status?: number): void {
  ctx.type = 'html';
  ctx.set('content-security-policy', pageCsp(nonce));
  if (status !== undefined) ctx.status = status;
  ctx.body = body;
}

type Client = { clientId: string };

type ClientClass = { find(id: unknown): Promise<object | undefined>; adapter: { find(id: string): Promise<object | undefined> } };

/**
 * oidc-provider's `Client.find` for a stored client reads the adapter, serialises and hashes
 * what it read to find the `Client` it built from equal metadata (its own cache), on every
 * token request. mvid's adapter hands out one frozen metadata object per cached world row
 * (worlds' `clientMetadata`), so the `Client` is kept per that object: while the row is
 * cached the same object comes back and the same `Client` serves; a disabled or changed world
 * gives another object (or none) and goes through oidc-provider's own path again. Never an
 * older client than the adapter's answer of this request.
 */
function rememberClients(Client: ClientClass): void {
  const original = Client.find;
  const built = new WeakMap<object, object>();
  Client.find = async function find(this: ClientClass, id: unknown) {
    if (typeof id !== 'string' || id.length === 0) return original.call(this, id);
    const metadata = await this.adapter.find(id);
    const known = metadata === undefined ? undefined : built.get(metadata);
    if (known !== undefined) return known;
    const client = await original.call(this, id);
    if (metadata !== undefined && client !== undefined && Object.isFrozen(metadata)) built.set(metadata, client);
    return client;
  };
}
type Token = { clientId?: string; aud?: string | string[] };

/** Whether `client` may learn about `token`: it was issued to it, or names it as audience. */
export function tokenIsFor(client: Client, token: Token): boolean {
  if (token.clientId === client.clientId) return true;
  const audiences = Array.isArray(token.aud) ? token.aud : token.aud === undefined ? [] : [token.aud];
  return audiences.includes(client.clientId);
}

/**
 * The grant of this browser session, else one rebuilt from the consent the person gave
 * this world before (another browser, or before signing out): consent is remembered per
 * person and world until withdrawn, as docs/integrating-a-world.md promises.
 */
async function rememberedGrant(ctx: Ctx, worlds: WorldsService) {
  const { Grant } = ctx.oidc.provider;
  const clientId: string = ctx.oidc.client.clientId;
  const grantId = ctx.oidc.result?.consent?.grantId || ctx.oidc.session.grantIdFor(clientId);
  const existing = grantId ? await Grant.find(grantId) : undefined;
  if (existing) return existing;
  const accountId: string | undefined = ctx.oidc.account?.accountId;
  const stored = accountId ? await worlds.consents.find(accountId, clientId) : undefined;
  if (!accountId || !stored || stored.scopes.length === 0) return undefined;
  const grant = new Grant({ accountId, clientId });
  grant.addOIDCScope(stored.scopes.join(' '));
  for (const s of stored.rejected) grant.rejectOIDCScope(s);
  if (stored.claims.length > 0) grant.addOIDCClaims(stored.claims);
  for (const [indicator, scopes] of Object.entries(stored.resources)) grant.addResourceScope(indicator, scopes);
  await grant.save();
  return grant;
}

export function createOidcProvider({ publicUrl, keys, worlds, moderation }: OidcOptions): Provider {
  const issuer = `${publicUrl}/oidc`;
  const api = apiResource(publicUrl);
  const claims: Record<string, string[]> = { openid: moderation ? ['sub', MODERATION_CLAIM] : ['sub'] };
  for (const name of WORLD_CLAIM_NAMES) claims[name] = [name];
  // A key of its own for oidc-provider's signed cookies, derived so the CSRF MACs never share one.
  const cookieKey = toBase64Url(createHmac('sha256', keys.cookieSecret).update('mvid-oidc-cookies').digest());

  const provider = new Provider(issuer, {
    adapter: worlds.oidcAdapter(),
    clients: [],
    jwks: { keys: keys.tokenSigning.map((k) => k.privateJwk) },
    cookies: {
      keys: [cookieKey],
      long: { httpOnly: true, sameSite: 'lax', signed: true },
      short: { httpOnly: true, sameSite: 'lax', signed: true },
    },
    scopes: ['openid', 'offline_access', WORLD_API_SCOPE, ...WORLD_CLAIM_NAMES],
    claims,
    // Released claims go in the ID token too, so a world can read them offline from one signed token.
    conformIdTokenClaims: false,
    subjectTypes: ['pairwise'],
    pairwiseIdentifier: async (_ctx: Ctx, accountId: string, client: { clientId: string }) => worlds.subjectOf(client.clientId, accountId),
    responseTypes: ['code'],
    pkce: { required: () => true },
    clientAuthMethods: ['private_key_jwt', 'client_secret_basic', 'client_secret_post'],
    enabledJWA: {
      idTokenSigningAlgValues: ['ES256'],
      userinfoSigningAlgValues: ['ES256'],
      clientAuthSigningAlgValues: ['ES256', 'EdDSA', 'PS256', 'RS256'],
      dPoPSigningAlgValues: ['ES256', 'EdDSA'],
    },
    rotateRefreshToken: () => true,
    ttl: {
      AccessToken: 600,
      AuthorizationCode: 60,
      ClientCredentials: 600,
      IdToken: 600,
      RefreshToken: 30 * 86400,
      Interaction: 900,
      Session: 8 * 3600,
      Grant: 365 * 86400,
    },
    clientBasedCORS: (_ctx: Ctx, origin: string, client: { redirectUris: string[] }) =>
      client.redirectUris.some((u) => new URL(u).origin === origin),
    loadExistingGrant: async (ctx: Ctx) => rememberedGrant(ctx, worlds),
    interactions: {
      policy: interactionsPolicy(moderation),
      url: (_ctx: Ctx, interaction: { uid: string }) => `/interaction/${interaction.uid}`,
    },
    findAccount: async (ctx: Ctx, accountId: string) => {
      if (!(await worlds.persons.isActive(accountId))) {
        // The account ended (closed, or swept by retention) while a browser still holds a session of it:
        // at the authorization endpoint that session is signed out, so the person is asked to sign in.
        if (INTERACTIVE_ROUTES.has(ctx.oidc?.route)) signOut(ctx.oidc.session, accountId);
        return undefined;
      }
      // A suspended or banned person has no account in that world for tokens (refresh, userinfo); at the
      // authorization endpoint the login prompt (interactionsPolicy) shows the refusal page instead.
      const world: string | undefined = ctx.oidc?.client?.clientId;
      if (world && moderation && !INTERACTIVE_ROUTES.has(ctx.oidc?.route) && (await moderation.standing.signInBlock(world, accountId)))
        return undefined;
      return {
        accountId,
        async claims(_use: string, scope: string, _claims: unknown, rejected: string[]) {
          const clientId: string | undefined = ctx.oidc?.client?.clientId;
          if (!clientId) return { sub: accountId };
          const granted = new Set(scope.split(' ').filter((s) => !rejected.includes(s)));
          const released = await worlds.claimsFor(clientId, accountId, granted);
          if (!moderation) return { sub: accountId, ...released };
          return { sub: accountId, ...released, [MODERATION_CLAIM]: await moderation.standing.claim(clientId, accountId) };
        },
      };
    },
    features: {
      devInteractions: { enabled: false },
      userinfo: { enabled: true },
      // A world may revoke or introspect only its own tokens, or (introspection) one whose audience it is:
      // anything else is `active: false`, so world B never learns world A's subjects.
      revocation: { enabled: true, allowedPolicy: async (_ctx: Ctx, client: Client, token: Token) => token.clientId === client.clientId },
      introspection: { enabled: true, allowedPolicy: async (_ctx: Ctx, client: Client, token: Token) => tokenIsFor(client, token) },
      clientCredentials: { enabled: true },
      dPoP: { enabled: true },
      rpInitiatedLogout: {
        enabled: true,
        logoutSource: async (ctx: Ctx, form: string) => {
          const nonce = newNonce();
          html(ctx, renderLogoutPage({ t: translatorOf(ctx), form, nonce, clientName: ctx.oidc?.client?.clientName }), nonce);
        },
        postLogoutSuccessSource: async (ctx: Ctx) => {
          const nonce = newNonce();
          html(ctx, renderLogoutDone({ t: translatorOf(ctx), nonce, clientName: ctx.oidc?.client?.clientName }), nonce);
        },
      },
      resourceIndicators: {
        enabled: true,
        defaultResource: async (_ctx: Ctx, _client: unknown, oneOf?: string[]) => oneOf?.[0],
        useGrantedResource: async () => true,
        getResourceServerInfo: async (_ctx: Ctx, resource: string) => {
          if (resource !== api) throw new (errors.InvalidTarget as new (d?: string) => Error)(`unknown resource ${resource}`);
          return { scope: WORLD_API_SCOPE, audience: api, accessTokenFormat: 'jwt', accessTokenTTL: 600, jwt: { sign: { alg: 'ES256' } } };
        },
      },
    },
    renderError: async (ctx: Ctx, out: { error: string; error_description?: string }) => {
      const nonce = newNonce();
      html(ctx, renderErrorPage({ t: translatorOf(ctx), nonce, error: out.error, description: out.error_description ?? '' }), nonce);
    },
  });
  // Client secrets are stored hashed: oidc-provider is handed the hash as `client_secret`
  // and compares what a world presents by hashing it (see src/worlds/registration.ts).
  provider.Client.prototype.compareClientSecret = function compareClientSecret(this: { clientSecret: string }, actual: string) {
    return clientSecretMatches(this.clientSecret, actual);
  };
  rememberClients(provider.Client as unknown as ClientClass);
  // The mount (mount.ts) overwrites X-Forwarded-Host/Proto from the configured public URL, so
  // trusting them is trusting configuration: URLs match the issuer and cookies are Secure on https.
  provider.proxy = true;
  return provider;
}
