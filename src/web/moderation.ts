/** Moderation pages: sign-in refused by a sanction (quoting the statement of reasons), and the person's standing. */
import { html, type SafeHtml, unsafeRaw } from './html.ts';
import { page } from './layout.ts';
import type { TrustReason } from '../moderation/index.ts';
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

/** A sanction type or standing by its stable name, in the reader's language (the name itself when unknown). */
export function sanctionLabel(t: Translator, type: string): string {
  return t.m.moderationTerms.sanction[type] ?? type.replaceAll('_', ' ');
}
/** A standing: `none` means no sanction is in force. */
const standing = (t: Translator, state: string) => (state === 'none' ? t.m.moderationTerms.goodStanding : sanctionLabel(t, state));
const termOf = (t: Translator, table: 'trustLevel' | 'appealStatus', value: string) => t.m.moderationTerms[table][value] ?? value;

/** A trust reason (src/moderation's TrustReason) in the reader's language. */
function trustReason(t: Translator, r: TrustReason): string {
  const m = t.m.trustReasons;
  switch (r.kind) {
    case 'in_force':
      return m.inForce(sanctionLabel(t, r.sanction), r.until ? t.when(r.until) : undefined);
    case 'not_signed_in':
      return m.notSignedIn;
    case 'days':
      return m.days(r.days);
    case 'shares':
      return r.claims.length === 0
        ? m.sharesNothing
        : m.shares(r.claims.length, t.list(r.claims.map((c) => (t.m.claims as Record<string, { label: string }>)[c]?.label ?? c)));
    case 'sanctions':
      return r.total === 0 ? m.noSanctions : m.sanctions(r.total, r.recent);
  }
}

/**
 * What the world wrote (rule, facts, redress) stays in the world's own words, whose language
 * mvid does not know: a page in another language says so once, above the statement.
 */
function worldsWords(t: Translator): SafeHtml | undefined {
  return t.m.statement.worldsWords ? html`<p><small>${t.m.statement.worldsWords}</small></p>` : undefined;
}

