/**
 * The moderator console of one world: the case queue (filters, assignment to oneself),
 * the case file (pseudonymous reports, evidence previews, internal notes, the decision
 * form for a DSA Art. 17 statement of reasons), the appeals queue with its decision form,
 * and the world's statistics. Server-rendered; every form is a plain POST with the
 * session's CSRF token, so the console works without script.
 */
import type { CaseFile } from '../moderation/index.ts';
import { barChart } from './charts.ts';
import { html, type SafeHtml } from './html.ts';
import { page } from './layout.ts';
import { sanctionLabel, type StatementForPage, statementHtml } from './moderation.ts';
import type { Translator } from './i18n/index.ts';

/** Image types a browser may show inline from the evidence route (recorded at upload, sniffed then). */
const INLINE_IMAGE_TYPES: ReadonlySet<string> = new Set(['image/png', 'image/jpeg', 'image/webp', 'image/gif']);

/** Whether evidence of this recorded content type is shown inline as an image (else offered as a download). */
export function inlineEvidence(contentType: string): boolean {
  return INLINE_IMAGE_TYPES.has(contentType);
}
const SANCTIONS = ['none', 'warning', 'mute', 'feature_restriction', 'suspension', 'ban'] as const;

const enc = encodeURIComponent;

export interface ConsoleWorld {
  id: string;
  name: string;
}

interface ConsoleBase {
  t: Translator;
  nonce: string;
  csrf: string;
  world: ConsoleWorld;
  /** A human message after a refused form (the domain's reason). */
  error?: string;
}

const base = (w: ConsoleWorld) => `/moderation/console/${enc(w.id)}`;

function consoleNav(t: Translator, w: ConsoleWorld): SafeHtml {
  const m = t.m.moderationConsole;
  const b = base(w);
  return html`<nav aria-label="${m.nav}"><p><a href="${b}">${m.queue}</a> · <a href="${`${b}/appeals`}">${m.appeals}</a> · <a href="${`${b}/statistics`}">${m.statistics}</a> · <a href="/account">${t.m.common.yourAccount}</a></p></nav>`;
}

function errorHtml(error: string | undefined): SafeHtml | undefined {
  return error === undefined ? undefined : html`<p class="error" role="alert">${error}</p>`;
}

function consolePage(title: string, input: ConsoleBase, body: SafeHtml): string {
  return page({
    t: input.t,
    title: `${title} — ${input.world.name}`,
    nonce: input.nonce,
    body: html`${consoleNav(input.t, input.world)}<h1>${input.t.m.moderationConsole.titled(title, input.world.name)}</h1>${errorHtml(input.error)}${body}`,
  });
}

function option(value: string, text: string, selected: string | undefined): SafeHtml {
  return value === selected ? html`<option value="${value}" selected>${text}</option>` : html`<option value="${value}">${text}</option>`;
}

export interface QueueCase {
  id: string;
  subject: string;
  category: string;
  priority: number;
  status: string;
  assignedTo: string | null;
  /** Assigned to the moderator looking at the page. */
  mine: boolean;
  reports: number;
  openedAt: string;
}

export interface ModerationQueueInput extends ConsoleBase {
  filters: { status: 'open' | 'decided'; sort: 'priority' | 'age'; category?: string };
  categories: string[];
  cases: QueueCase[];
}

export function renderModerationQueue(input: ModerationQueueInput): string {
  const { t } = input;
  const m = t.m.moderationConsole;
  const b = base(input.world);
  const f = input.filters;
  const rows = input.cases.map((c) => {
    const assignee = c.mine ? m.you : (c.assignedTo ?? m.nobody);
    const assign =
      f.status === 'open' && !c.mine
        ? html`<form class="inline" method="post" action="${`${b}/cases/${enc(c.id)}/assign`}"><input type="hidden" name="csrf" value="${input.csrf}"><button type="submit">${m.assignToMe}</button></form>`
        : undefined;
    return html`<tr><td><a href="${`${b}/cases/${enc(c.id)}`}">${c.category}</a>${c.priority > 0 && html` <strong>${m.trustedFlagger}</strong>`}</td><td>${t.number(c.reports)}</td><td>${t.when(c.openedAt)}</td><td>${assignee} ${assign}</td></tr>`;
  });
  const body = html`<form method="get" action="${b}" class="row">
<p><label for="status">${m.status}</label> <select id="status" name="status">${option('open', m.open, f.status)}${option('decided', m.decided, f.status)}</select>
<label for="category">${m.rule}</label> <select id="category" name="category">${option('', m.allRules, f.category ?? '')}${input.categories.map((c) => option(c, c, f.category))}</select>
<label for="sort">${m.order}</label> <select id="sort" name="sort">${option('priority', m.byPriority, f.sort)}${option('age', m.byAge, f.sort)}</select>
<button type="submit">${m.show}</button></p></form>
${
  input.cases.length === 0
    ? html`<p>${m.noCases}</p>`
    : html`<div class="scroll" tabindex="0" role="region" aria-label="${m.cases}"><table><caption>${m.cases}</caption><thead><tr><th scope="col">${m.rule}</th><th scope="col">${m.reports}</th><th scope="col">${m.opened}</th><th scope="col">${m.assignedTo}</th></tr></thead><tbody>${rows}</tbody></table></div>`
}`;
  return consolePage(m.queueTitle, input, body);
}

