/**
 * Tables keyed by the route registry (src/http/route-index.ts), for suites that must cover
 * every route: the authorisation matrix, the CSRF table. A route without a row — a new route
 * nobody classified — fails, and so does a row whose route is gone.
 */
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';

/** Methods the oidc mount registers only so that oidc-provider answers them (405s, CORS): not rows of their own. */
const MOUNT_ONLY = /^(DELETE|OPTIONS|PATCH|PUT|QUERY|TRACE|POST) \/oidc$|^(DELETE|OPTIONS|PATCH|PUT|QUERY|TRACE) \/oidc\/\*$/;

/** Every registered route as `METHOD /pattern` (HEAD and the oidc mount's catch-alls left out). */
export function registeredRoutes(app: FastifyInstance): string[] {
  return app.routeIndex
    .routes()
    .flatMap((r) => r.methods.filter((m) => m !== 'HEAD').map((m) => `${m} ${r.url}`))
    .filter((key) => !MOUNT_ONLY.test(key));
}

/** Asserts that `table` has exactly the rows `routes` needs: none missing (`what` says how to classify one), none stale. */
export function assertTableCovers(table: Record<string, unknown>, routes: readonly string[], what: string): void {
  assert.deepEqual(
    routes.filter((key) => !(key in table)),
    [],
    what,
  );
  assert.deepEqual(
    Object.keys(table).filter((key) => !routes.includes(key)),
    [],
    'rows whose route no longer exists',
  );
}
