/**
 * The moderation plugin. Three kinds of caller, each scoped to one world:
 *  - the world itself, with its client credentials (`worldOf`, as for credentials): files
 *    reports for its members, grants roles, sets its policy, reads cases and sanctions;
 *  - a person signed in to mvid (bearer session or browser cookie): files reports and, when
 *    the world made them a moderator, works its queue and decides;
 *  - anyone: a world's statistics, which carry no personal data.
 * A world never reaches another world's records, and a moderator of one world is nobody
 * in another: both get 403 on another world's paths and 404 for another world's ids.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest, FastifySchema } from 'fastify';
import { MvidError } from '../../core/index.ts';
import type { ModerationService } from '../../moderation/index.ts';
import { moderationCaseRoutes } from './moderation-cases.ts';
import { moderationConsoleRoutes } from './moderation-console.ts';
import { moderationMeRoutes } from './moderation-me.ts';
import { moderationWorldRoutes } from './moderation-world.ts';
import { authenticateWorldsPerson, requireWorldsCsrf, worldsPersonOf } from './worlds-person.ts';

export interface ModerationHttp {
  moderation: ModerationService;
  /** The client id of the world that authenticated this request with its client credentials, if any. */
  worldOf(request: FastifyRequest): Promise<string | undefined>;
}

export type Caller = { kind: 'world'; worldId: string } | { kind: 'person'; personId: string };

/** OpenAPI security of routes a world (HTTP Basic client credentials) or a person may call. */
export const WORLD_OR_PERSON_SECURITY = [{ worldBasic: [] }, { personBearer: [] }];
export const WORLD_SECURITY = [{ worldBasic: [] }];
export const MODERATION_SECURITY_SCHEMES = {
  worldBasic: { type: 'http', scheme: 'basic', description: "A world's client id and client secret (client_secret_basic)." },
} as const;

/**
 * The world (client credentials) or the person (bearer or browser session) behind a
 * request, or a 401 — from the headers alone, so it runs `onRequest`, before any body is
 * read. A cookie session's CSRF token is checked later (`requireCallerCsrf`), on the body.
 */
async function identify(http: ModerationHttp, request: FastifyRequest, reply: FastifyReply): Promise<Caller> {
  const world = await http.worldOf(request);
  if (world !== undefined) return { kind: 'world', worldId: world };
  await authenticateWorldsPerson(request, reply);
  return { kind: 'person', personId: worldsPersonOf(request).personId };
}

/** @throws MvidError forbidden unless the caller is this world itself */
export function requireSameWorld(caller: Caller, worldId: string): void {
  if (caller.kind !== 'world' || caller.worldId !== worldId) throw new MvidError('forbidden', 'only the world itself may do this');
}

/** Who acts on a world's moderation: the world itself (moderatorId null) or a moderator it appointed. */
export interface ModerationActor {
  worldId: string;
  moderatorId: string | null;
}

declare module 'fastify' {
  interface FastifyRequest {
    moderationActor?: ModerationActor;
    moderationCaller?: Caller;
  }
}

type Hook = (request: FastifyRequest, reply: FastifyReply) => Promise<void>;
/** Route options of a guarded moderation route: who is calling (and may they) on the headers, CSRF on the body. */
export interface ModerationGuard {
  onRequest: Hook;
  preValidation: Hook;
}

/** preValidation: a person signed in by browser cookie who changes something carries the session's CSRF token. */
async function requireCallerCsrf(request: FastifyRequest): Promise<void> {
  if (request.moderationCaller?.kind === 'person') await requireWorldsCsrf(request);
}

/** The caller a moderation guard settled. */
export function callerOf(request: FastifyRequest): Caller {
  if (!request.moderationCaller) throw new TypeError('callerOf used on a route without a moderation guard');
  return request.moderationCaller;
}

/**
 * Guards of the routes under `/moderation/v1/worlds/:worldId`, each run `onRequest` (a
 * stranger gets 401, another world or a non-moderator 403, before the body is parsed):
 * `selfOrPerson` (the world itself, or any signed-in person), `world` (the world itself),
 * `worldOrModerator`, and `moderator` (a person the world appointed, signed in as themselves
 * — a world never decides). Each but `selfOrPerson` sets `request.moderationActor`.
 */
export function moderationGuards(
  http: ModerationHttp,
): Record<'selfOrPerson' | 'world' | 'worldOrModerator' | 'moderator', ModerationGuard> {
  const worldIdOf = (request: FastifyRequest) => (request.params as { worldId: string }).worldId;
  const guard = (authorise: (caller: Caller, worldId: string) => Promise<ModerationActor | undefined>): ModerationGuard => ({
    async onRequest(request, reply) {
      const caller = await identify(http, request, reply);
      request.moderationCaller = caller;
      const actor = await authorise(caller, worldIdOf(request));
      if (actor) request.moderationActor = actor;
    },
    preValidation: requireCallerCsrf,
  });
  return {
    selfOrPerson: guard(async (caller, worldId) => {
      if (caller.kind === 'world') requireSameWorld(caller, worldId);
      return undefined;
    }),
    world: guard(async (caller, worldId) => {
      requireSameWorld(caller, worldId);
      return { worldId, moderatorId: null };
    }),
    worldOrModerator: guard(async (caller, worldId) => {
      if (caller.kind === 'world') requireSameWorld(caller, worldId);
      else await http.moderation.requireModerator(worldId, caller.personId);
      return { worldId, moderatorId: caller.kind === 'person' ? caller.personId : null };
    }),
    moderator: guard(async (caller, worldId) => {
      if (caller.kind !== 'person') throw new MvidError('forbidden', 'decisions are taken by a moderator, signed in as themselves');
      await http.moderation.requireModerator(worldId, caller.personId);
      return { worldId, moderatorId: caller.personId };
    }),
  };
}

export function actorOf(request: FastifyRequest): ModerationActor {
  if (!request.moderationActor) throw new TypeError('actorOf used on a route without a moderation guard');
  return request.moderationActor;
}

/**
 * Counts a report against its reporter's abuse limit (`reportPrincipal`, shared by every
 * node), on top of the domain's per-world limits: a flood is answered 429 with Retry-After.
 * @throws MvidError rate_limited
 */
export async function consumeReport(request: FastifyRequest, reporter: string): Promise<void> {
  await request.server.deps.abuse.consume([{ bucket: 'reportPrincipal', key: reporter }]);
}

/** A moderation route's OpenAPI schema: summary, the moderation tag, and the rest. */
export function routeSchema(
  summary: string,
  rest: Omit<FastifySchema, 'summary' | 'tags'> & { security?: unknown[] },
): { schema: FastifySchema } {
  return { schema: { summary, tags: ['moderation'], ...rest } };
}

export function moderationRoutes(http: ModerationHttp) {
  return async function routes(app: FastifyInstance): Promise<void> {
    await app.register(moderationWorldRoutes, http);
    await app.register(moderationCaseRoutes, http);
    await app.register(moderationMeRoutes, http);
    await app.register(moderationConsoleRoutes, http);
  };
}
