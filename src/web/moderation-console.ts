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
import { type StatementForPage, statementHtml } from './moderation.ts';
import type { Translator } from './i18n/index.ts';

/** Image types a browser may show inline from the evidence route (recorded at upload, sniffed then). */
const INLINE_IMAGE_TYPES: ReadonlySet<string> = new Set(['image/png', 'image/jpeg', 'image/webp', 'image/gif']);

/** Whether evidence of this recorded content type is shown inline as an image (else offered as a download). */
export function inlineEvidence(contentType: string): boolean {
  return INLINE_IMAGE_TYPES.has(contentType);
}
const SANCTIONS = ['none', 'warning', 'mute', 'feature_restriction', 'suspension', 'ban'] as const;

const label = (type: string) => type.replaceAll('_', ' ');
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

function consoleNav(w: ConsoleWorld): SafeHtml {
  const b = base(w);
  return html`<nav aria-label="Moderator console"><p><a href="${b}">Queue</a> · <a href="${`${b}/appeals`}">Appeals</a> · <a href="${`${b}/statistics`}">Statistics</a> · <a href="/account">Your account</a></p></nav>`;
}

function errorHtml(error: string | undefined): SafeHtml | undefined {
  return error === undefined ? undefined : html`<p class="error" role="alert">${error}</p>`;
}

