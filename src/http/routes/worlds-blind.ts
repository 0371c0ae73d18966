/**
 * IdP-blind sign-in over HTTP (issue 20; docs/blind-signin.md): the issuer's public
 * metadata (the BBS key wallets pin and worlds verify with) and a signed-in person's batch
 * of credentials. There is deliberately no verification route: a world verifies a
 * presentation offline with `verifyBlindPresentation` (src/sdk), so mvid never sees it.
 */
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { BLIND_ATTRIBUTES } from '../../bbs/index.ts';
import { newNonce, renderWallet } from '../../web/index.ts';
import { PERSON_SECURITY } from '../auth.ts';
import { pageTranslator } from '../i18n.ts';
import { readCookie, sessionCookieName } from '../oidc/cookies.ts';
import { sendPage } from '../pages.ts';
import { WORLDS_PERSON_GUARD, worldsPersonOf } from './worlds-person.ts';

const TAG = 'worlds';
const Text = Type.String({ maxLength: 512 });
const Attributes = Type.Object(Object.fromEntries(BLIND_ATTRIBUTES.map((a) => [a, Text])), { additionalProperties: false });

const IssuerMetadata = Type.Object(
  {
    format: Type.Literal('mvid-blind-v1'),
    issuer: Type.String({ description: "mvid's public URL, as every credential's header names it" }),
    publicKey: Type.String({ description: 'The BBS public key (BLS12-381 G2, compressed, base64url): pin it' }),
    attributes: Type.Array(Type.String(), { description: 'The signed attributes, in message order' }),
    epochDays: Type.Integer({ description: 'Credentials are valid until their epoch (a UTC week from Monday) ends' }),
  },
  { additionalProperties: false },
);

const BlindCredential = Type.Object(
  {
    format: Type.Literal('mvid-blind-v1'),
    issuer: Type.String(),
    publicKey: Type.String(),
    header: Type.String(),
    attributes: Attributes,
    signature: Type.String(),
    proverBlind: Type.String(),
    nymSecret: Type.String({ description: 'Your pseudonym secret: keep it in the wallet, never show it' }),
  },
  { additionalProperties: false },
);

export async function worldsBlindRoutes(app: FastifyInstance): Promise<void> {
  const { worlds, clock, config } = app.deps;

  // The wallet page: the same for every visit (a world's request is in the fragment, which never reaches mvid).
  app.get('/wallet', { schema: { hide: true } }, async (request, reply) => {
    const nonce = newNonce();
    const t = pageTranslator(request, reply);
    const session = await worlds.webSessions.resolve(readCookie(request, sessionCookieName(config.publicUrl)));
    const signedIn = session !== undefined && (await worlds.persons.isActive(session.personId));
    const enabled = (await worlds.registry.list()).filter((w) => w.disabledAt === null);
    const { issuer, publicKey } = worlds.blind.metadata();
    reply.header('referrer-policy', 'no-referrer');
    return sendPage(
      reply,
      renderWallet({
        t,
        nonce,
        csrf: signedIn ? worlds.webSessions.csrfToken(`session:${session.id}`) : undefined,
        issuer: { issuer, publicKey },
        worlds: enabled.map((w) => ({ id: w.id, name: w.name, origins: [...new Set(w.redirectUris.map((u) => new URL(u).origin))] })),
      }),
      nonce,
    );
  });

  app.get(
    '/worlds/v1/blind-signin',
    {
      schema: {
        summary: 'The blind sign-in issuer: its BBS public key and credential layout',
        description: 'What a wallet pins and a world verifies presentations with, offline.',
        tags: [TAG],
        response: { 200: IssuerMetadata },
      },
    },
    async (_request, reply) => {
      reply.header('cache-control', 'public, max-age=300');
      return worlds.blind.metadata();
    },
  );

  app.post(
    '/worlds/v1/me/blind-credentials',
    {
      ...WORLDS_PERSON_GUARD,
      bodyLimit: 1024,
      schema: {
        summary: 'A batch of blind sign-in credentials: this epoch and the next',
        description:
          'Your wallet checks each credential against the pinned key (checkBlindCredential) and then presents it to worlds without mvid taking part. Your pseudonym in each enabled world is indexed so that a world can report it.',
        tags: [TAG],
        security: PERSON_SECURITY,
        response: { 200: Type.Object({ credentials: Type.Array(BlindCredential) }, { additionalProperties: false }) },
      },
    },
    async (request, reply) => {
      reply.header('cache-control', 'no-store');
      return { credentials: await worlds.blind.issue(worldsPersonOf(request).personId, clock.now()) };
    },
  );
}
