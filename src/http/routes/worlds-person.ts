/**
 * Who the person is on worlds routes: a registry session (bearer token, for apps and
 * right after enrolment or recovery) or mvid's browser session cookie (the pages). A
 * cookie-authenticated request that changes something must carry the CSRF token bound
 * to that session in `x-csrf-token` (or a `csrf` form field).
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { MvidError } from '../../core/index.ts';
import { credentialOf } from '../auth.ts';
import { readCookie, sessionCookieName } from '../oidc/cookies.ts';

export interface WorldsPerson {
  personId: string;
  via: 'bearer' | 'cookie';
  /** The browser session id (cookie) — CSRF tokens are bound to it. */
  sessionId?: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    worldsPerson?: WorldsPerson;
  }
}

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * onRequest: who is asking, from the headers alone, so that a stranger is refused before
 * any body is read. The CSRF check of a cookie session needs the body (a form field) and
 * runs once the body is parsed and before it is validated, in `requireWorldsCsrf`;
 * `WORLDS_PERSON_GUARD` mounts both.
 */
export async function authenticateWorldsPerson(request: FastifyRequest, reply: FastifyReply): Promise<void> {
  const { worlds, auth, config } = request.server.deps;
  const token = credentialOf(request);
  if (token !== undefined) {
    const person = await auth.person(token);
    if (person) {
      request.worldsPerson = { personId: person.personId, via: 'bearer' };
      return;
    }
  } else {
    const session = await worlds.webSessions.resolve(readCookie(request, sessionCookieName(config.publicUrl)));
    if (session && (await worlds.persons.isActive(session.personId))) {
      request.worldsPerson = { personId: session.personId, via: 'cookie', sessionId: session.id };
      return;
    }
  }
  reply.header('www-authenticate', 'Bearer realm="mvid"');
  throw new MvidError('unauthenticated', 'a person session (bearer token or mvid browser session) is required');
}

/**
 * preValidation: a cookie-authenticated request that changes something carries the session's
 * CSRF token — checked before the body's shape, so a forged form is refused as such (403
 * csrf_invalid) whatever it holds.
 */
export async function requireWorldsCsrf(request: FastifyRequest): Promise<void> {
  const person = worldsPersonOf(request);
  if (person.via !== 'cookie' || SAFE.has(request.method)) return;
  const body = request.body as Record<string, unknown> | undefined;
  const presented = request.headers['x-csrf-token'] ?? body?.csrf;
  if (!request.server.deps.worlds.webSessions.csrfValid(`session:${person.sessionId}`, presented))
    throw new MvidError('csrf_invalid', 'the form token is missing or wrong');
}

/** Route options of a worlds-person route: authenticate on the headers, then check CSRF on the body. */
export const WORLDS_PERSON_GUARD = { onRequest: authenticateWorldsPerson, preValidation: requireWorldsCsrf };

/** Both checks at once, for a preHandler (the body is parsed by then): authentication, then CSRF. */
export async function requireWorldsPerson(request: FastifyRequest, reply: FastifyReply): Promise<void> {
  await authenticateWorldsPerson(request, reply);
  await requireWorldsCsrf(request);
}

export function worldsPersonOf(request: FastifyRequest): WorldsPerson {
  if (!request.worldsPerson) throw new TypeError('worldsPersonOf used on a route without requireWorldsPerson');
  return request.worldsPerson;
}
