/** Moderation pages: sign-in refused by a sanction (quoting the statement of reasons), and the person's standing. */
import { esc, page } from './layout.ts';

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

/** The statement of reasons as a definition list (DSA Art. 17(3)), escaped. */
export function statementHtml(s: StatementForPage): string {
  const term = s.sanction.endsAt ? `until ${s.sanction.endsAt}` : s.sanction.type === 'ban' ? 'without end' : 'no end set';
  return `<dl>
<dt>Decision</dt><dd>${esc(label(s.sanction.type))} in ${esc(s.world.name)}, from ${esc(s.sanction.startsAt)}, ${esc(term)}${s.sanction.features.length ? ` (${esc(s.sanction.features.join(', '))})` : ''}</dd>
<dt>Rule relied on</dt><dd><strong>${esc(s.rule.category)}</strong>: ${esc(s.rule.text)}</dd>
<dt>Facts and circumstances</dt><dd>${esc(s.facts)}</dd>
<dt>Automated means</dt><dd>Detection: ${s.automated.detection ? 'yes' : 'no'}. Decision: ${s.automated.decision ? 'yes' : 'no'}.</dd>
<dt>How to appeal</dt><dd>Until ${esc(s.redress.appeal.until)}: ${esc(s.redress.appeal.how)}</dd>
${s.redress.disputeSettlement ? `<dt>Out-of-court dispute settlement</dt><dd>${esc(s.redress.disputeSettlement)}</dd>` : ''}
<dt>Courts</dt><dd>${esc(s.redress.judicial)}</dd>
</dl>`;
}

export interface SignInRefusedInput {
  nonce: string;
  uid: string;
  csrf: string;
  worldName: string;
  statement: StatementForPage;
}

export function renderSignInRefused(input: SignInRefusedInput): string {
  const base = `/interaction/${encodeURIComponent(input.uid)}`;
  const body = `<h1>You cannot sign in to ${esc(input.worldName)} right now</h1>
<p class="error" role="alert">${esc(input.worldName)} decided a ${esc(label(input.statement.sanction.type))} of your account there${input.statement.sanction.endsAt ? ` until ${esc(input.statement.sanction.endsAt)}` : ''}. This applies in ${esc(input.worldName)} only; your other worlds are not affected and do not learn of it.</p>
<h2>Statement of reasons</h2>
${statementHtml(input.statement)}
<p><a href="/account">Open your mvid account to appeal</a>.</p>
<form method="post" action="${esc(base)}/abort">
<input type="hidden" name="csrf" value="${esc(input.csrf)}">
<button type="submit">Return to ${esc(input.worldName)}</button>
</form>`;
  return page({ title: 'Sign-in refused', nonce: input.nonce, body });
}

export interface AccountModerationInput {
  csrf: string;
  worlds: Array<{
    worldId: string;
    worldName: string;
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

/** The account page's moderation section: per world, the standing, the trust level and why, decisions and the appeal form. */
export function accountModerationHtml(input: AccountModerationInput): string {
  if (input.worlds.length === 0) return '';
  const worlds = input.worlds
    .map((w) => {
      const decisions = w.decisions
        .map((d) => {
          const appeal = d.appeal
            ? `<p>Your appeal: <strong>${esc(d.appeal.status)}</strong>${d.appeal.reasons ? ` — ${esc(d.appeal.reasons)}` : ''}</p>`
            : d.appealable
              ? `<form method="post" action="/account/moderation/decisions/${esc(encodeURIComponent(d.id))}/appeal"><input type="hidden" name="csrf" value="${esc(input.csrf)}"><label for="appeal-${esc(d.id)}">Why the decision is wrong</label><br><textarea id="appeal-${esc(d.id)}" name="text" rows="3" cols="50" maxlength="4000" required></textarea><br><button type="submit">Appeal to ${esc(w.worldName)}</button></form>`
              : '<p>The appeal window has closed.</p>';
          return `<details><summary>${esc(label(d.statement.sanction.type))} — ${esc(d.statement.decidedAt)}</summary>${statementHtml(d.statement)}${appeal}</details>`;
        })
        .join('');
      return `<h3>${esc(w.worldName)}</h3>
<p><a href="/moderation/report/${esc(encodeURIComponent(w.worldId))}">Report someone in ${esc(w.worldName)}</a></p>
<p>Standing: <strong>${esc(label(w.state))}</strong>. Trust level: <strong>${esc(w.trust.level)}</strong>, because: ${esc(w.trust.reasons.join('; '))}.</p>
${decisions}`;
    })
    .join('\n');
  return `<h2>Moderation</h2>
<p>Each world judges conduct under its own rules; what one world decides holds there only and no other world learns of it.</p>
${worlds}`;
}

export interface ReportPageInput {
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
  const result = input.result
    ? 'reportId' in input.result
      ? `<p role="status">Report filed (${esc(input.result.reportId)}). You will see the outcome on your account page.</p>`
      : `<p class="error" role="alert">${esc(input.result.error)}</p>`
    : '';
  const rules = input.world.rules.map((r) => `<option value="${esc(r.category)}">${esc(r.category)} — ${esc(r.text)}</option>`).join('');
  const body = `<h1>Report someone in ${esc(input.world.name)}</h1>
${result}
<p>${esc(input.world.name)}'s moderators decide under its published rules. They see your pseudonym in ${esc(input.world.name)}, never who you are; the person you report is not told who reported them.</p>
<form id="report" method="post" action="/moderation/report/${esc(encodeURIComponent(input.world.id))}" data-api="${esc(api)}" data-csrf="${esc(input.csrf)}">
<input type="hidden" name="csrf" value="${esc(input.csrf)}">
<p><label for="subject">Their handle (or pseudonym) in ${esc(input.world.name)}</label><br><input id="subject" name="subject" required maxlength="128"></p>
<p><label for="category">Rule broken</label><br><select id="category" name="category" required>${rules}</select></p>
<p><label for="text">What happened</label><br><textarea id="text" name="text" rows="5" cols="50" required maxlength="4000"></textarea></p>
<p><label for="occurredAt">When (optional)</label><br><input id="occurredAt" name="occurredAt" type="datetime-local"></p>
<p><label for="location">Where in the world (optional)</label><br><input id="location" name="location" maxlength="200"></p>
<p><label for="evidence">Screenshots, logs or short clips (optional)</label><br><input id="evidence" type="file" multiple accept="image/png,image/jpeg,image/webp,image/gif,text/plain,video/mp4,video/webm"></p>
<button class="primary" type="submit">File the report</button>
</form>
<p id="status" role="status" aria-live="polite"></p>
<p><a href="/account">Back to your account</a></p>`;
  return page({ title: `Report in ${input.world.name}`, nonce: input.nonce, body, script: REPORT_SCRIPT });
}

/** Uploads each chosen file as evidence, then files the report citing their hashes (same-origin, CSRF header). */
const REPORT_SCRIPT = `
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
`;
