/** Moderation pages: sign-in refused by a sanction (quoting the statement of reasons), and the person's standing. */
import { html, type SafeHtml, unsafeRaw } from './html.ts';
import { page } from './layout.ts';
import type { Translator } from './i18n/index.ts';

export interface StatementForPage {
  sanction: { type: string; startsAt: string; endsAt: string | null; features: string[] };
  facts: string;
  rule: { category: string; text: string };
  automated: { detection: boolean; decision: boolean };
  redress: { appeal: { until: string; how: string }; disputeSettlement: string | null; judicial: string };
  world: { name: string };
  decidedAt: string;
}

const label = (type: string) => type.replaceAll('_', ' ');
/** A standing: `none` means no sanction is in force. */
const standing = (state: string) => (state === 'none' ? 'in good standing' : label(state));

/** The statement of reasons as a definition list (DSA Art. 17(3)). */
export function statementHtml(s: StatementForPage): SafeHtml {
  const term = s.sanction.endsAt ? `until ${s.sanction.endsAt}` : s.sanction.type === 'ban' ? 'without end' : 'no end set';
  return html`<dl>
<dt>Decision</dt><dd>${label(s.sanction.type)} in ${s.world.name}, from ${s.sanction.startsAt}, ${term}${s.sanction.features.length > 0 && html` (${s.sanction.features.join(', ')})`}</dd>
<dt>Rule relied on</dt><dd><strong>${s.rule.category}</strong>: ${s.rule.text}</dd>
<dt>Facts and circumstances</dt><dd>${s.facts}</dd>
<dt>Automated means</dt><dd>Detection: ${s.automated.detection ? 'yes' : 'no'}. Decision: ${s.automated.decision ? 'yes' : 'no'}.</dd>
<dt>How to appeal</dt><dd>Until ${s.redress.appeal.until}: ${s.redress.appeal.how}</dd>
${s.redress.disputeSettlement && html`<dt>Out-of-court dispute settlement</dt><dd>${s.redress.disputeSettlement}</dd>`}
<dt>Courts</dt><dd>${s.redress.judicial}</dd>
</dl>`;
}

export interface SignInRefusedInput {
  t: Translator;
  nonce: string;
  uid: string;
  csrf: string;
  worldName: string;
  statement: StatementForPage;
}

export function renderSignInRefused(input: SignInRefusedInput): string {
  const base = `/interaction/${encodeURIComponent(input.uid)}`;
  const ends = input.statement.sanction.endsAt;
  const body = html`<h1>You cannot sign in to ${input.worldName} right now</h1>
<p class="error" role="alert">${input.worldName} decided a ${label(input.statement.sanction.type)} of your account there${ends && html` until ${ends}`}. This applies in ${input.worldName} only; your other worlds are not affected and do not learn of it.</p>
<h2>Statement of reasons</h2>
${statementHtml(input.statement)}
<p><a href="/account">Open your mvid account to appeal</a>.</p>
<form method="post" action="${base}/abort">
<input type="hidden" name="csrf" value="${input.csrf}">
<button type="submit">Return to ${input.worldName}</button>
</form>`;
  return page({ t: input.t, title: 'Sign-in refused', nonce: input.nonce, body });
}

export interface AccountModerationInput {
  csrf: string;
  worlds: Array<{
    worldId: string;
    worldName: string;
    /** Whether the person moderates this world (a link to its moderator console). */
    moderator?: boolean;
    state: string;
    trust: { level: string; reasons: string[] };
    decisions: Array<{
      id: string;
      statement: StatementForPage;
      appeal: { status: string; reasons: string | null } | null;
      /** Whether an appeal may still be filed (none yet, window open). */
      appealable: boolean;
    }>;
  }>;
}

type AccountModerationWorld = AccountModerationInput['worlds'][number];

function decisionHtml(d: AccountModerationWorld['decisions'][number], worldName: string, csrf: string): SafeHtml {
  const appeal = d.appeal
    ? html`<p>Your appeal: <strong>${d.appeal.status}</strong>${d.appeal.reasons && html` — ${d.appeal.reasons}`}</p>`
    : d.appealable
      ? html`<form method="post" action="/account/moderation/decisions/${encodeURIComponent(d.id)}/appeal"><input type="hidden" name="csrf" value="${csrf}"><label for="appeal-${d.id}">Why the decision is wrong</label><br><textarea id="appeal-${d.id}" name="text" rows="3" cols="50" maxlength="4000" required></textarea><br><button type="submit">Appeal to ${worldName}</button></form>`
      : html`<p>The appeal window has closed.</p>`;
  return html`<details><summary>${label(d.statement.sanction.type)} — ${d.statement.decidedAt}</summary>${statementHtml(d.statement)}${appeal}</details>`;
}

