/**
 * Authentication for every domain's routes. Two kinds of principal:
 *  - administrators, with bearer tokens from `mvid admin token create` (stored hashed);
 *  - persons, with session tokens from enrolment, recovery or a holder-key sign-in.
 * A route opts in with `onRequest: requireAdmin` / `requirePerson` and `security:
 * ADMIN_SECURITY` / `PERSON_SECURITY` in its schema. How a credential reaches us is
 * isolated in `credentialOf` (today the Authorization header; a session cookie or a
 * passkey-backed session can be added there without touching the routes).
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { MvidError } from '../core/index.ts';

export interface AdminIdentity {
  tokenId: string;
  name: string;
}

export interface PersonIdentity {
  personId: string;
  sessionId: string;
  /** How the session was established (enrolment, recovery, holder_key, …). */
  method: string;
  holderKeyId: string | null;
  expiresAt: string;
}

/** Resolves presented secrets to principals; `undefined` for anything unknown, expired or revoked. */
export interface Authenticators {
  admin(token: string): Promise<AdminIdentity | undefined>;
  person(token: string): Promise<PersonIdentity | undefined>;
}

declare module 'fastify' {
  interface FastifyRequest {
    admin?: AdminIdentity;
    person?: PersonIdentity;
  }
}

/** OpenAPI security schemes, registered once in the app's document. */
export const SECURITY_SCHEMES = {
  adminBearer: { type: 'http', scheme: 'bearer', description: 'Administrator token from `mvid admin token create` (mva_…).' },
  personBearer: {
    type: 'http',
    scheme: 'bearer',
    description: 'Person session token from enrolment, recovery or POST /registry/v1/sessions (mvs_…).',
  },
  dkgBearer: { type: 'http', scheme: 'bearer', description: 'A trustee’s token for one key ceremony, from POST /admin/v1/dkg (mvdkg_…).' },
} as const;

export const ADMIN_SECURITY = [{ adminBearer: [] }];
export const PERSON_SECURITY = [{ personBearer: [] }];

const BEARER = /^Bearer ([A-Za-z0-9._~+/-]{1,512}=*)$/;

/** The credential presented with a request, if any. */
export function credentialOf(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (typeof header !== 'string') return undefined;
  return BEARER.exec(header)?.[1];
}

function unauthenticated(reply: FastifyReply, realm: string): MvidError {
  // RFC 6750: tell the client which scheme to use; never say whether the token existed.
  reply.header('www-authenticate', `Bearer realm="${realm}"`);
  return new MvidError('unauthenticated', 'a valid bearer token is required');
}

/** onRequest (before any body is read): the request must carry a live administrator token; sets `request.admin`. */
export async function requireAdmin(request: FastifyRequest, reply: FastifyReply): Promise<void> {
  const token = credentialOf(request);
  const admin = token === undefined ? undefined : await request.server.deps.auth.admin(token);
  if (!admin) throw unauthenticated(reply, 'mvid-admin');
  request.admin = admin;
}

/** onRequest (before any body is read): the request must carry a live person session; sets `request.person`. */
export async function requirePerson(request: FastifyRequest, reply: FastifyReply): Promise<void> {
  const token = credentialOf(request);
  const person = token === undefined ? undefined : await request.server.deps.auth.person(token);
  if (!person) throw unauthenticated(reply, 'mvid');
  request.person = person;
}

/** The authenticated person of a route guarded by `requirePerson`. */
export function personOf(request: FastifyRequest): PersonIdentity {
  if (!request.person) throw new TypeError('personOf used on a route without requirePerson');
  return request.person;
}
