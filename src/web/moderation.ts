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
