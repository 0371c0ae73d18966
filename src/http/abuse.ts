/**
 * Abuse limits at the HTTP edge (the counters are src/abuse's, in the database).
 *  - A route marked `config: { abuse: 'mint' }` (nonces, challenges, offers) or `'enrol'`
 *    (enrolment, recovery) counts every request per IP address.
 *  - Every credential check counts its failures: any request carrying an Authorization
 *    header, and routes marked `'sign-in'` (holder and passkey sign-in, pre-authorised
 *    codes, client authentication at /oidc/token). Before the check, a caller (IP) or
 *    principal (client id, holder key, passkey) over its limit is refused 429 whatever it
 *    presents; after it, a failure (401; on sign-in routes any 400–403) counts one hit.
 * A route names its principal with `config: { abusePrincipal }`, read once the body is parsed
 * (preValidation, before the route's own checks of it).
 *  - `'client-auth'` (oidc-provider's token endpoints, whose replies bypass Fastify's onSend):
 *    like `'sign-in'`, but the failure is counted inside oidc-provider (`countProviderFailures`,
 *    a Koa middleware), before its answer is written, so the next attempt always sees it.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { type AbuseKey, type AbuseLimiter, rateLimited } from '../abuse/index.ts';

export type AbuseKind = 'mint' | 'enrol' | 'sign-in' | 'client-auth';

declare module 'fastify' {
  interface FastifyContextConfig {
    abuse?: AbuseKind;
    /** The principal a sign-in names (a holder key, a passkey id), from the parsed request. */
    abusePrincipal?: (request: FastifyRequest) => string | undefined;
  }
  interface FastifyRequest {
    /** Keys whose failure counters this request's credential check feeds. */
    abuseKeys?: AbuseKey[] | undefined;
  }
}

const ABUSE_KEYS = Symbol('mvid.abuseKeys');
type RawWithKeys = { [ABUSE_KEYS]?: AbuseKey[] };

/**
 * Koa middleware for oidc-provider: counts a failed client authentication (any 400–403 of a
 * request the edge marked `'client-auth'`) before the provider writes its answer.
 */
export function countProviderFailures(limiter: AbuseLimiter) {
  return async (ctx: { req: unknown; status: number }, next: () => Promise<unknown>): Promise<void> => {
    await next();
    const keys = (ctx.req as RawWithKeys)[ABUSE_KEYS];
    if (keys !== undefined && ctx.status >= 400 && ctx.status <= 403) await limiter.hit(keys).catch(() => undefined);
  };
}

/** The client id of an `Authorization: Basic` header (RFC 6749 §2.3.1), if any. */
export function basicClientId(request: FastifyRequest): string | undefined {
  const match = /^Basic ([A-Za-z0-9+/]{1,2048}=*)$/.exec(request.headers.authorization ?? '');
  if (!match?.[1]) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon > 0 ? decoded.slice(0, colon) : undefined;
}

function refuse(reply: FastifyReply, wait: number): Error {
  reply.header('retry-after', String(wait));
  return rateLimited(wait);
}

function failed(kind: AbuseKind | undefined, status: number): boolean {
  return kind === 'sign-in' || kind === 'client-auth' ? status >= 400 && status <= 403 : status === 401;
}

/** Finishes a callback hook with an async step's outcome. */
function settle(work: Promise<unknown>, done: (error?: Error) => void): void {
  work.then(
    () => done(),
    (error: Error) => done(error),
  );
}

/**
 * The hooks are callback hooks that finish at once when a request has nothing to count (most
 * requests) and wait only when they read or write a counter: an async hook costs promises and
 * microtask turns on every request.
 */
export function registerAbuseLimits(app: FastifyInstance, limiter: AbuseLimiter): void {
  const check = async (request: FastifyRequest, reply: FastifyReply, kind: AbuseKind | undefined) => {
    if (kind === 'mint' || kind === 'enrol') {
      const wait = await limiter.hit([{ bucket: kind === 'mint' ? 'mintIp' : 'enrolIp', key: request.ip }]);
      if (wait !== undefined) throw refuse(reply, wait);
    }
    if (kind !== 'sign-in' && kind !== 'client-auth' && request.headers.authorization === undefined) return;
    const keys: AbuseKey[] = [{ bucket: 'credentialIp', key: request.ip }];
    const client = basicClientId(request);
    if (client !== undefined) keys.push({ bucket: 'credentialPrincipal', key: `client:${client}` });
    const wait = await limiter.blocked(keys);
    if (wait !== undefined) throw refuse(reply, wait);
    if (kind === 'client-auth') (request.raw as RawWithKeys)[ABUSE_KEYS] = keys;
    else request.abuseKeys = keys;
  };
  app.addHook('onRequest', (request, reply, done) => {
    const kind = request.routeOptions.config?.abuse;
    if (kind === undefined && request.headers.authorization === undefined) done();
    else settle(check(request, reply, kind), done);
  });

  // preValidation: before a route's own checks of the body (CSRF, validation) can refuse it uncounted.
  const checkPrincipal = async (reply: FastifyReply, keys: AbuseKey[], principal: string) => {
    const key: AbuseKey = { bucket: 'credentialPrincipal', key: principal };
    const wait = await limiter.blocked([key]);
    if (wait !== undefined) throw refuse(reply, wait);
    keys.push(key);
  };
  app.addHook('preValidation', (request, reply, done) => {
    const principal = request.routeOptions.config?.abusePrincipal?.(request);
    if (principal === undefined || !request.abuseKeys) done();
    else settle(checkPrincipal(reply, request.abuseKeys, principal), done);
  });

  // Counted before the answer leaves (onSend), so the next attempt already sees it.
  const count = async (request: FastifyRequest, keys: AbuseKey[]) => {
    try {
      await limiter.hit(keys);
    } catch (error) {
      request.log.warn({ err: error }, 'abuse counter not updated');
    }
  };
  const countFailure = (request: FastifyRequest, status: number, done: (error?: Error) => void) => {
    const keys = request.abuseKeys;
    if (!keys || !failed(request.routeOptions.config?.abuse, status)) return done();
    request.abuseKeys = undefined;
    settle(count(request, keys), done);
  };
  app.addHook('onSend', (request, reply, _payload, done) => countFailure(request, reply.statusCode, done));
  // oidc-provider's own replies (hijacked: no onSend) carrying a bearer token, e.g. userinfo.
  app.addHook('onResponse', (request, reply, done) => countFailure(request, reply.statusCode, done));
}

/** The `kid` of a compact JWS's protected header, unverified (it only names whose counter a failure feeds). */
export function jwsKid(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  try {
    const header = JSON.parse(Buffer.from(value.split('.')[0] ?? '', 'base64url').toString('utf8')) as { kid?: unknown };
    return typeof header.kid === 'string' && header.kid.length <= 200 ? `holder:${header.kid}` : undefined;
  } catch {
    return undefined;
  }
}

/** Passkey sign-in: failures count per IP and per credential id (the assertion's `id`). */
export const PASSKEY_SIGN_IN = {
  abuse: 'sign-in',
  abusePrincipal: (request: FastifyRequest) => {
    const id = (request.body as { id?: unknown } | undefined)?.id;
    return typeof id === 'string' && id.length <= 1400 ? `passkey:${id}` : undefined;
  },
} as const;