function consolePage(title: string, input: ConsoleBase, body: SafeHtml): string {
  return page({
    t: input.t,
    title: `${title} — ${input.world.name}`,
    nonce: input.nonce,
    body: html`${consoleNav(input.world)}<h1>${title}: ${input.world.name}</h1>${errorHtml(input.error)}${body}`,
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
  const b = base(input.world);
  const f = input.filters;
  const rows = input.cases.map((c) => {
    const assignee = c.mine ? 'you' : (c.assignedTo ?? 'nobody');
    const assign =
      f.status === 'open' && !c.mine
        ? html`<form class="inline" method="post" action="${`${b}/cases/${enc(c.id)}/assign`}"><input type="hidden" name="csrf" value="${input.csrf}"><button type="submit">Assign to me</button></form>`
        : undefined;
    return html`<tr><td><a href="${`${b}/cases/${enc(c.id)}`}">${c.category}</a>${c.priority > 0 && html` <strong>(trusted flagger)</strong>`}</td><td>${c.reports}</td><td>${c.openedAt}</td><td>${assignee} ${assign}</td></tr>`;
  });
  const body = html`<form method="get" action="${b}" class="row">
<p><label for="status">Status</label> <select id="status" name="status">${option('open', 'Open', f.status)}${option('decided', 'Decided', f.status)}</select>
<label for="category">Rule</label> <select id="category" name="category">${option('', 'All rules', f.category ?? '')}${input.categories.map((c) => option(c, c, f.category))}</select>
<label for="sort">Order</label> <select id="sort" name="sort">${option('priority', 'Priority, then oldest', f.sort)}${option('age', 'Oldest first', f.sort)}</select>
<button type="submit">Show</button></p></form>
${
  input.cases.length === 0
    ? html`<p>No cases match.</p>`
    : html`<div class="scroll" tabindex="0" role="region" aria-label="Cases"><table><caption>Cases</caption><thead><tr><th scope="col">Rule</th><th scope="col">Reports</th><th scope="col">Opened</th><th scope="col">Assigned to</th></tr></thead><tbody>${rows}</tbody></table></div>`
}`;
  return consolePage('Moderation queue', input, body);
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
function evidenceHtml(worldId: string, caseId: string, e: CaseEvidence): SafeHtml {
  const url = `/moderation/v1/worlds/${enc(worldId)}/cases/${enc(caseId)}/evidence/${enc(e.sha256)}`;
  const name = `${e.contentType}, ${e.size} bytes, sha256 ${e.sha256.slice(0, 12)}…`;
  return e.inline
    ? html`<li><img src="${url}" alt="${`Evidence image (${name})`}" width="300"><br><a href="${url}" download>Download</a> (${name})</li>`
    : html`<li><a href="${url}" download>Download evidence</a> (${name})</li>`;
}

export function renderModerationCase(input: ModerationCaseInput): string {
  const b = base(input.world);
  const c = input.case;
  const api = `${b}/cases/${enc(c.id)}`;
  const csrf = html`<input type="hidden" name="csrf" value="${input.csrf}">`;
  const reports = c.reportList.map(
    (r) => html`<article class="world"><h3>Report of ${r.createdAt}</h3>
<p>From: ${r.reporter ?? `the world (${r.channel})`}${r.occurredAt && html`. When: ${r.occurredAt}`}${r.location && html`. Where: ${r.location}`}</p>
<p>${r.text}</p>
${r.evidence.length > 0 && html`<ul class="plain">${r.evidence.map((e) => evidenceHtml(input.world.id, c.id, e))}</ul>`}</article>`,
  );
  const notes = c.notes.map((n) => html`<li>${n.createdAt} — ${n.author ?? 'the world'}: ${n.text}</li>`);
  const decisions = c.decisions.map(
    (d) =>
      html`<details open><summary>Decision by ${d.moderator}${d.appeal && html` — appeal ${d.appeal.status}`}</summary>${statementHtml(d.statement)}</details>`,
  );
  const rules = input.rules.map((r) => option(r.category, `${r.category} — ${r.text}`, c.category));
  const decide = input.open
    ? html`<h2>Decide</h2>
<p>Your decision is sent to the person as a statement of reasons (DSA Art. 17). The appeal window, dispute settlement and courts are added from ${input.world.name}'s policy.</p>
<form method="post" action="${`${api}/decision`}">${csrf}
<div class="field"><label for="facts">Facts and circumstances relied on</label><textarea id="facts" name="facts" rows="5" cols="40" maxlength="4000" required></textarea></div>
<div class="field"><label for="rule">Rule relied on (${input.world.name}'s published rules)</label><select id="rule" name="category">${rules}</select></div>
<div class="field"><label for="sanction">Sanction</label><select id="sanction" name="sanction">${SANCTIONS.map((s) => option(s, label(s), 'warning'))}</select></div>
<div class="field"><label for="days">Duration in days (mute, restriction, suspension; empty for none)</label><input id="days" name="durationDays" type="number" min="1" max="3650"></div>
<div class="field"><label for="features">Restricted features (comma-separated, for a feature restriction)</label><input id="features" name="features" type="text" maxlength="300"></div>
<fieldset><legend>Automated means</legend>
<p><input id="auto-detection" type="checkbox" name="automatedDetection" value="yes"> <label for="auto-detection">Detected by automated means</label></p>
<p><input id="auto-decision" type="checkbox" name="automatedDecision" value="yes"> <label for="auto-decision">Decided by automated means</label></p></fieldset>
<button class="primary" type="submit">Decide and notify</button></form>`
    : undefined;
  const body = html`<p>About <strong>${c.subject}</strong> (their pseudonym in ${input.world.name}) under <strong>${c.category}</strong>; ${c.status}, opened ${c.openedAt}, assigned to ${c.assignedTo ?? 'nobody'}.</p>
${input.open && html`<form method="post" action="${`${api}/assign`}">${csrf}<button type="submit">Assign to me</button></form>`}
<h2>Reports</h2>${reports}
<h2>Internal notes</h2><p>Seen by ${input.world.name}'s moderators only.</p>
${notes.length > 0 ? html`<ul>${notes}</ul>` : html`<p>No notes yet.</p>`}
<form method="post" action="${`${api}/notes`}">${csrf}<div class="field"><label for="note">Add a note</label><textarea id="note" name="text" rows="3" cols="40" maxlength="4000" required></textarea></div><button type="submit">Add note</button></form>
${decisions.length > 0 && html`<h2>Decisions</h2>${decisions}`}
${decide}`;
  return consolePage('Case', input, body);
}

export interface ModerationAppealsInput extends ConsoleBase {
  appeals: Array<{ id: string; caseId: string; subject: string; text: string; filedAt: string }>;
}

export function renderModerationAppeals(input: ModerationAppealsInput): string {
  const b = base(input.world);
  const items = input.appeals.map(
    (a) => html`<article class="world"><h2>Appeal of ${a.filedAt} by ${a.subject}</h2>
<p><a href="${`${b}/cases/${enc(a.caseId)}`}">The case and its decision</a></p>
<p>${a.text}</p>
<form method="post" action="${`${b}/appeals/${enc(a.id)}/decision`}"><input type="hidden" name="csrf" value="${input.csrf}">
<fieldset><legend>Outcome</legend>
<p><input type="radio" id="${`up-${a.id}`}" name="outcome" value="uphold" required> <label for="${`up-${a.id}`}">Uphold the decision</label></p>
<p><input type="radio" id="${`rev-${a.id}`}" name="outcome" value="reverse"> <label for="${`rev-${a.id}`}">Reverse it (lifts the sanction at once)</label></p></fieldset>
<div class="field"><label for="${`reasons-${a.id}`}">Reasons, sent to the person</label><textarea id="${`reasons-${a.id}`}" name="reasons" rows="3" cols="40" minlength="10" maxlength="4000" required></textarea></div>
<button class="primary" type="submit">Decide the appeal</button></form></article>`,
  );
  const body = html`<p>An appeal is decided by a moderator other than the one who took the decision.</p>
${items.length > 0 ? items : html`<p>No open appeals.</p>`}`;
  return consolePage('Appeals', input, body);
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

const points = (r: Record<string, number>) => Object.entries(r).map(([k, value]) => ({ label: label(k), value }));

export function renderModerationStatistics(input: ModerationWorldStatisticsInput): string {
  const s = input.statistics;
  const api = `/moderation/v1/worlds/${enc(input.world.id)}/statistics`;
  const body = html`<p>${s.reports.total} reports (${s.reports.fromTrustedFlaggers} from trusted flaggers), ${s.decisions.total} decisions (${s.decisions.automated} automated), ${s.sanctions.inForce} sanctions in force; appeals: ${s.appeals.filed} filed, ${s.appeals.open} open, ${s.appeals.upheld} upheld, ${s.appeals.reversed} reversed.</p>
${barChart('Reports by rule', ['Rule', 'Reports'], points(s.reports.byCategory))}
${barChart('Decisions by sanction', ['Sanction', 'Decisions'], points(s.decisions.bySanction))}
<p>The same figures, public and without personal data: <a href="${api}">JSON</a>, or as a spreadsheet: <a href="${`/moderation/console/${enc(input.world.id)}/statistics.csv`}" download>CSV</a>.</p>`;
  return consolePage('Statistics', { t: input.t, nonce: input.nonce, csrf: '', world: input.world }, body);
}
