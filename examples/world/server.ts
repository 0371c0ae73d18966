/**
 * A tiny virtual world that signs its users in through mvid in either of its two modes:
 * - OpenID Connect with a stock client (openid-client): it shows what it learnt — a
 *   pseudonym (`sub`), the person's handle in this world and whether they are over 18,
 *   nothing else — and their standing here (the `mvid_moderation` claim);
 * - blind sign-in (docs/blind-signin.md): the person's wallet shows a BBS presentation that
 *   this world verifies offline with @mvid/sdk — mvid never learns of the visit.
 * A report button files a report with mvid on the member's behalf, with the world's client
 * credentials.
 *
 *   mvid worlds add --name "Example World" --redirect-uri http://localhost:3000/callback \
 *     --purpose "Adult areas need age_over_18; your handle is shown to other players." \
 *     --claim age_over_18 --optional-claim handle
 *   MVID_ISSUER=http://localhost:8080/oidc WORLD_CLIENT_ID=w_… WORLD_CLIENT_SECRET=mvcs_… \
 *     node examples/world/server.ts
 *
 * or, against a development mvid that seeded this world (`npm start`):
 *
 *   WORLD_CREDENTIALS=data/demo-only/example-world.json npm run world
 */
import { readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import Fastify from 'fastify';
import * as oidc from 'openid-client';
import { mvidJwks, verifyBlindPresentation, verifyWorldIdToken, type WorldModeration } from '@mvid/sdk';

/** `{issuer, clientId, clientSecret}` as the development seed writes it; the variables win. */
const file = process.env.WORLD_CREDENTIALS
  ? (JSON.parse(readFileSync(process.env.WORLD_CREDENTIALS, 'utf8')) as { issuer?: string; clientId?: string; clientSecret?: string })
  : {};
const issuer = process.env.MVID_ISSUER ?? file.issuer ?? 'http://localhost:8080/oidc';
const clientId = process.env.WORLD_CLIENT_ID ?? file.clientId ?? '';
const clientSecret = process.env.WORLD_CLIENT_SECRET ?? file.clientSecret ?? '';
const port = Number(process.env.PORT ?? 3000);
// The browser must come back to the very host it left from (the sign-in cookie is per host), so
// this world is reached, redirected to and logged as localhost. mvid is on localhost too (passkeys
// refuse IP addresses): cookies are per host, so this world's `login` never shares a name with mvid's.
const origin = `http://localhost:${port}`;
const redirectUri = `${origin}/callback`;
if (!clientId || !clientSecret) {
  throw new Error('set WORLD_CLIENT_ID and WORLD_CLIENT_SECRET (from `mvid worlds add`), or WORLD_CREDENTIALS (from npm start)');
}

const config = await oidc.discovery(new URL(issuer), clientId, undefined, oidc.ClientSecretBasic(clientSecret), {
  // mvid in development runs on plain http; drop this line against an https mvid.
  ...(issuer.startsWith('http://') ? { execute: [oidc.allowInsecureRequests] } : {}),
});
const jwks = mvidJwks(issuer);
/** mvid's API (the issuer is `<mvid>/oidc`) and this world's client credentials for it. */
const mvidApi = issuer.replace(/\/oidc\/?$/, '');
const basic = `Basic ${Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(clientSecret)}`).toString('base64')}`;

/** Blind sign-in: mvid's BBS key, fetched once at start and pinned (a world would ship it in its configuration). */
const blindIssuer = (await (await fetch(`${mvidApi}/worlds/v1/blind-signin`)).json()) as { issuer: string; publicKey: string };
/** Pending blind sign-ins by a random id kept in a cookie: the nonce the presentation must answer. */
const pendingBlind = new Map<string, string>();

/** Signed-in members by a random session id kept in a cookie: their pseudonym here. */
const members = new Map<string, string>();
const cookie = (request: { headers: { cookie?: string | undefined } }, name: string) =>
  new RegExp(`(?:^|;\\s*)${name}=([^;]+)`).exec(request.headers.cookie ?? '')?.[1] ?? '';

/** Pending sign-ins by a random id kept in a cookie: the PKCE verifier, state and nonce. */
const pending = new Map<string, { verifier: string; state: string; nonce: string }>();
const page = (body: string) =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Example World</title></head><body>${body}</body></html>`;
const esc = (s: unknown) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const app = Fastify({ logger: true });
app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) =>
  done(null, Object.fromEntries(new URLSearchParams(String(body)))),
);

