/** The browser-session cookie of mvid's pages, and reading cookies without a plugin. */
import type { FastifyReply, FastifyRequest } from 'fastify';

/** `__Host-` pins the cookie to this host and path / (only allowed with Secure, i.e. https). */
export function sessionCookieName(publicUrl: string): string {
  return publicUrl.startsWith('https://') ? '__Host-mvid_session' : 'mvid_session';
}

export function readCookie(request: FastifyRequest, name: string): string | undefined {
  return cookieFromHeader(request.headers.cookie, name);
}

/** A cookie's value from a raw Cookie header (for callers without a Fastify request, such as oidc-provider's). */
export function cookieFromHeader(header: string | undefined, name: string): string | undefined {
  if (typeof header !== 'string') return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return decodeCookieValue(part.slice(eq + 1).trim());
  }
  return undefined;
}

/** A cookie value that is not valid percent-encoding (or carries a NUL) is no cookie at all, not an error. */
function decodeCookieValue(raw: string): string | undefined {
  try {
    const value = decodeURIComponent(raw);
    return value.includes('\0') ? undefined : value;
  } catch {
    return undefined;
  }
}

/** HttpOnly, SameSite=Lax, Secure when mvid is served over https. */
export function setSessionCookie(reply: FastifyReply, publicUrl: string, token: string, maxAgeSeconds: number): void {
  const secure = publicUrl.startsWith('https://') ? '; Secure' : '';
  reply.header(
    'set-cookie',
    `${sessionCookieName(publicUrl)}=${encodeURIComponent(token)}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${maxAgeSeconds}${secure}`,
  );
}

export function clearSessionCookie(reply: FastifyReply, publicUrl: string): void {
  const secure = publicUrl.startsWith('https://') ? '; Secure' : '';
  reply.header('set-cookie', `${sessionCookieName(publicUrl)}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0${secure}`);
}
