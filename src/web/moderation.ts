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
<p>Standing: <strong>${esc(label(w.state))}</strong>. Trust level: <strong>${esc(w.trust.level)}</strong>, because: ${esc(w.trust.reasons.join('; '))}.</p>
${decisions}`;
    })
    .join('\n');
  return `<h2>Moderation</h2>
<p>Each world judges conduct under its own rules; what one world decides holds there only and no other world learns of it.</p>
${worlds}`;
}
