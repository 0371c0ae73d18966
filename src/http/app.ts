/**
 * The HTTP application factory. Tests call `createApp(deps)` and use `inject()`;
 * `mvid serve` calls it and listens. Every domain mounts its routes as a plugin.
 */
import swagger from '@fastify/swagger';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify';
import type { Logger } from 'pino';
import type { AbuseLimiter } from '../abuse/index.ts';
import type { Config } from '../config/index.ts';
import { type Clock, MvidError, type Random } from '../core/index.ts';
import type { DisclosureService } from '../disclosure/index.ts';
import type { ServiceKeys } from '../keys/index.ts';
import type { Registry } from '../registry/index.ts';
import type { Store } from '../store/index.ts';
import type { TransparencyLog } from '../tlog/index.ts';
import type { WorldsService } from '../worlds/index.ts';
import { type Authenticators, SECURITY_SCHEMES } from './auth.ts';
import { DISCLOSURE_SECURITY_SCHEMES } from './routes/disclosure-auth.ts';
import { registerAbuseLimits } from './abuse.ts';
import { applyEdgeHeaders, clientErrorHandler, frameworkErrorHandler, refuseOverflowingNumbers, securityHeaders } from './edge.ts';
import { parseJsonBody } from './json-body.ts';
import { documentErrors } from './openapi.ts';
import { lazySchemaCompilers } from './lazy-schemas.ts';
import { Metrics } from './metrics.ts';
import { classifyError, sendProblem } from './problem.ts';
import { RouteIndex } from './route-index.ts';
import { type CredentialsHttp, credentialsRoutes } from './routes/credentials.ts';
import { disclosureRoutes } from './routes/disclosure.ts';
import { errorRoutes } from './routes/errors.ts';
import { transparencyRoutes } from './routes/transparency.ts';
import { MODERATION_SECURITY_SCHEMES, type ModerationHttp, moderationRoutes } from './routes/moderation.ts';
import { healthRoutes } from './routes/health.ts';
import { type Operations, operationsAdminRoutes } from './routes/operations-admin.ts';
import { registryRoutes } from './routes/registry.ts';
import { homeRoutes } from './routes/home.ts';
import { tlogRoutes } from './routes/tlog.ts';
import { worldsRoutes } from './routes/worlds.ts';

export interface AppDeps {
  config: Config;
  store: Store;
  keys: ServiceKeys;
  clock: Clock;
  random: Random;
  logger: Logger;
  registry: Registry;
  /** Resolves admin tokens and person sessions (see auth.ts). */
  auth: Authenticators;
  worlds: WorldsService;
  /** Credentials routes (issuance, OpenID4VCI, status lists, attribute issuers); mounted when given. */
  credentials?: CredentialsHttp;
  /** Lawful disclosure (authorities, trustees, the person's notifications, transparency report). */
  disclosure?: DisclosureService;
  /** Moderation inside each world (reports, cases, sanctions, appeals); mounted when given. */
  moderation?: ModerationHttp;
  /** The transparency log, served read-only under /log/. */
  log: TransparencyLog;
  /** Per-IP and per-principal abuse limits (src/abuse), counted in the database. */
  abuse: AbuseLimiter;
  /** Key rotation and sweeps for the operator console; mounted when given. */
  operations?: Operations;
}

declare module 'fastify' {
  interface FastifyInstance {
    deps: AppDeps;
    metrics: Metrics;
    /** Every registered route (see route-index.ts). */
    routeIndex: RouteIndex;
    /** Compiles every route schema not compiled yet (they compile on first use); returns how many. */
    compileAllSchemas(): number;
  }
}

/** A NUL byte, literal or percent-encoded (JSON's \u0000 is refused by parseJsonBody). */
const NUL = /\0|%00/i;
const nulRefused = (where: string) => new MvidError('bad_request', `${where} contains a NUL byte`);