export interface CaseEvidence {
  sha256: string;
  contentType: string;
  size: number;
  /** Shown inline as an image: only when `inlineEvidence(contentType)` said so. */
  inline: boolean;
}

export interface ModerationCaseInput extends ConsoleBase {
  case: QueueCase & {
    reportList: Array<Omit<CaseFile['reportList'][number], 'evidence' | 'priority' | 'id'> & { evidence: CaseEvidence[] }>;
    notes: CaseFile['notes'];
    decisions: Array<{ id: string; moderator: string; statement: StatementForPage; appeal: { status: string } | null }>;
  };
  rules: Array<{ category: string; text: string }>;
  /** The case is open: it can be assigned and decided. */
  open: boolean;
}

/** Evidence is served by the moderation API's evidence route (recorded type, nosniff, sandboxed, integrity-checked). */
function evidenceHtml(t: Translator, worldId: string, caseId: string, e: CaseEvidence): SafeHtml {
  const m = t.m.moderationConsole;
  const url = `/moderation/v1/worlds/${enc(worldId)}/cases/${enc(caseId)}/evidence/${enc(e.sha256)}`;
  const name = m.evidenceName(e.contentType, e.size, e.sha256.slice(0, 12));
  return e.inline
    ? html`<li><img src="${url}" alt="${m.evidenceImage(name)}" width="300"><br><a href="${url}" download>${m.download}</a> (${name})</li>`
    : html`<li><a href="${url}" download>${m.downloadEvidence}</a> (${name})</li>`;
}

export function renderModerationCase(input: ModerationCaseInput): string {
  const { t } = input;
  const m = t.m.moderationConsole;
  const b = base(input.world);
  const c = input.case;
  const api = `${b}/cases/${enc(c.id)}`;
  const csrf = html`<input type="hidden" name="csrf" value="${input.csrf}">`;
  const reports = c.reportList.map(
    (r) => html`<article class="world"><h3>${m.reportOf(t.when(r.createdAt))}</h3>
<p>${m.reportFrom(r.reporter ?? m.theWorldVia(r.channel), r.occurredAt ? t.when(r.occurredAt) : undefined, r.location)}</p>
<p>${r.text}</p>
${r.evidence.length > 0 && html`<ul class="plain">${r.evidence.map((e) => evidenceHtml(t, input.world.id, c.id, e))}</ul>`}</article>`,
  );
  const notes = c.notes.map((n) => html`<li>${t.when(n.createdAt)} — ${n.author ?? m.theWorld}: ${n.text}</li>`);
  const decisions = c.decisions.map(
    (d) =>
      html`<details open><summary>${m.decisionBy(d.moderator, d.appeal ? (t.m.moderationTerms.appealStatus[d.appeal.status] ?? d.appeal.status) : undefined)}</summary>${statementHtml(t, d.statement)}</details>`,
  );
  const rules = input.rules.map((r) => option(r.category, `${r.category} — ${r.text}`, c.category));
  const decide = input.open
    ? html`<h2>${m.decide}</h2>
<p>${m.decideIntro(input.world.name)}</p>
<form method="post" action="${`${api}/decision`}">${csrf}
<div class="field"><label for="facts">${m.facts}</label><textarea id="facts" name="facts" rows="5" cols="40" maxlength="4000" required></textarea></div>
<div class="field"><label for="rule">${m.ruleRelied(input.world.name)}</label><select id="rule" name="category">${rules}</select></div>
<div class="field"><label for="sanction">${m.sanction}</label><select id="sanction" name="sanction">${SANCTIONS.map((s) => option(s, sanctionLabel(t, s), 'warning'))}</select></div>
<div class="field"><label for="days">${m.days}</label><input id="days" name="durationDays" type="number" min="1" max="3650"></div>
<div class="field"><label for="features">${m.features}</label><input id="features" name="features" type="text" maxlength="300"></div>
<fieldset><legend>${m.automated}</legend>
<p><input id="auto-detection" type="checkbox" name="automatedDetection" value="yes"> <label for="auto-detection">${m.automatedDetection}</label></p>
<p><input id="auto-decision" type="checkbox" name="automatedDecision" value="yes"> <label for="auto-decision">${m.automatedDecision}</label></p></fieldset>
<button class="primary" type="submit">${m.decideSubmit}</button></form>`
    : undefined;
  const status = m.caseStatus[c.status] ?? c.status;
  const body = html`<p>${m.about(c.subject, input.world.name, c.category, status, t.when(c.openedAt), c.assignedTo ?? m.nobody)}</p>
${input.open && html`<form method="post" action="${`${api}/assign`}">${csrf}<button type="submit">${m.assignToMe}</button></form>`}
<h2>${m.reports}</h2>${reports}
<h2>${m.notes}</h2><p>${m.notesIntro(input.world.name)}</p>
${notes.length > 0 ? html`<ul>${notes}</ul>` : html`<p>${m.noNotes}</p>`}
<form method="post" action="${`${api}/notes`}">${csrf}<div class="field"><label for="note">${m.addNote}</label><textarea id="note" name="text" rows="3" cols="40" maxlength="4000" required></textarea></div><button type="submit">${m.addNoteSubmit}</button></form>
${decisions.length > 0 && html`<h2>${m.decisions}</h2>${decisions}`}
${decide}`;
  return consolePage(m.caseTitle, input, body);
}

