/**
 * The public, cacheable documents of credentials: type metadata (exactly the bytes
 * its `#integrity` covers), JSON Schemas, status-list JWTs at stable URLs, and the
 * issuer metadata wallets and verifiers start from.
 */
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { MvidError } from '../../core/index.ts';
import { JsonDocument, NoContent, NonJson } from '../openapi.ts';
import {
  authorizationServerMetadata,
  CREDENTIAL_KINDS,
  credentialIssuerMetadata,
  credentialSchema,
  integrityOf,
  isCredentialKind,
  jwtVcIssuerMetadata,
  OID4VCI_BASE,
  serializeDocument,
  typeMetadata,
} from '../../credentials/index.ts';
import type { CredentialsHttp } from './credentials.ts';

const DOCUMENT_MAX_AGE = 3600;
/** Short: a rotated key must reach verifiers quickly. */
const KEYS_MAX_AGE = 300;
const Kind = Type.Object({ kind: Type.String({ maxLength: 40 }) });
const ListId = Type.Object({ listId: Type.String({ maxLength: 64 }) });

export async function credentialsPublicRoutes(app: FastifyInstance, http: CredentialsHttp): Promise<void> {
  const { publicUrl } = app.deps.config;
  const { statusLists } = http.credentials;
  // Serialised once: the served bytes never change while the process runs, and their hash is what integrity covers.
  const serve = (document: unknown) => {
    const body = serializeDocument(document);
    return { body, etag: `"${integrityOf(body)}"` };
  };
  const types = new Map(CREDENTIAL_KINDS.map((k) => [k, serve(typeMetadata(publicUrl, k))]));
  const schemas = new Map(CREDENTIAL_KINDS.map((k) => [k, serve(credentialSchema(publicUrl, k))]));

  const documentRoute = (path: string, summary: string, documents: typeof types, type: string) =>
    app.get<{ Params: { kind: string } }>(
      path,
      {
        schema: {
          summary,
          tags: ['credentials'],
          params: Kind,
          response: { 200: JsonDocument(type, summary), 304: NoContent('Not modified (If-None-Match)') },
        },
      },
      async (request, reply) => {
        const kind = request.params.kind;
        const doc = isCredentialKind(kind) ? documents.get(kind) : undefined;
        if (!doc) throw new MvidError('not_found', `no credential type ${kind.slice(0, 40)}`);
        reply.header('cache-control', `public, max-age=${DOCUMENT_MAX_AGE}`).header('etag', doc.etag);
        if (request.headers['if-none-match'] === doc.etag) return reply.code(304).send();
        return reply.type(type).send(doc.body);
      },
    );
  documentRoute('/credentials/types/:kind', 'SD-JWT VC Type Metadata of a credential type (its vct URL)', types, 'application/json');
  documentRoute('/credentials/schemas/:kind', 'JSON Schema of a credential type', schemas, 'application/schema+json');

  app.get<{ Params: { listId: string } }>(
    '/credentials/status/:listId',
    {
      schema: {
        summary: 'A Token Status List (signed JWT); the URL credentials point at in status.status_list.uri',
        tags: ['credentials'],
        params: ListId,
        response: { 200: NonJson('application/statuslist+jwt', 'The status list token') },
      },
    },
    async (request, reply) => {
      const token = await statusLists.token(request.params.listId);
      if (token === undefined) throw new MvidError('not_found', 'no such status list');
      // max-age = ttl: how long a verifier may go without seeing a revocation, as the token itself says.
      reply.header('cache-control', `public, max-age=${statusLists.ttlSeconds}`);
      return reply.type('application/statuslist+jwt').send(token);
    },
  );

  const jsonDocument = (path: string, summary: string, maxAge: number, build: () => unknown) => {
    app.get(
      path,
      { schema: { summary, tags: ['credentials'], response: { 200: JsonDocument('application/json', summary) } } },
      async (_request, reply) => {
        reply.header('cache-control', `public, max-age=${maxAge}`);
        return reply.type('application/json').send(serializeDocument(build()));
      },
    );
  };
  const jwks = http.credentials.jwks.keys;
  jsonDocument('/.well-known/jwt-vc-issuer', 'SD-JWT VC issuer metadata: the keys mvid signs credentials with', KEYS_MAX_AGE, () =>
    jwtVcIssuerMetadata(publicUrl, jwks),
  );
  jsonDocument('/.well-known/openid-credential-issuer', 'OpenID4VCI credential issuer metadata', DOCUMENT_MAX_AGE, () =>
    credentialIssuerMetadata(publicUrl),
  );
  jsonDocument(
    `/.well-known/oauth-authorization-server${OID4VCI_BASE}`,
    'Metadata of the OpenID4VCI pre-authorized code authorization server',
    DOCUMENT_MAX_AGE,
    () => authorizationServerMetadata(publicUrl),
  );
}
