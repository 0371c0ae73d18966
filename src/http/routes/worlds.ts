/**
 * The worlds plugin: the OpenID Connect provider at /oidc, its interaction pages, the
 * admin and person APIs, and the account page. One provider per app instance.
 */
import type { FastifyInstance } from 'fastify';
import { interactionRoutes } from '../oidc/interactions.ts';
import { oidcMount } from '../oidc/mount.ts';
import { createOidcProvider } from '../oidc/provider.ts';
import { worldsAccountRoutes } from './worlds-account.ts';
import { worldsAdminRoutes } from './worlds-admin.ts';
import { worldsMeRoutes } from './worlds-me.ts';

export async function worldsRoutes(app: FastifyInstance): Promise<void> {
  const { config, keys, worlds } = app.deps;
  const provider = createOidcProvider({ publicUrl: config.publicUrl, keys, worlds });
  await app.register(oidcMount(provider, config.publicUrl));
  await app.register(interactionRoutes(provider));
  await app.register(worldsAdminRoutes);
  await app.register(worldsMeRoutes);
  await app.register(worldsAccountRoutes);
}
