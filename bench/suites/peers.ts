/**
 * The peers mvid is measured beside (issue 18): what a user would pick instead, on the same
 * machine in the same run.
 * - stock `oidc-provider` (the library mvid's provider is built on, same version) as a child
 *   process on 127.0.0.1 (bench/fixtures/peer-oidc-provider.ts): in-memory adapter, nothing
 *   durable, ES256 JWT access tokens through resource indicators. Client-credentials tokens/s
 *   under the same load as mvid's (`oidc` suite: 64 keep-alive connections,
 *   client_secret_basic, a `resource`); the `tokens.client-credentials` target is ≥ 1.0 × this.
 * - `@sd-jwt/sd-jwt-vc`'s own verifier (with `@sd-jwt/crypto-nodejs`, its Node ES256) on the
 *   same kind of presentations mvid issues (bench/fixtures/presentations.ts), each of a
 *   credential it has not met: issuer signature, disclosures, KB-JWT (nonce, signature with a
 *   key imported from `cnf`), status list (fetched once, signature checked each time). It does
 *   less than mvid's SDK (no audience or freshness check of the KB-JWT, no JSON Schema); the
 *   target asks mvid's SDK for ≥ 1.5 × its rate, written as this figure ≤ 1 / 1.5 of mvid's.
 */
import { Agent } from 'node:http';
import { join } from 'node:path';
import { digest, ES256 } from '@sd-jwt/crypto-nodejs';
import { SDJwtVcInstance } from '@sd-jwt/sd-jwt-vc';
import { buildPresentations, NONCE } from '../fixtures/presentations.ts';
import { authorizationRequest, BROWSERS, type CodeFlowClient, checkLogins, codeFlowLogin, driveLogins } from '../harness/code-flow.ts';
import { Browser } from '../harness/http-client.ts';
import { DEFAULT_CONNECTIONS, runLoad } from '../harness/load.ts';
import { asyncOpsPerSecond } from '../harness/measure.ts';
import { type ServerProcess, serverNodeArgs, startServer } from '../harness/process.ts';
import { defineSuite } from '../harness/types.ts';

/** As many distinct credentials as the `credentials` suite's first presentations. */
const PRESENTATIONS = 4096;
const CLIENT_ID = 'bench';
const CLIENT_SECRET = 'bench-secret-bench-secret';
const REDIRECT_URI = 'http://127.0.0.1:9/bench/callback';
const SCOPE = 'openid';

/**
 * The scripted first login through oidc-provider's development interactions: each page is a
 * form of hidden fields (`prompt=login`, then `prompt=consent`), the login one also asks a
 * login name and password (any); submitted until the redirect reaches the client.
 */
async function devInteractionLogin(browser: Browser, client: CodeFlowClient): Promise<URL> {
  let { reply, url } = await browser.follow(authorizationRequest(client).url);
  for (let step = 0; step < 4; step++) {
    if (url.startsWith(client.redirectUri)) return new URL(url);
    const form = /<form[^>]*action="([^"]+)"[^>]*>([\s\S]*?)<\/form>/.exec(reply.body);
    if (!form?.[1]) throw new Error(`no interaction form at ${url} (${reply.status}): ${reply.body.slice(0, 300)}`);
    const fields = new URLSearchParams();
    for (const m of (form[2] ?? '').matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g))
      fields.set(m[1] as string, m[2] as string);
    if ((form[2] ?? '').includes('name="login"')) {
      fields.set('login', 'bench-person');
      fields.set('password', 'any');
    }
    ({ reply, url } = await browser.follow(form[1], 'POST', { 'content-type': 'application/x-www-form-urlencoded' }, fields.toString()));
  }
  throw new Error('the development interactions did not finish');
}

interface PeersState {
  oidc: ServerProcess;
  client: CodeFlowClient;
  basic: string;
  verify(n: number): Promise<unknown>;
  log(message: string): void;
}