/** The account page's moderation section: per world, the standing, the trust level and why, decisions and the appeal form. */
export function accountModerationHtml(input: AccountModerationInput): SafeHtml {
  if (input.worlds.length === 0) return html``;
  const worlds = input.worlds.map(
    (w) => html`<h3>${w.worldName}</h3>
<p><a href="/moderation/report/${encodeURIComponent(w.worldId)}">Report someone in ${w.worldName}</a></p>
${w.moderator && html`<p><a class="button primary" href="/moderation/console/${encodeURIComponent(w.worldId)}">Moderator console of ${w.worldName}</a></p>`}
<p>Standing: <strong>${standing(w.state)}</strong>. Trust level: <strong>${w.trust.level}</strong>, because: ${w.trust.reasons.join('; ')}.</p>
${w.decisions.map((d) => decisionHtml(d, w.worldName, input.csrf))}
`,
  );
  return html`<section aria-labelledby="my-moderation"><h2 id="my-moderation">Moderation</h2>
<p>Each world judges conduct under its own rules; what one world decides holds there only and no other world learns of it.</p>
${worlds}</section>`;
}

export interface ReportPageInput {
  t: Translator;
  nonce: string;
  csrf: string;
  world: { id: string; name: string; rules: Array<{ category: string; text: string }> };
  /** After a form post without script: the filed report, or why it was refused. */
  result?: { reportId: string } | { error: string };
}

/**
 * mvid's own report page, for a person signed in to mvid: the subject by handle or
 * pseudonym, one of the world's rules, what happened, when and where, and (with script)
 * screenshots, logs or clips uploaded first and cited by hash.
 */
export function renderReportPage(input: ReportPageInput): string {
  const api = `/moderation/v1/worlds/${encodeURIComponent(input.world.id)}`;
  const name = input.world.name;
  const result = input.result
    ? 'reportId' in input.result
      ? html`<p role="status">Report filed (${input.result.reportId}). You will see the outcome on your account page.</p>`
      : html`<p class="error" role="alert">${input.result.error}</p>`
    : undefined;
  const rules = input.world.rules.map((r) => html`<option value="${r.category}">${r.category} — ${r.text}</option>`);
  const body = html`<h1>Report someone in ${name}</h1>
${result}
<p>${name}'s moderators decide under its published rules. They see your pseudonym in ${name}, never who you are; the person you report is not told who reported them.</p>
<form id="report" method="post" action="/moderation/report/${encodeURIComponent(input.world.id)}" data-api="${api}" data-csrf="${input.csrf}">
<input type="hidden" name="csrf" value="${input.csrf}">
<p><label for="subject">Their handle (or pseudonym) in ${name}</label><br><input id="subject" name="subject" required maxlength="128"></p>
<p><label for="category">Rule broken</label><br><select id="category" name="category" required>${rules}</select></p>
<p><label for="text">What happened</label><br><textarea id="text" name="text" rows="5" cols="50" required maxlength="4000"></textarea></p>
<p><label for="occurredAt">When (optional)</label><br><input id="occurredAt" name="occurredAt" type="datetime-local"></p>
<p><label for="location">Where in the world (optional)</label><br><input id="location" name="location" maxlength="200"></p>
<p><label for="evidence">Screenshots, logs or short clips (optional)</label><br><input id="evidence" type="file" multiple accept="image/png,image/jpeg,image/webp,image/gif,text/plain,video/mp4,video/webm"></p>
<button class="primary" type="submit">File the report</button>
</form>
<p id="status" role="status" aria-live="polite"></p>
<p><a href="/account">Back to your account</a></p>`;
  return page({ t: input.t, title: `Report in ${name}`, nonce: input.nonce, body, script: REPORT_SCRIPT });
}

/** Uploads each chosen file as evidence, then files the report citing their hashes (same-origin, CSRF header). */
const REPORT_SCRIPT = unsafeRaw(`
(function(){
  var form = document.getElementById('report');
  var status = document.getElementById('status');
  if (!form || !window.fetch) return;
  var api = form.getAttribute('data-api');
  var csrf = form.getAttribute('data-csrf');
  function send(url, body, type) {
    return fetch(url, { method: 'POST', credentials: 'same-origin', headers: { 'content-type': type, 'x-csrf-token': csrf }, body: body })
      .then(function (r) { return r.json().then(function (j) { if (!r.ok) throw new Error(j.detail || 'refused'); return j; }); });
  }
  form.addEventListener('submit', function (event) {
    event.preventDefault();
    status.textContent = 'Sending…';
    var files = Array.prototype.slice.call(document.getElementById('evidence').files || []);
    Promise.all(files.map(function (f) { return send(api + '/evidence', f, f.type || 'application/octet-stream'); }))
      .then(function (uploaded) {
        var report = { subject: form.subject.value, category: form.category.value, text: form.text.value, evidence: uploaded.map(function (u) { return u.sha256; }) };
        if (form.occurredAt.value) report.occurredAt = new Date(form.occurredAt.value).toISOString();
        if (form.location.value) report.location = form.location.value;
        return send(api + '/reports', JSON.stringify(report), 'application/json');
      })
      .then(function (filed) { status.textContent = 'Report filed (' + filed.reportId + '). You will see the outcome on your account page.'; form.reset(); })
      .catch(function (error) { status.textContent = 'Not filed: ' + error.message; });
  });
})();
`);
