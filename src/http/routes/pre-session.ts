/**
 * Forms a browser posts before it has a session (passkey sign-in, enrolment): their
 * CSRF token is bound to a random pre-session cookie, so a foreign site can neither
 * sign the browser in to another account nor enrol in its name.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { MvidError, toBase64Url } from '../../core/index.ts';
import { readCookie } from '../oidc/cookies.ts';

const PRE = 'mvid_pre';

/** Sets a fresh pre-session cookie (for /account and below) and returns the CSRF token bound to it. */
export function openPreSession(request: FastifyRequest, reply: FastifyReply): string {
  const { worlds, random, config } = request.server.deps;
  const secure = config.publicUrl.startsWith('https://') ? '; Secure' : '';
  const pre = toBase64Url(random.bytes(24));
  reply.header('set-cookie', `${PRE}=${pre}; Path=/account; HttpOnly; SameSite=Strict; Max-Age=900${secure}`);
  return worlds.webSessions.csrfToken(`pre:${pre}`);
}

/**
 * Refuses a request whose CSRF token (x-csrf-token header or `csrf` form field) is not bound
 * to its pre-session. A route mounts it as `preValidation`, so a forged form is refused as
 * such (403 csrf_invalid) before its fields are validated.
 */
export async function requirePreCsrf(request: FastifyRequest): Promise<void> {
  const pre = readCookie(request, PRE);
  const body = request.body as Record<string, unknown> | undefined;
  const presented = request.headers['x-csrf-token'] ?? body?.csrf;
  if (pre === undefined || !request.server.deps.worlds.webSessions.csrfValid(`pre:${pre}`, presented))
    throw new MvidError('csrf_invalid', 'reload the page and try again');
}
