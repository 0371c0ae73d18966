/**
 * The front page: what this mvid is and where each audience goes next — people to their
 * account, worlds to the integration guide and discovery, auditors to the log and the
 * transparency report. It shows counts only; nothing about any person.
 */
import { html } from './html.ts';
import { page } from './layout.ts';

export interface HomePageInput {
  nonce: string;
  publicUrl: string;
  engine: string;
  logSize: number | undefined;
  version: string;
}

export function renderHome({ nonce, publicUrl, engine, logSize, version }: HomePageInput): string {
  const body = html`
<h1>mvid</h1>
<p>One verifiable identity per person across virtual worlds — unlinkable by default,
accountable without surveillance. Each world sees only a pseudonym of its own and the
attributes you agree to show (such as <em>over 18</em>, never a birthdate).</p>

<h2>People</h2>
<ul>
<li><a href="/account/enrol">Create your identity</a>: once, from your identity wallet (or a development PID on a development server), then a passkey.</li>
<li><a href="/account">Your account</a>: your passkeys, the worlds you use, what each received, and any disclosure about you once its legal delay has ended.</li>
</ul>

<h2>Worlds</h2>
<ul>
<li>OpenID Connect discovery: <a href="/oidc/.well-known/openid-configuration"><code>${publicUrl}/oidc/.well-known/openid-configuration</code></a> (pairwise subjects only, PKCE required).</li>
<li>Credential issuer metadata: <a href="/.well-known/openid-credential-issuer">OpenID4VCI</a> and <a href="/.well-known/jwt-vc-issuer">JWT VC issuer keys</a>.</li>
<li>The HTTP API: <a href="/openapi.json">OpenAPI 3.1 document</a>.</li>
</ul>

<h2>Auditors</h2>
<ul>
<li>The public transparency log: <a href="/log/checkpoint">latest signed checkpoint</a>${logSize !== undefined && html` (${logSize} entries)`}, tiles under <code>/log/tile/</code>; verify it with <code>mvid log verify --url ${publicUrl}</code>.</li>
<li>The <a href="/transparency">transparency report</a> of lawful disclosure requests, recomputable from the log.</li>
</ul>

<p><small>mvid ${version} · storage: ${engine} · <a href="/healthz">health</a> · <a href="/readyz">readiness</a></small></p>`;
  return page({ title: 'Home', nonce, body });
}
