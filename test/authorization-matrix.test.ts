/**
 * The authorisation matrix, generated from the route registry (src/http/route-index.ts):
 * one row per route says who may call it; every cell (route × role) is a test of its own,
 * on both engines. A route without a row — a new route nobody classified — fails the
 * build, and so does a row whose route no longer exists. World-scoped (moderation) routes
 * are called on world A's paths, where world A, its moderator, world B and a member who is
 * no moderator each meet the answer their row says.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ENGINES } from './support/engines.ts';
import { injectFetch, registerAuthority } from './support/disclosure.ts';
import { devKeyOf, presentation, publishTrustees, registerWorldAsAdmin } from './support/registry-http.ts';
import { personClaims } from './support/registry.ts';
import { assertTableCovers, registeredRoutes } from './support/route-table.ts';
import { startTestRuntime, type TestRuntime } from './support/runtime.ts';

type Role = 'anonymous' | 'person' | 'moderator' | 'admin' | 'authority' | 'trustee' | 'world' | 'other-world';
/**
 * Who may call a route. `public`: anyone (no credential is checked); `protocol`: oidc-provider's
 * own endpoints (client authentication is the provider's, covered by worlds-oidc and
 * worlds-isolation tests); `interaction`: needs the browser's sign-in interaction, so every
 * role here is refused; `person`: any signed-in person (a moderator is one too). On world A's
 * moderation paths: `world-self` (world A itself), `staff` (world A or a moderator it
 * appointed), `moderator` (only a moderator, signed in as themselves), `world-or-person`
 * (world A, or any signed-in person, for themselves). `ceremony`: a trustee of a key
 * ceremony with its own ceremony token, which none of these roles holds.
 */
type Access =
  | Exclude<Role, 'other-world' | 'moderator'>
  | 'public'
  | 'protocol'
  | 'interaction'
  | 'world-or-admin'
  | 'world-self'
  | 'staff'
  | 'moderator'
  | 'world-or-person'
  | 'ceremony';

