/**
 * Mounts oidc-provider (a Koa application) under /oidc in the Fastify app. The
 * provider reads request bodies itself, so this plugin's scope keeps Fastify's parsers
 * off the stream; the path is stripped as a Connect-style mount would, with
 * `originalUrl` kept so the provider builds its own URLs under /oidc. The provider is
 * built on the first request that needs it (`provider` is a memoised loader).
 */
import type { IncomingMessage } from 'node:http';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type Provider from 'oidc-provider';
import { countProviderFailures } from '../abuse.ts';

export const OIDC_MOUNT = '/oidc';

/**
 * The CSP of every oidc-provider answer that mvid does not render itself: its auto-submitting
 * pages (form_post responses, the logout confirmation without a session) are fixed templates
 * with one inline script and escaped values, and post to a world's origin, so no nonce and no
 * form-action — but nothing else loads, and no page of the provider can be framed. Pages mvid
 * renders for the provider (sign-out, errors) replace this with their nonce CSP (provider.ts).
 */
const PROVIDER_CSP = "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; base-uri 'none'; frame-ancestors 'none'";

export function oidcMount(provider: () => Promise<Provider>, publicUrl: string) {
  let callback: Promise<ReturnType<Provider['callback']>> | undefined;
  // oidc-provider builds endpoint URLs from the request's Host; pin them to the public URL
  // instead, so a forged Host header cannot poison discovery or redirects.
  const pub = new URL(publicUrl);
  return async function mount(app: FastifyInstance): Promise<void> {
    app.removeAllContentTypeParsers();
    app.addContentTypeParser('*', (_request, _payload, done) => done(null, undefined));
    const handler = async (request: FastifyRequest, reply: FastifyReply) => {
      // Once, however many requests arrive while the provider is being built.
      callback ??= provider().then(
        (built) => {
          built.use(countProviderFailures(app.deps.abuse));
          return built.callback();
        },
        (error: unknown) => {
          callback = undefined;
          throw error;
        },
      );
      const handle = await callback;
      reply.hijack();
      const raw = request.raw as IncomingMessage & { originalUrl?: string };
      raw.originalUrl = raw.url ?? '/';
      raw.url = (raw.url ?? '').slice(OIDC_MOUNT.length) || '/';
      raw.headers.host = pub.host;
      raw.headers['x-forwarded-host'] = pub.host;
      raw.headers['x-forwarded-proto'] = pub.protocol.slice(0, -1);
      reply.raw.setHeader('x-request-id', String(request.id));
      reply.raw.setHeader('content-security-policy', PROVIDER_CSP);
      handle(raw, reply.raw);
    };
    // Client authentication (secrets, private_key_jwt) happens here: failures count towards the abuse limits.
    const clientAuth = { schema: { hide: true }, config: { abuse: 'client-auth' as const } };
    app.post(`${OIDC_MOUNT}/token`, clientAuth, handler);
    app.post(`${OIDC_MOUNT}/token/*`, clientAuth, handler);
    app.all(OIDC_MOUNT, { schema: { hide: true } }, handler);
    app.all(`${OIDC_MOUNT}/*`, { schema: { hide: true } }, handler);
  };
}