function standing(m: WorldModeration): string {
  if (m.state === 'none') return 'in good standing';
  return `${m.state.replace('_', ' ')}${m.until ? ` until ${m.until}` : ''}${m.features.length ? ` (${m.features.join(', ')})` : ''}`;
}

const reportForm = `<h2>Report someone</h2>
<form method="post" action="/report">
<label>Their handle <input name="subject" required></label>
<label>Rule <input name="category" value="harassment" required></label>
<label>What happened <textarea name="text" required></textarea></label>
<button type="submit">Report</button>
</form>`;

app.get('/', async (_request, reply) =>
  reply
    .type('text/html')
    .send(
      page(
        '<h1>Example World</h1><p><a href="/login">Sign in with mvid</a> · <a href="/login/blind">Sign in with your mvid wallet (mvid does not see it)</a></p>',
      ),
    ),
);

/**
 * Blind sign-in: a fresh nonce, and a link to the person's wallet with the request in the
 * fragment (never sent to any server) and no referrer, so mvid learns nothing of this world.
 * A native wallet reads the same request from the `data-request` attribute.
 */
app.get('/login/blind', async (_request, reply) => {
  const id = randomBytes(16).toString('base64url');
  const nonce = randomBytes(16).toString('base64url');
  pendingBlind.set(id, nonce);
  const request = { world: clientId, nonce, require: ['age_over_18'], return: `${origin}/callback/blind` };
  const fragment = Buffer.from(JSON.stringify(request)).toString('base64url');
  reply.header('set-cookie', `blind=${id}; Path=/; HttpOnly; SameSite=Lax; Max-Age=600`).header('referrer-policy', 'no-referrer');
  return reply
    .type('text/html')
    .send(
      page(
        `<h1>Sign in with your wallet</h1><p id="request" data-request="${esc(JSON.stringify(request))}"><a rel="noreferrer" href="${esc(`${mvidApi}/wallet#${fragment}`)}">Open your mvid wallet</a></p>`,
      ),
    );
});

/** The wallet comes back with the presentation in the fragment; this page hands it to the server. */
app.get('/callback/blind', async (_request, reply) =>
  reply.type('text/html').send(
    page(`<p id="status">Checking your presentation…</p><script>
const presentation = new URLSearchParams(location.hash.slice(1)).get('presentation');
fetch('/callback/blind', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ presentation: JSON.parse(atob(presentation.replace(/-/g, '+').replace(/_/g, '/'))) }) })
  .then((r) => r.text()).then((html) => { document.open(); document.write(html); document.close(); });
</script>`),
  ),
);

app.post<{ Body: { presentation?: unknown } }>('/callback/blind', async (request, reply) => {
  const id = cookie(request, 'blind');
  const nonce = pendingBlind.get(id);
  pendingBlind.delete(id); // a nonce answers one presentation, right or wrong
  if (nonce === undefined)
    return reply.code(400).type('text/html').send(page('<p>Sign-in expired. <a href="/login/blind">Try again</a>.</p>'));
  let who: ReturnType<typeof verifyBlindPresentation>;
  try {
    who = verifyBlindPresentation(request.body?.presentation, {
      ...blindIssuer,
      worldId: clientId,
      nonce,
      now: new Date(),
      require: ['age_over_18'],
    });
  } catch (error) {
    return reply
      .code(401)
      .type('text/html')
      .send(page(`<p>Not signed in: ${esc((error as Error).message)}</p>`));
  }
  const sid = randomBytes(16).toString('base64url');
  members.set(sid, who.pseudonym);
  reply.header('set-cookie', `sid=${sid}; Path=/; HttpOnly; SameSite=Lax`);
  return reply.type('text/html').send(
    page(`<h1>Welcome</h1><dl>
<dt>Your pseudonym here (blind)</dt><dd><code>${esc(who.pseudonym)}</code></dd>
<dt>Over 18</dt><dd>${esc(who.attributes.age_over_18 ?? '(not shared)')}</dd>
<dt>Valid until</dt><dd>${esc(who.expires)}</dd>
</dl>${reportForm}`),
  );
});