const MATRIX: Record<string, Access> = {
  'GET /healthz': 'public',
  'GET /readyz': 'public',
  'GET /metrics': 'admin',
  'GET /': 'public',
  'GET /errors': 'public',
  'GET /errors/:code': 'public',
  'GET /openapi.json': 'public',
  'GET /credentials/types/:kind': 'public',
  'GET /credentials/schemas/:kind': 'public',
  'GET /credentials/status/:listId': 'public',
  'GET /.well-known/jwt-vc-issuer': 'public',
  'GET /.well-known/openid-credential-issuer': 'public',
  'GET /.well-known/oauth-authorization-server/credentials/oid4vci': 'public',
  'POST /credentials/v1/issue': 'person',
  'POST /credentials/v1/offers': 'person',
  'POST /credentials/oid4vci/token': 'public',
  'POST /credentials/oid4vci/nonce': 'public',
  'POST /credentials/oid4vci/credential': 'public',
  'GET /credentials/v1/attribute-issuers': 'admin',
  'POST /credentials/v1/attribute-issuers': 'admin',
  'DELETE /credentials/v1/attribute-issuers/:id': 'admin',
  'POST /credentials/v1/revocations': 'admin',
  'POST /credentials/v1/attribute-issuers/revocations': 'public',
  'POST /credentials/v1/presentation-requests': 'world-or-admin',
  'POST /credentials/v1/verify': 'world-or-admin',
  'POST /registry/v1/nonces': 'public',
  'POST /registry/v1/enrolments': 'public',
  'POST /registry/v1/recoveries': 'public',
  'POST /registry/v1/sessions': 'public',
  'DELETE /registry/v1/sessions/current': 'person',
  'GET /registry/v1/trustee-set': 'public',
  'GET /registry/v1/escrow-epochs': 'public',
  'GET /registry/v1/me': 'person',
  'GET /registry/v1/me/keys': 'person',
  'POST /registry/v1/me/keys': 'person',
  'DELETE /registry/v1/me/keys/:kid': 'person',
  'POST /registry/v1/me/close': 'person',
  'GET /registry/v1/me/export': 'person',
  'GET /admin/v1/issuers': 'admin',
  'POST /admin/v1/issuers': 'admin',
  'POST /admin/v1/keys/rotations': 'admin',
  'POST /admin/v1/sweeps': 'admin',
  'DELETE /admin/v1/issuers/:id': 'admin',
  'GET /admin/v1/trustee-sets': 'admin',
  'GET /log/checkpoint': 'public',
  'GET /log/tile/*': 'public',
  'GET /log/v1/key': 'public',
  'GET /log/v1/checkpoints/latest': 'public',
  'GET /log/v1/proof/inclusion': 'public',
  'GET /log/v1/proof/consistency': 'public',
  'GET /log/v1/entries': 'public',
  'POST /oidc/token': 'protocol',
  'POST /oidc/token/*': 'protocol',
  'GET /oidc': 'protocol',
  'GET /oidc/*': 'protocol',
  'POST /oidc/*': 'protocol',
  'GET /interaction/:uid': 'interaction',
  'POST /interaction/:uid/passkey/options': 'interaction',
  'POST /interaction/:uid/passkey': 'interaction',
  'POST /interaction/:uid/continue': 'interaction',
  'POST /interaction/:uid/consent': 'interaction',
  'POST /interaction/:uid/abort': 'interaction',
  'GET /admin/v1/worlds': 'admin',
  'POST /admin/v1/worlds': 'admin',
  'DELETE /admin/v1/worlds/:worldId': 'admin',
  'GET /admin/v1/worlds/:worldId': 'admin',
  'PUT /admin/v1/worlds/:worldId/pseudonyms': 'admin',
  'GET /worlds/v1/me/worlds': 'person',
  'GET /worlds/v1/blind-signin': 'public',
  'GET /wallet': 'public',
  'POST /worlds/v1/me/blind-credentials': 'person',
  'DELETE /worlds/v1/me/worlds/:worldId': 'person',
  'PUT /worlds/v1/me/worlds/:worldId/handle': 'person',
  'GET /worlds/v1/me/passkeys': 'person',
  'POST /worlds/v1/me/passkeys': 'person',
  'POST /worlds/v1/me/passkeys/options': 'person',
  'DELETE /worlds/v1/me/passkeys/:id': 'person',
  'GET /account': 'public',
  'POST /account/sign-in/options': 'public',
  'POST /account/sign-in': 'public',
  'POST /account/passkeys/options': 'person',
  'POST /account/passkeys': 'person',
  'POST /account/worlds/:worldId/revoke': 'person',
  'POST /account/sign-out': 'person',
  'POST /account/passkeys/rename': 'person',
  'POST /account/passkeys/remove': 'person',
  'POST /account/credentials/revoke': 'person',
  'POST /account/credentials/offer': 'person',
  'GET /account/credentials/present': 'person',
  'POST /account/export': 'person',
  'GET /account/close': 'person',
  'POST /account/close': 'person',
  'GET /account/welcome': 'person',
  'GET /account/enrol': 'public',
  'POST /account/enrol': 'public',
  'GET /account/enrol/wallet': 'public',
  'POST /account/enrol/wallet/response': 'public',
  'GET /account/enrol/wallet/done': 'public',
  'GET /account/enrol/wallet/qr': 'public',
  'GET /account/enrol/wallet/state': 'public',
  'POST /account/enrol/wallet/finish': 'public',
  'GET /account/recover': 'public',
  'POST /account/recover': 'public',
  'GET /account/recover/wallet': 'public',
  'GET /disclosure/v1/log': 'public',
  'GET /disclosure/v1/log/checkpoint': 'public',
  'GET /disclosure/v1/log/inclusion': 'public',
  'GET /disclosure/v1/log/consistency': 'public',
  'GET /disclosure/v1/log/entries': 'public',
  'GET /disclosure/v1/trustees': 'public',
  'GET /disclosure/v1/transparency-report': 'public',
  'GET /disclosure/v1/transparency/records': 'public',
  'GET /transparency': 'public',
  'GET /transparency.json': 'public',
  'GET /transparency.csv': 'public',
  // Console shells: static pages whose script calls the API with the token the user enters.
  'GET /disclosure/authority': 'public',
  'GET /admin': 'public',
  'GET /assets/:name': 'public',
  'GET /disclosure/trustee': 'public',
  'GET /disclosure/v1/me/disclosures': 'person',
  'GET /account/disclosures': 'person',
  'GET /admin/v1/authorities': 'admin',
  'POST /admin/v1/authorities': 'admin',
  'DELETE /admin/v1/authorities/:id': 'admin',
  'POST /admin/v1/disclosure/trustee-credentials': 'admin',
  'GET /disclosure/v1/requests': 'authority',
  'POST /disclosure/v1/requests': 'authority',
  'GET /disclosure/v1/requests/:id': 'authority',
  'GET /disclosure/v1/requests/:id/release': 'authority',
  'POST /disclosure/v1/requests/:id/receipt': 'authority',
  'POST /disclosure/v1/requests/:id/delay-extensions': 'authority',
  'GET /disclosure/v1/trustee/me': 'trustee',
  'PUT /disclosure/v1/trustee/me/encryption-key': 'trustee',
  'GET /disclosure/v1/trustee/requests': 'trustee',
  'GET /disclosure/v1/trustee/requests/:id': 'trustee',
  'POST /disclosure/v1/trustee/requests/:id/decisions': 'trustee',
  'POST /disclosure/v1/trustee/requests/:id/extensions/:extensionId/decisions': 'trustee',
  'POST /disclosure/v1/trustee/requests/:id/shares': 'trustee',
  'POST /disclosure/v1/trustee/escrow-epochs/:id/destruction': 'trustee',
  'POST /moderation/v1/worlds/:worldId/evidence': 'world-or-person',
  'POST /moderation/v1/worlds/:worldId/reports': 'world-or-person',
  'GET /moderation/v1/worlds/:worldId/reports/:reportId': 'world-or-person',
  'GET /moderation/v1/worlds/:worldId/roles': 'world-self',
  'PUT /moderation/v1/worlds/:worldId/roles': 'world-self',
  'DELETE /moderation/v1/worlds/:worldId/roles/:role/:subject': 'world-self',
  'GET /moderation/v1/worlds/:worldId/settings': 'world-self',
  'PUT /moderation/v1/worlds/:worldId/settings': 'world-self',
  'GET /moderation/v1/worlds/:worldId/sanctions/:subject': 'world-self',
  'GET /moderation/v1/worlds/:worldId/cases': 'staff',
  'GET /moderation/v1/worlds/:worldId/cases/:caseId': 'staff',
  'GET /moderation/v1/worlds/:worldId/cases/:caseId/evidence/:sha256': 'staff',
  'POST /moderation/v1/worlds/:worldId/cases/:caseId/assign': 'staff',
  'POST /moderation/v1/worlds/:worldId/cases/:caseId/notes': 'staff',
  'POST /moderation/v1/worlds/:worldId/cases/:caseId/decision': 'moderator',
  'GET /moderation/v1/worlds/:worldId/appeals': 'staff',
  'POST /moderation/v1/worlds/:worldId/appeals/:appealId/decision': 'moderator',
  'POST /admin/v1/dkg': 'admin',
  'POST /admin/v1/dkg/epochs': 'admin',
  'POST /admin/v1/reshare': 'admin',
  'GET /registry/v1/dkg/:id': 'public',
  'GET /registry/v1/dkg/:id/transcript': 'public',
  'GET /registry/v1/dkg/:id/me': 'ceremony',
  'GET /registry/v1/dkg/:id/messages/:round': 'public',
  'POST /registry/v1/dkg/:id/messages/:round': 'ceremony',
  'GET /moderation/console/:worldId': 'moderator',
  'GET /moderation/console/:worldId/cases/:caseId': 'moderator',
  'POST /moderation/console/:worldId/cases/:caseId/assign': 'moderator',
  'POST /moderation/console/:worldId/cases/:caseId/notes': 'moderator',
  'POST /moderation/console/:worldId/cases/:caseId/decision': 'moderator',
  'GET /moderation/console/:worldId/appeals': 'moderator',
  'POST /moderation/console/:worldId/appeals/:appealId/decision': 'moderator',
  'GET /moderation/console/:worldId/statistics': 'moderator',
  'GET /moderation/console/:worldId/statistics.csv': 'moderator',
  'GET /moderation/v1/worlds/:worldId/statistics': 'public',
  'GET /moderation/v1/worlds/:worldId/statistics.csv': 'public',
  'GET /moderation/report/:worldId': 'public',
  'POST /moderation/report/:worldId': 'person',
  'POST /account/moderation/decisions/:decisionId/appeal': 'person',
  'GET /moderation/v1/me/worlds/:worldId': 'person',
  'GET /moderation/v1/me/notices': 'person',
  'POST /moderation/v1/me/decisions/:decisionId/appeal': 'person',
};

