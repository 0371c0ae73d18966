/**
 * The worlds plugin: the OpenID Connect provider at /oidc, its interaction pages, the
 * admin and person APIs, and the account page. One provider per app instance, built on
 * the first request that needs it: oidc-provider (with Koa) is a large import that an
 * idle server does not need.
 */
import type { FastifyInstance } from 'fastify';
import { lazy } from '../../core/index.ts';
import { interactionRoutes } from '../oidc/interactions.ts';
import { oidcMount } from '../oidc/mount.ts';
import { accountCredentialsRoutes } from './account-credentials.ts';
import { worldsEnrolRoutes } from './worlds-enrol.ts';
import { worldsAccountRoutes } from './worlds-account.ts';
import { worldsAdminRoutes } from './worlds-admin.ts';
import { worldsBlindRoutes } from './worlds-blind.ts';
import { worldsMeRoutes } from './worlds-me.ts';

export async function worldsRoutes(app: FastifyInstance): Promise<void> {
  const { config, keys, worlds } = app.deps;
  const provider = lazy(async () => {
    const { createOidcProvider } = await import('../oidc/provider.ts');
    return createOidcProvider({
      publicUrl: config.publicUrl,
      keys,
      worlds,
      ...(app.deps.moderation ? { moderation: app.deps.moderation.moderation } : {}),
    });
  });
  await app.register(oidcMount(provider, config.publicUrl));
  await app.register(interactionRoutes(provider));
  await app.register(worldsAdminRoutes);
  await app.register(worldsMeRoutes);
  await app.register(worldsBlindRoutes);
  await app.register(worldsAccountRoutes);
  await app.register(accountCredentialsRoutes);
  await app.register(worldsEnrolRoutes);
}