/** The statement of reasons as a definition list (DSA Art. 17(3)), its frame in the reader's language. */
export function statementHtml(t: Translator, s: StatementForPage): SafeHtml {
  const m = t.m.statement;
  const term = s.sanction.endsAt ? m.until(t.when(s.sanction.endsAt)) : s.sanction.type === 'ban' ? m.withoutEnd : m.noEnd;
  const features = s.sanction.features.length > 0 ? t.list(s.sanction.features) : undefined;
  return html`${worldsWords(t)}<dl>
<dt>${m.decision}</dt><dd>${m.decided(sanctionLabel(t, s.sanction.type), s.world.name, t.when(s.sanction.startsAt), term, features)}</dd>
<dt>${m.rule}</dt><dd><strong>${s.rule.category}</strong>: ${s.rule.text}</dd>
<dt>${m.facts}</dt><dd>${s.facts}</dd>
<dt>${m.automated}</dt><dd>${m.automatedValues(s.automated.detection, s.automated.decision)}</dd>
<dt>${m.appeal}</dt><dd>${m.appealUntil(t.when(s.redress.appeal.until))} ${m.appealHow(s.redress.appeal.how, s.world.name)}</dd>
${s.redress.disputeSettlement && html`<dt>${m.disputeSettlement}</dt><dd>${s.redress.disputeSettlement}</dd>`}
<dt>${m.courts}</dt><dd>${m.judicial(s.redress.judicial)}</dd>
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
  const { t } = input;
  const m = t.m.signInRefused;
  const base = `/interaction/${encodeURIComponent(input.uid)}`;
  const ends = input.statement.sanction.endsAt;
  const body = html`<h1>${m.heading(input.worldName)}</h1>
<p class="error" role="alert">${m.explain(input.worldName, sanctionLabel(t, input.statement.sanction.type), ends ? t.when(ends) : undefined)}</p>
<h2>${m.statement}</h2>
${statementHtml(t, input.statement)}
<p>${m.appeal}</p>
<form method="post" action="${base}/abort">
<input type="hidden" name="csrf" value="${input.csrf}">
<button type="submit">${m.back(input.worldName)}</button>
</form>`;
  return page({ t, title: m.title, nonce: input.nonce, body });
}

export interface AccountModerationInput {
  t: Translator;
  csrf: string;
  worlds: Array<{
    worldId: string;
    worldName: string;
    /** Whether the person moderates this world (a link to its moderator console). */
    moderator?: boolean;
    state: string;
    trust: { level: string; reasons: string[]; why?: TrustReason[] };
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

function decisionHtml(t: Translator, d: AccountModerationWorld['decisions'][number], worldName: string, csrf: string): SafeHtml {
  const m = t.m.accountModeration;
  const appeal = d.appeal
    ? html`<p>${m.yourAppeal(termOf(t, 'appealStatus', d.appeal.status), d.appeal.reasons)}</p>`
    : d.appealable
      ? html`<form method="post" action="/account/moderation/decisions/${encodeURIComponent(d.id)}/appeal"><input type="hidden" name="csrf" value="${csrf}"><label for="appeal-${d.id}">${m.whyWrong}</label><br><textarea id="appeal-${d.id}" name="text" rows="3" cols="50" maxlength="4000" required></textarea><br><button type="submit">${m.appealTo(worldName)}</button></form>`
      : html`<p>${m.windowClosed}</p>`;
  return html`<details><summary>${sanctionLabel(t, d.statement.sanction.type)} — ${t.when(d.statement.decidedAt)}</summary>${statementHtml(t, d.statement)}${appeal}</details>`;
}

/** The account page's moderation section: per world, the standing, the trust level and why, decisions and the appeal form. */
export function accountModerationHtml(input: AccountModerationInput): SafeHtml {
  if (input.worlds.length === 0) return html``;
  const { t } = input;
  const m = t.m.accountModeration;
  const worlds = input.worlds.map((w) => {
    // Worded here from the reasons as data; the English sentences only when the data is missing.
    const reasons = w.trust.why ? w.trust.why.map((r) => trustReason(t, r)) : w.trust.reasons;
    return html`<h3>${w.worldName}</h3>
<p><a href="/moderation/report/${encodeURIComponent(w.worldId)}">${m.report(w.worldName)}</a></p>
${w.moderator && html`<p><a class="button primary" href="/moderation/console/${encodeURIComponent(w.worldId)}">${m.console(w.worldName)}</a></p>`}
<p>${m.standing(standing(t, w.state), termOf(t, 'trustLevel', w.trust.level), reasons.join('; '))}</p>
${w.decisions.map((d) => decisionHtml(t, d, w.worldName, input.csrf))}
`;
  });
  return html`<section aria-labelledby="my-moderation"><h2 id="my-moderation">${m.heading}</h2>
<p>${m.intro}</p>
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
 * screenshots, logs or clips uploaded first and cited by hash. The script's messages are
 * data attributes of the form.
 */
export function renderReportPage(input: ReportPageInput): string {
  const { t } = input;
  const m = t.m.report;
  const api = `/moderation/v1/worlds/${encodeURIComponent(input.world.id)}`;
  const name = input.world.name;
  const result = input.result
    ? 'reportId' in input.result
      ? html`<p role="status">${m.filed(input.result.reportId)}</p>`
      : html`<p class="error" role="alert">${input.result.error}</p>`
    : undefined;
  const rules = input.world.rules.map((r) => html`<option value="${r.category}">${r.category} — ${r.text}</option>`);
  const body = html`<h1>${m.heading(name)}</h1>
${result}
<p>${m.intro(name)}</p>
<form id="report" method="post" action="/moderation/report/${encodeURIComponent(input.world.id)}" data-api="${api}" data-csrf="${input.csrf}" data-msg-sending="${m.sending}" data-msg-filed="${m.filed('{id}')}" data-msg-failed="${m.notFiled}">
<input type="hidden" name="csrf" value="${input.csrf}">
<p><label for="subject">${m.subject(name)}</label><br><input id="subject" name="subject" required maxlength="128"></p>
<p><label for="category">${m.rule}</label><br><select id="category" name="category" required>${rules}</select></p>
<p><label for="text">${m.text}</label><br><textarea id="text" name="text" rows="5" cols="50" required maxlength="4000"></textarea></p>
<p><label for="occurredAt">${m.when}</label><br><input id="occurredAt" name="occurredAt" type="datetime-local"></p>
<p><label for="location">${m.where}</label><br><input id="location" name="location" maxlength="200"></p>
<p><label for="evidence">${m.evidence}</label><br><input id="evidence" type="file" multiple accept="image/png,image/jpeg,image/webp,image/gif,text/plain,video/mp4,video/webm"></p>
<button class="primary" type="submit">${m.submit}</button>
</form>
<p id="status" role="status" aria-live="polite"></p>
<p><a href="/account">${t.m.common.backToAccount}</a></p>`;
  return page({ t, title: m.title(name), nonce: input.nonce, body, script: REPORT_SCRIPT });
}

/** Uploads each chosen file as evidence, then files the report citing their hashes (same-origin, CSRF header). */
const REPORT_SCRIPT = unsafeRaw(`
(function(){
  var form = document.getElementById('report');
  var status = document.getElementById('status');
  if (!form || !window.fetch) return;
  var api = form.getAttribute('data-api');
  var csrf = form.getAttribute('data-csrf');
  function msg(name) { return form.getAttribute('data-msg-' + name) || ''; }
  function send(url, body, type) {
    return fetch(url, { method: 'POST', credentials: 'same-origin', headers: { 'content-type': type, 'x-csrf-token': csrf }, body: body })
      .then(function (r) { return r.json().then(function (j) { if (!r.ok) throw new Error(j.detail || String(r.status)); return j; }); });
  }
  form.addEventListener('submit', function (event) {
    event.preventDefault();
    status.textContent = msg('sending');
    var files = Array.prototype.slice.call(document.getElementById('evidence').files || []);
    Promise.all(files.map(function (f) { return send(api + '/evidence', f, f.type || 'application/octet-stream'); }))
      .then(function (uploaded) {
        var report = { subject: form.subject.value, category: form.category.value, text: form.text.value, evidence: uploaded.map(function (u) { return u.sha256; }) };
        if (form.occurredAt.value) report.occurredAt = new Date(form.occurredAt.value).toISOString();
        if (form.location.value) report.location = form.location.value;
        return send(api + '/reports', JSON.stringify(report), 'application/json');
      })
      .then(function (filed) { status.textContent = msg('filed').replace('{id}', filed.reportId); form.reset(); })
      .catch(function (error) { status.textContent = msg('failed') + ' ' + error.message; });
  });
})();
`);
