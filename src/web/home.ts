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
<li>The <a href="/transparency">transparency report</a>: the log's growth, lawful disclosure requests and each world's moderation figures, recomputable from the log and verifiable in your browser.</li>
</ul>

<h2>Trustees, authorities and operators</h2>
<ul>
<li><a href="/disclosure/trustee">Trustee console</a>: review a disclosure request against the log and approve or deny it; your share file never leaves your browser.</li>
<li><a href="/disclosure/authority">Authority console</a>: file a court-ordered request and decrypt a release with your own key, in your browser.</li>
<li><a href="/admin">Operator console</a>: worlds, issuers, trustee sets and authorities (admin token).</li>
</ul>

<p><small>mvid ${version} · storage: ${engine} · <a href="/healthz">health</a> · <a href="/readyz">readiness</a></small></p>`;
  return page({ title: 'Home', nonce, body });
}