export default defineSuite<PeersState>({
  name: 'peers',
  title: 'Peers: stock oidc-provider, @sd-jwt/sd-jwt-vc',
  kind: 'ceiling',
  async setup(ctx) {
    const oidc = await startServer({
      name: 'stock oidc-provider',
      command: ctx.node,
      args: [...serverNodeArgs(), join(ctx.repoRoot, 'bench', 'fixtures', 'peer-oidc-provider.ts')],
      cwd: ctx.repoRoot,
      env: { ...process.env, PEER_CLIENT_ID: CLIENT_ID, PEER_CLIENT_SECRET: CLIENT_SECRET, PEER_REDIRECT_URI: REDIRECT_URI },
    });
    ctx.defer(() => oidc.stop());
    ctx.log(`stock oidc-provider pid ${oidc.pid} at ${oidc.url}`);

    const basic = `Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64')}`;
    const agent = new Agent({ keepAlive: true, maxSockets: 4 });
    ctx.defer(() => agent.destroy());
    const browser = new Browser(oidc.url, agent);
    const client: CodeFlowClient = {
      base: oidc.url,
      authorizationEndpoint: `${oidc.url}/auth`,
      tokenEndpoint: `${oidc.url}/token`,
      clientId: CLIENT_ID,
      basic,
      redirectUri: REDIRECT_URI,
      scope: SCOPE,
      cookies: browser.jar,
    };
    const first = await devInteractionLogin(browser, client);
    if (!first.searchParams.get('code')) throw new Error(`the first sign-in ended at ${first.href}`);
    // From here on a login needs no page: check that once, end to end, before measuring.
    await codeFlowLogin(new Browser(oidc.url, agent, browser.jar.clone()), client);

    const set = await buildPresentations(PRESENTATIONS);
    const issuerVerify = await ES256.getVerifier(set.issuerJwk);
    const sdjwt = new SDJwtVcInstance({
      hasher: digest,
      verifier: issuerVerify,
      statusVerifier: issuerVerify,
      statusListFetcher: async () => set.statusToken,
      kbVerifier: async (data, signature, payload) => (await ES256.getVerifier((payload.cnf as { jwk: object }).jwk))(data, signature),
    });
    const verify = async (n: number) => {
      const presentation = set.presentations[n % set.presentations.length] as string;
      const { payload } = await sdjwt.verify(presentation, {
        keyBindingNonce: NONCE,
        requiredClaimKeys: ['age_over_18'],
        currentDate: set.nowSeconds,
      });
      if (payload.age_over_18 !== true) throw new Error('@sd-jwt/sd-jwt-vc did not disclose age_over_18');
    };
    await verify(0);
    return {
      oidc,
      client,
      basic,
      verify,
      log: (m) => ctx.log(m),
    };
  },
  benchmarks: [
    {
      id: 'peers.oidc-provider.client-credentials',
      seconds: 4,
      metrics: [
        {
          id: 'peers.oidc-provider.client-credentials',
          title: 'Stock oidc-provider: client-credentials tokens',
          unit: 'tokens/s',
          better: 'higher',
          note: `in-memory adapter, POST /token, client_secret_basic, resource …/api → ES256 JWT access token; ${DEFAULT_CONNECTIONS} keep-alive connections; 200s only`,
        },
      ],
      async run(state, rep) {
        const body = new URLSearchParams({ grant_type: 'client_credentials', scope: 'api', resource: `${state.oidc.url}/api` });
        const load = await runLoad({
          url: `${state.oidc.url}/token`,
          method: 'POST',
          headers: { authorization: state.basic, 'content-type': 'application/x-www-form-urlencoded' },
          body: body.toString(),
          seconds: rep.seconds,
          maxFailureFraction: 0.001,
        });
        if (load.failures > 0) state.log(`${load.failures} failed token requests beside ${load.responses} tokens`);
        return { 'peers.oidc-provider.client-credentials': load.requestsPerSecond };
      },
    },
    {
      id: 'peers.oidc-provider.code-flow',
      seconds: 4,
      metrics: [
        {
          id: 'peers.oidc-provider.code-flow',
          title: 'Stock oidc-provider: authorization-code logins',
          unit: 'logins/s',
          better: 'higher',
          note: `session and grant present (one scripted login and consent through its development interactions); GET /auth (fresh state/nonce/PKCE S256, scope "${SCOPE}") → redirects → code → POST /token (client_secret_basic, code_verifier) → ID token; ${BROWSERS} concurrent browsers, keep-alive`,
        },
      ],
      async run(state, rep) {
        const result = await driveLogins(state.client, rep.seconds);
        checkLogins(result, 0.001, state.log);
        return { 'peers.oidc-provider.code-flow': result.loginsPerSecond };
      },
    },
    {
      id: 'peers.sd-jwt-vc.verify',
      metrics: [
        {
          id: 'peers.sd-jwt-vc.verify',
          title: '@sd-jwt/sd-jwt-vc: presentation verifications (first presentations)',
          unit: 'verifications/s',
          better: 'higher',
          ceiling: 'credentials.sd-jwt-vc.verify',
          note: `SDJwtVcInstance.verify with @sd-jwt/crypto-nodejs ES256, one thread; ${PRESENTATIONS} distinct credentials cycled (mvid-issued, 1 of 4 claims disclosed), KB-JWT nonce and key from cnf, status list fetched once`,
        },
      ],
      async run(state, rep) {
        return { 'peers.sd-jwt-vc.verify': await asyncOpsPerSecond((_worker, n) => state.verify(n), rep.seconds) };
      },
    },
  ],
});