const QUIET_PATHS = new Set(['/healthz', '/readyz', '/metrics']);
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export async function createApp(deps: AppDeps): Promise<FastifyInstance> {
  // pino's Logger is a FastifyBaseLogger; the cast keeps FastifyInstance's default generics for plugins.
  const { config, random } = deps;
  const schemas = lazySchemaCompilers();
  const app = Fastify({
    loggerInstance: deps.logger as unknown as FastifyBaseLogger,
    bodyLimit: config.bodyLimitBytes,
    requestIdHeader: false,
    // Probes and scrapes arrive every few seconds; logging each would drown the real traffic.
    logController: new LogController({
      requestIdLogLabel: 'requestId',
      disableRequestLogging: (req) => QUIET_PATHS.has(req.url.split('?')[0] ?? ''),
    }),
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : random.uuid();
    },
    return503OnClosing: true,
    // X-Forwarded-For is believed for exactly the configured proxy hops (per-IP abuse limits count its answer).
    trustProxy: (_address: string, hop: number) => hop < config.trustProxyHops,
    // Slow-loris protection: a client trickling its headers or body is cut off (408 problem+json).
    // Node checks the header and request timeouts every connectionsCheckingInterval (30 s by default).
    http: { headersTimeout: config.headersTimeoutMs, connectionsCheckingInterval: Math.min(1000, config.headersTimeoutMs) },
    requestTimeout: config.requestTimeoutMs,
    keepAliveTimeout: config.keepAliveTimeoutMs,
    frameworkErrors: frameworkErrorHandler(config.publicUrl),
    clientErrorHandler: clientErrorHandler(config.publicUrl),
    forceCloseConnections: 'idle',
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', useDefaults: true, allErrors: false } },
    // Validators and serializers compile on a route's first request, not at start-up (idle memory).
    schemaController: { compilersFactory: schemas.compilersFactory },
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 500 },
  });
  const metrics = new Metrics();
  const routes = new RouteIndex();
  app.decorate('deps', deps);
  app.decorate('metrics', metrics);
  app.decorate('routeIndex', routes);
  app.decorate('compileAllSchemas', () => schemas.compileAll());

  app.addHook('onRoute', (route) => routes.add(route.url, route.method as string | string[]));
  app.removeAllContentTypeParsers();
  const parseJson = (_req: unknown, body: string | Buffer, done: (err: Error | null, body?: unknown) => void) => {
    try {
      done(null, parseJsonBody(body.toString()));
    } catch (error) {
      done(error as Error, undefined);
    }
  };
  app.addContentTypeParser('application/json', { parseAs: 'string' }, parseJson);
  app.addContentTypeParser(/^application\/[a-z0-9.+-]+\+json$/, { parseAs: 'string' }, parseJson);
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => {
    const text = body.toString();
    if (NUL.test(text)) return done(nulRefused('the form body'), undefined);
    done(null, Object.fromEntries(new URLSearchParams(text)));
  });

  const edgeHeaders = securityHeaders(config.publicUrl);
  // Hooks every request runs are callback hooks where they never wait: an async hook costs
  // promises and microtask turns on every request (docs/performance.md, OIDC over HTTP).
  app.addHook('onRequest', (request, reply, done) => {
    reply.header('x-request-id', request.id);
    applyEdgeHeaders(request, reply.raw, edgeHeaders);
    // PostgreSQL cannot store NUL in text: refuse it here, as bad input, rather than as a database error.
    if (NUL.test(request.raw.url ?? '')) done(nulRefused('the URL'));
    else done();
  });
  app.addHook('preValidation', refuseOverflowingNumbers);
  registerAbuseLimits(app, deps.abuse);
  app.addHook('onResponse', (request, reply, done) => {
    const route = request.routeOptions.url ?? 'unmatched';
    metrics.observeRequest(request.method, route, reply.statusCode, reply.elapsedTime / 1000);
    done();
  });

  metrics.gauge('mvid_db_pool_connections', 'Database pool connections by state.', () => {
    const s = deps.store.poolStats();
    return [
      { labels: { state: 'total' }, value: s.total },
      { labels: { state: 'idle' }, value: s.idle },
      { labels: { state: 'waiting' }, value: s.waiting },
    ];
  });
  metrics.gauge('mvid_process_resident_memory_bytes', 'Resident set size.', () => [{ value: process.memoryUsage.rss() }]);

  app.setErrorHandler((error, request, reply) => {
    const classified = classifyError(error);
    if (typeof classified.extensions.retryAfter === 'number') reply.header('retry-after', String(classified.extensions.retryAfter));
    if (classified.unexpected) request.log.error({ err: error }, 'request failed unexpectedly');
    else request.log.info({ code: classified.code, detail: classified.detail }, 'request refused');
    return sendProblem(request, reply, config.publicUrl, classified);
  });
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0] ?? '/';
    const allowed = routes.allowed(path);
    if (allowed.length > 0) {
      reply.header('allow', allowed.join(', '));
      return sendProblem(request, reply, config.publicUrl, {
        code: 'method_not_allowed',
        status: 405,
        detail: `${request.method} is not allowed on ${path}; use ${allowed.join(', ')}`,
        extensions: {},
      });
    }
    return sendProblem(request, reply, config.publicUrl, {
      code: 'not_found',
      status: 404,
      detail: `no route for ${request.method} ${path}`,
      extensions: {},
    });
  });

  await app.register(swagger, {
    transform: documentErrors,
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'mvid',
        version: '0.1.0',
        description: 'Digital identity for the users of virtual worlds. Errors are RFC 9457 problem documents (see docs/errors.md).',
      },
      servers: [{ url: config.publicUrl }],
      components: { securitySchemes: { ...SECURITY_SCHEMES, ...DISCLOSURE_SECURITY_SCHEMES, ...MODERATION_SECURITY_SCHEMES } },
    },
  });

  await app.register(healthRoutes);
  await app.register(homeRoutes);
  await app.register(errorRoutes);
  if (deps.credentials) await app.register(credentialsRoutes, deps.credentials);
  await app.register(registryRoutes);
  const { operations } = deps;
  if (operations) await app.register((scope) => operationsAdminRoutes(scope, operations));
  await app.register(tlogRoutes);
  await app.register(worldsRoutes);
  await app.register(disclosureRoutes);
  await app.register(transparencyRoutes);
  if (deps.moderation) await app.register(moderationRoutes(deps.moderation));
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  return app;
}