export interface ModerationAppealsInput extends ConsoleBase {
  appeals: Array<{ id: string; caseId: string; subject: string; text: string; filedAt: string }>;
}

export function renderModerationAppeals(input: ModerationAppealsInput): string {
  const { t } = input;
  const m = t.m.moderationConsole;
  const b = base(input.world);
  const items = input.appeals.map(
    (a) => html`<article class="world"><h2>${m.appealOf(t.when(a.filedAt), a.subject)}</h2>
<p><a href="${`${b}/cases/${enc(a.caseId)}`}">${m.appealCase}</a></p>
<p>${a.text}</p>
<form method="post" action="${`${b}/appeals/${enc(a.id)}/decision`}"><input type="hidden" name="csrf" value="${input.csrf}">
<fieldset><legend>${m.outcome}</legend>
<p><input type="radio" id="${`up-${a.id}`}" name="outcome" value="uphold" required> <label for="${`up-${a.id}`}">${m.uphold}</label></p>
<p><input type="radio" id="${`rev-${a.id}`}" name="outcome" value="reverse"> <label for="${`rev-${a.id}`}">${m.reverse}</label></p></fieldset>
<div class="field"><label for="${`reasons-${a.id}`}">${m.reasons}</label><textarea id="${`reasons-${a.id}`}" name="reasons" rows="3" cols="40" minlength="10" maxlength="4000" required></textarea></div>
<button class="primary" type="submit">${m.decideAppeal}</button></form></article>`,
  );
  const body = html`<p>${m.appealsIntro}</p>
${items.length > 0 ? items : html`<p>${m.noAppeals}</p>`}`;
  return consolePage(m.appealsTitle, input, body);
}

export interface ModerationWorldStatisticsInput {
  t: Translator;
  nonce: string;
  world: ConsoleWorld;
  statistics: {
    reports: { total: number; fromTrustedFlaggers: number; byCategory: Record<string, number> };
    decisions: { total: number; bySanction: Record<string, number>; automated: number };
    sanctions: { inForce: number };
    appeals: { filed: number; open: number; upheld: number; reversed: number };
  };
}

export function renderModerationStatistics(input: ModerationWorldStatisticsInput): string {
  const { t } = input;
  const m = t.m.moderationConsole;
  const s = input.statistics;
  const api = `/moderation/v1/worlds/${enc(input.world.id)}/statistics`;
  const byRule = Object.entries(s.reports.byCategory).map(([label, value]) => ({ label, value }));
  const bySanction = Object.entries(s.decisions.bySanction).map(([k, value]) => ({ label: sanctionLabel(t, k), value }));
  const summary = m.summary(
    {
      reports: s.reports.total,
      trusted: s.reports.fromTrustedFlaggers,
      decisions: s.decisions.total,
      automated: s.decisions.automated,
      inForce: s.sanctions.inForce,
    },
    s.appeals,
  );
  const body = html`<p>${summary}</p>
${barChart(t, m.reportsByRule, [m.rule, m.reports], byRule)}
${barChart(t, m.decisionsBySanction, [m.sanction, m.decisions], bySanction)}
<p>${m.json(api)} <a href="${`/moderation/console/${enc(input.world.id)}/statistics.csv`}" download>CSV</a></p>`;
  return consolePage(m.statisticsTitle, { t, nonce: input.nonce, csrf: '', world: input.world }, body);
}