app.get('/login', async (_request, reply) => {
  const id = randomBytes(16).toString('base64url');
  const entry = { verifier: oidc.randomPKCECodeVerifier(), state: oidc.randomState(), nonce: oidc.randomNonce() };
  pending.set(id, entry);
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: redirectUri,
    scope: 'openid age_over_18 handle',
    code_challenge: await oidc.calculatePKCECodeChallenge(entry.verifier),
    code_challenge_method: 'S256',
    state: entry.state,
    nonce: entry.nonce,
  });
  reply.header('set-cookie', `login=${id}; Path=/; HttpOnly; SameSite=Lax; Max-Age=600`);
  return reply.redirect(url.href);
});

app.get('/callback', async (request, reply) => {
  const id = cookie(request, 'login');
  const entry = pending.get(id);
  pending.delete(id);
  if (!entry) return reply.code(400).type('text/html').send(page('<p>Sign-in expired. <a href="/login">Try again</a>.</p>'));
  const tokens = await oidc.authorizationCodeGrant(config, new URL(request.url, origin), {
    pkceCodeVerifier: entry.verifier,
    expectedState: entry.state,
    expectedNonce: entry.nonce,
  });
  // The SDK checks the ID token's signature against mvid's JWKS (openid-client trusts the TLS channel instead).
  const who = await verifyWorldIdToken(tokens.id_token ?? '', { issuer, clientId, jwks, nonce: entry.nonce });
  const sid = randomBytes(16).toString('base64url');
  members.set(sid, who.sub);
  reply.header('set-cookie', `sid=${sid}; Path=/; HttpOnly; SameSite=Lax`);
  return reply.type('text/html').send(
    page(`<h1>Welcome</h1><dl>
<dt>Your pseudonym here (sub)</dt><dd><code>${esc(who.sub)}</code></dd>
<dt>Handle</dt><dd>${esc(who.claims.handle ?? '(not shared)')}</dd>
<dt>Over 18</dt><dd>${esc(who.claims.age_over_18 ?? '(not shared)')}</dd>
<dt>Standing here</dt><dd>${esc(standing(who.moderation))}</dd>
</dl>${reportForm}`),
  );
});

app.post<{ Body: Record<string, string> }>('/report', async (request, reply) => {
  const reporter = members.get(cookie(request, 'sid'));
  if (!reporter) return reply.code(401).type('text/html').send(page('<p>Sign in first. <a href="/login">Sign in</a>.</p>'));
  const { subject = '', category = '', text = '' } = request.body ?? {};
  // Filed by the world for its member: mvid resolves both pseudonym and handle in this world only.
  const response = await fetch(`${mvidApi}/moderation/v1/worlds/${encodeURIComponent(clientId)}/reports`, {
    method: 'POST',
    headers: { authorization: basic, 'content-type': 'application/json' },
    body: JSON.stringify({ reporter, subject, category, text }),
  });
  const answer = (await response.json()) as { reportId?: string; detail?: string };
  if (!response.ok)
    return reply
      .code(response.status)
      .type('text/html')
      .send(page(`<p>Not filed: ${esc(answer.detail)}</p>`));
  return reply.type('text/html').send(page(`<p>Report filed (<code>${esc(answer.reportId)}</code>). The moderators will look at it.</p>`));
});

await app.listen({ host: '127.0.0.1', port, listenTextResolver: () => `Example World listening on ${origin} (open it there)` });
