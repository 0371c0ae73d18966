/**
 * HTTP surface of credentials: public documents (types, schemas, status lists, issuer
 * metadata), issuance (mvid's portal and OpenID4VCI) and administration (attribute
 * issuers, revocation, presentation requests). Persons and administrators authenticate
 * through auth.ts; worlds through the `worldOf` port, so this plugin does not depend on
 * how world clients are kept.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { MvidError } from '../../core/index.ts';
import type { Credentials } from '../../credentials/index.ts';
import { credentialOf } from '../auth.ts';
import { credentialsAdminRoutes } from './credentials-admin.ts';
import { credentialsIssueRoutes } from './credentials-issue.ts';
import { credentialsPublicRoutes } from './credentials-public.ts';

export interface CredentialsHttp {
  credentials: Credentials;
  /**
   * The client id of the world that authenticated this request (its OAuth client
   * credentials), if any. Persons and administrators authenticate through auth.ts.
   */
  worldOf(request: FastifyRequest): Promise<string | undefined>;
}

/** A world (by its client id) or an administrator, or a 401. */
export async function requireWorldOrAdmin(
  http: CredentialsHttp,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<{ world: string } | { admin: true }> {
  const world = await http.worldOf(request);
  if (world !== undefined) return { world };
  const token = credentialOf(request);
  if (token !== undefined && (await request.server.deps.auth.admin(token)) !== undefined) return { admin: true };
  reply.header('www-authenticate', 'Basic realm="mvid-worlds", Bearer realm="mvid-admin"');
  throw new MvidError('unauthenticated', 'authenticate as a registered world (client id and secret) or as an administrator');
}

export async function credentialsRoutes(app: FastifyInstance, http: CredentialsHttp): Promise<void> {
  await app.register(credentialsPublicRoutes, http);
  await app.register(credentialsIssueRoutes, http);
  await app.register(credentialsAdminRoutes, http);
}