const ROLES: readonly Role[] = ['anonymous', 'person', 'moderator', 'admin', 'authority', 'trustee', 'world', 'other-world'];
/** Routes that end the caller's session or account: each person cell gets a person of its own. */
const SELF_ENDING = new Set([
  'DELETE /registry/v1/sessions/current',
  'POST /registry/v1/me/close',
  'POST /account/sign-out',
  'POST /account/close',
]);

/** true: gets past authentication and authorisation; false: refused (401/403); undefined: not a credential check (never a 5xx). */
function allowed(access: Access, role: Role): boolean | undefined {
  switch (access) {
    case 'public':
    case 'protocol':
      return undefined;
    case 'interaction':
    case 'ceremony':
      return false;
    case 'world-or-admin':
      return role === 'world' || role === 'other-world' || role === 'admin';
    case 'person':
      return role === 'person' || role === 'moderator';
    case 'world-self':
      return role === 'world';
    case 'staff':
      return role === 'world' || role === 'moderator';
    case 'world-or-person':
      return role === 'world' || role === 'person' || role === 'moderator';
    default:
      return access === role;
  }
}

for (const engine of ENGINES) {
  describe(`authorisation matrix on ${engine}`, () => {
    let rt: TestRuntime;
    const headers = new Map<Role, Record<string, string>>();
    let enrol: () => Promise<string>;
    let admin: string;
    let worldAId: string;
    let makeModerator: () => Promise<Record<string, string>>;

    before(async () => {
      const off = { limit: 0, windowSeconds: 60 };
      rt = await startTestRuntime(engine, {
        abuseLimits: { credentialIp: off, credentialPrincipal: off, mintIp: off, enrolIp: off, reportPrincipal: off },
      });
      await publishTrustees(rt);
      admin = (await rt.registry.adminTokens.create('matrix-admin')).token;
      enrol = async () => {
        const { presentation: p } = await presentation(rt, devKeyOf(rt), personClaims());
        const r = await rt.app.inject({ method: 'POST', url: '/registry/v1/enrolments', payload: { presentation: p } });
        assert.equal(r.statusCode, 201, r.body);
        return (r.json() as { session: { token: string } }).session.token;
      };
      const authority = await registerAuthority({ rt, adminToken: admin, fetch: injectFetch(rt.app) }, 'Matrix Police');
      const trustee = await rt.app.inject({
        method: 'POST',
        url: '/admin/v1/disclosure/trustee-credentials',
        headers: { authorization: `Bearer ${admin}` },
        payload: { trustee: 'alice' },
      });
      assert.equal(trustee.statusCode, 201, trustee.body);
      const world = await registerWorldAsAdmin(rt.app, admin, 'Matrix World');
      worldAId = world.clientId;
      headers.set('anonymous', {});
      headers.set('person', { authorization: `Bearer ${await enrol()}` });
      headers.set('admin', { authorization: `Bearer ${admin}` });
      headers.set('authority', { authorization: `Bearer ${authority.token}` });
      headers.set('trustee', { authorization: `Bearer ${(trustee.json() as { token: string }).token}` });
      headers.set('world', world.headers);
      headers.set('other-world', (await registerWorldAsAdmin(rt.app, admin, 'Matrix World B')).headers);
      let moderators = 0;
      // A person known to world A by a handle, whom world A appointed moderator.
      makeModerator = async () => {
        const auth = { authorization: `Bearer ${await enrol()}` };
        const handle = `matrix-moderator-${++moderators}`;
        const claimed = await rt.app.inject({
          method: 'PUT',
          url: `/worlds/v1/me/worlds/${worldAId}/handle`,
          headers: auth,
          payload: { handle },
        });
        assert.equal(claimed.statusCode, 200, claimed.body);
        const granted = await rt.app.inject({
          method: 'PUT',
          url: `/moderation/v1/worlds/${worldAId}/roles`,
          headers: world.headers,
          payload: { subject: handle, role: 'moderator' },
        });
        assert.equal(granted.statusCode, 200, granted.body);
        return auth;
      };
      headers.set('moderator', await makeModerator());
    });
    after(async () => rt.stop());

    it('has a row for every registered route, and no row for a route that is gone', () => {
      assertTableCovers(MATRIX, registeredRoutes(rt.app), 'classify each new route in MATRIX (who may call it)');
    });

    it('other principal: a person cannot touch another person’s keys, a world cannot act as another world', async () => {
      const other = { authorization: `Bearer ${await enrol()}` };
      const keys = await rt.app.inject({ method: 'GET', url: '/registry/v1/me/keys', headers: headers.get('person') ?? {} });
      const kid = (keys.json() as { keys: Array<{ kid: string }> }).keys[0]?.kid as string;
      const stolen = await rt.app.inject({ method: 'DELETE', url: `/registry/v1/me/keys/${kid}`, headers: other });
      assert.equal(stolen.statusCode, 404, stolen.body);
      const still = await rt.app.inject({ method: 'GET', url: '/registry/v1/me/keys', headers: headers.get('person') ?? {} });
      assert.ok(
        (still.json() as { keys: Array<{ kid: string; revokedAt?: string | null }> }).keys.some((k) => k.kid === kid && !k.revokedAt),
      );

      const worldA = headers.get('world') ?? {};
      const created = await rt.app.inject({
        method: 'POST',
        url: '/credentials/v1/presentation-requests',
        headers: worldA,
        payload: { claims: ['age_over_18'] },
      });
      assert.equal(created.statusCode, 201, created.body);
      const { requestId } = created.json() as { requestId: string };
      const worldB = (await registerWorldAsAdmin(rt.app, admin, 'Other World')).headers;
      const impersonate = await rt.app.inject({
        method: 'POST',
        url: '/credentials/v1/presentation-requests',
        headers: worldB,
        payload: { claims: ['age_over_18'], world: worldAId },
      });
      assert.equal(impersonate.statusCode, 403, impersonate.body);
      const foreign = await rt.app.inject({
        method: 'POST',
        url: '/credentials/v1/verify',
        headers: worldB,
        payload: { requestId, presentation: 'x~' },
      });
      assert.ok(foreign.statusCode >= 400 && foreign.statusCode < 500, foreign.body);
      assert.doesNotMatch(foreign.body, /age_over_18/);
    });

    /** One call of a cell: the route's path with world A in world-scoped paths, an empty JSON body where one is expected. */
    async function call(key: string, role: Role) {
      const [method = 'GET', pattern = '/'] = key.split(' ');
      const scoped = pattern.startsWith('/moderation/') ? pattern.replace(':worldId', worldAId) : pattern;
      const url = scoped.replace(/:[A-Za-z]+/g, 'x').replace('*', 'x');
      const fresh = SELF_ENDING.has(key) && (role === 'person' || role === 'moderator');
      const auth = fresh
        ? role === 'person'
          ? { authorization: `Bearer ${await enrol()}` }
          : await makeModerator()
        : (headers.get(role) ?? {});
      const body =
        method === 'GET' || method === 'DELETE' ? {} : { payload: '{}', headers: { ...auth, 'content-type': 'application/json' } };
      return rt.app.inject({ method: method as 'GET', url, headers: auth, ...body });
    }

    for (const [key, access] of Object.entries(MATRIX)) {
      it(`${key} (${access})`, async (t) => {
        for (const role of ROLES) {
          const expected = allowed(access, role);
          await t.test(`as ${role}: ${expected === undefined ? 'never a 5xx' : expected ? 'past the guard' : 'refused'}`, async () => {
            const r = await call(key, role);
            // Refused by authentication or authorisation, not by a domain check after it (e.g. passkey_invalid is 401 too);
            // a page (the moderator console) refuses with its own 401/403 page.
            const problem = /problem\+json/.test(String(r.headers['content-type']));
            const code = problem ? (JSON.parse(r.body) as { code?: string }).code : undefined;
            const refused = problem ? code === 'unauthenticated' || code === 'forbidden' : r.statusCode === 401 || r.statusCode === 403;
            assert.ok(r.statusCode < 500, `${r.statusCode} ${r.body.slice(0, 200)}`);
            if (expected === true) assert.ok(!refused, `refused ${r.statusCode} ${r.body.slice(0, 200)}`);
            if (expected === false)
              assert.ok(refused || (access === 'interaction' && r.statusCode >= 400), `not refused (${r.statusCode})`);
          });
        }
      });
    }
  });
}
