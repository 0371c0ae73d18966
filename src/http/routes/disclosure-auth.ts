/**
 * Authentication of the two disclosure principals: registered authorities and escrow
 * trustees, each with a bearer token stored hashed (like administrators'). A route
 * opts in with `onRequest: requireAuthority` or `requireTrustee`.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { MvidError } from '../../core/index.ts';
import type { AuthorityRecord, DisclosureService, TrusteePrincipal } from '../../disclosure/index.ts';
import { credentialOf } from '../auth.ts';

declare module 'fastify' {
  interface FastifyRequest {
    authority?: AuthorityRecord;
    trustee?: TrusteePrincipal;
  }
}

export const AUTHORITY_SECURITY = [{ authorityBearer: [] }];
export const TRUSTEE_SECURITY = [{ trusteeBearer: [] }];

export function disclosureOf(request: FastifyRequest): DisclosureService {
  const service = request.server.deps.disclosure;
  if (!service) throw new MvidError('service_unavailable', 'lawful disclosure is not configured');
  return service;
}

function refuse(reply: FastifyReply, realm: string): MvidError {
  reply.header('www-authenticate', `Bearer realm="${realm}"`);
  return new MvidError('unauthenticated', 'a valid bearer token is required');
}

/** onRequest (before any body is read): a live, registered authority; an unregistered or disabled one is refused like any stranger. */
export async function requireAuthority(request: FastifyRequest, reply: FastifyReply): Promise<void> {
  const token = credentialOf(request);
  const authority = token === undefined ? undefined : await disclosureOf(request).authorities.authenticate(token);
  if (!authority) throw refuse(reply, 'mvid-authority');
  request.authority = authority;
}

export async function requireTrustee(request: FastifyRequest, reply: FastifyReply): Promise<void> {
  const token = credentialOf(request);
  const trustee = token === undefined ? undefined : await disclosureOf(request).trustees.authenticate(token);
  if (!trustee) throw refuse(reply, 'mvid-trustee');
  request.trustee = trustee;
}

export function authorityOf(request: FastifyRequest): AuthorityRecord {
  if (!request.authority) throw new TypeError('authorityOf used on a route without requireAuthority');
  return request.authority;
}

export function trusteeOf(request: FastifyRequest): TrusteePrincipal {
  if (!request.trustee) throw new TypeError('trusteeOf used on a route without requireTrustee');
  return request.trustee;
}

/** OpenAPI security schemes of the two disclosure principals. */
export const DISCLOSURE_SECURITY_SCHEMES = {
  authorityBearer: { type: 'http', scheme: 'bearer', description: 'Authority token from `mvid authorities add` (mvau_…).' },
  trusteeBearer: { type: 'http', scheme: 'bearer', description: 'Trustee token from `mvid disclosure trustee-token` (mvtr_…).' },
} as const;
