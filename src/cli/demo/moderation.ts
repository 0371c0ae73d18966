/**
 * The moderation chapter of the Tom story, over HTTP as a world, its moderators and its
 * members would call it: Alice reports Tom in Plaza with a screenshot; a moderator
 * suspends him for 7 days with a statement of reasons; Tom is refused at sign-in with that
 * statement; his recovered account is still suspended in Plaza and free in another world;
 * his appeal is heard by another moderator, who reverses; he signs in again; Plaza's
 * statistics count it.
 */
import { randomBytes } from 'node:crypto';
import { Browser, walkSignIn, walkSignInPages } from './browser.ts';
import type { SoftwareAuthenticator } from './authenticator.ts';

/** A 1×1 PNG: the screenshot Alice attaches. */
const SCREENSHOT = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  'base64',
);

export interface ChapterPerson {
  name: string;
  sessionToken: string;
  passkey: SoftwareAuthenticator;
}

export interface ModerationChapter {
  url: string;
  run: string;
  plaza: { name: string; clientId: string; clientSecret: string; redirectUri: string };
  alice: ChapterPerson;
  tom: ChapterPerson;
  step: <T>(narration: string, run: (check: (ok: unknown, why: string) => void) => Promise<[T, string]>) => Promise<T>;
  /** Enrols a helper person (a moderator) with a passkey; returns their session. */
  enrolHelper(name: string): Promise<ChapterPerson>;
  /** Recovers Tom's account with a fresh PID, a new holder key and a new passkey; returns the new session. */
  recoverTom(): Promise<ChapterPerson>;
  /** Registers another world (for "free elsewhere"). */
  registerWorld(name: string): Promise<{ clientId: string; redirectUri: string }>;
  json<T>(response: Response, expected: number, what: string): Promise<T>;
}

const FACTS =
  'On the Plaza fountain Tom told other players that Alice steals from their builds, and repeated it after being asked to stop; the screenshot shows the chat.';

function authorizeUrl(url: string, world: { clientId: string; redirectUri: string }, scope: string): string {
  const u = new URL(`${url}/oidc/auth`);
  const challenge = randomBytes(32).toString('base64url');
  for (const [k, v] of Object.entries({
    client_id: world.clientId,
    redirect_uri: world.redirectUri,
    response_type: 'code',
    scope,
    code_challenge: challenge,
    code_challenge_method: 'S256',
    state: randomBytes(8).toString('base64url'),
  }))
    u.searchParams.set(k, v);
  return u.href;
}

export async function tellModeration(c: ModerationChapter): Promise<{ tom: ChapterPerson }> {
  const { url, plaza, step, json } = c;
  const api = `${url}/moderation/v1/worlds/${plaza.clientId}`;
  const bearer = (p: ChapterPerson, type = 'application/json') => ({ authorization: `Bearer ${p.sessionToken}`, 'content-type': type });
  const asWorld = {
    authorization: `Basic ${Buffer.from(`${encodeURIComponent(plaza.clientId)}:${encodeURIComponent(plaza.clientSecret)}`).toString('base64')}`,
    'content-type': 'application/json',
  };
  const tomHandle = `tom${c.run}`;

  const [mira, max] = await step(
    'Plaza appoints two moderators, Mira and Max (each enrolled with mvid and named by handle in Plaza).',
    async () => {
      const mods: ChapterPerson[] = [];
      for (const name of ['Mira', 'Max']) {
        const mod = await c.enrolHelper(name);
        await json(
          await fetch(`${url}/worlds/v1/me/worlds/${plaza.clientId}/handle`, {
            method: 'PUT',
            headers: bearer(mod),
            body: JSON.stringify({ handle: `${name.toLowerCase()}${c.run}` }),
          }),
          200,
          'handle',
        );
        await json(
          await fetch(`${api}/roles`, {
            method: 'PUT',
            headers: asWorld,
            body: JSON.stringify({ subject: `${name.toLowerCase()}${c.run}`, role: 'moderator' }),
          }),
          200,
          'moderator role',
        );
        mods.push(mod);
      }
      return [mods as [ChapterPerson, ChapterPerson], 'two moderators of Plaza — of Plaza only'];
    },
  );

  const reportId = await step(`Alice reports Tom ("${tomHandle}") in Plaza for harassment, with a screenshot.`, async (check) => {
    const evidence = await json<{ sha256: string }>(
      await fetch(`${api}/evidence`, { method: 'POST', headers: bearer(c.alice, 'image/png'), body: SCREENSHOT }),
      201,
      'evidence upload',
    );
    const filed = await json<{ reportId: string; caseId?: string }>(
      await fetch(`${api}/reports`, {
        method: 'POST',
        headers: bearer(c.alice),
        body: JSON.stringify({
          subject: tomHandle,
          category: 'harassment',
          text: 'Tom keeps telling everyone I steal builds.',
          evidence: [evidence.sha256],
        }),
      }),
      201,
      'report',
    );
    check(filed.caseId === undefined, 'the reporter was shown the case id');
    return [filed.reportId, `report ${filed.reportId}; the screenshot is stored by its SHA-256 ${evidence.sha256.slice(0, 12)}…`];
  });

  const decisionId = await step(
    'Mira takes the case from the queue and suspends Tom in Plaza for 7 days, with a statement of reasons.',
    async (check) => {
      const queue = await json<{ cases: Array<{ id: string }> }>(await fetch(`${api}/cases`, { headers: bearer(mira) }), 200, 'queue');
      const caseId = queue.cases[0]?.id;
      check(caseId, 'the queue is empty');
      const decided = await json<{
        decisionId: string;
        statement: {
          rule: { category: string };
          redress: { appeal: { until: string } };
          transparencyDatabase: { decision_account: string };
        };
      }>(
        await fetch(`${api}/cases/${caseId}/decision`, {
          method: 'POST',
          headers: bearer(mira),
          body: JSON.stringify({ facts: FACTS, sanction: { type: 'suspension', durationDays: 7 } }),
        }),
        201,
        'decision',
      );
      check(
        decided.statement.transparencyDatabase.decision_account === 'DECISION_ACCOUNT_SUSPENDED',
        'the statement is not shaped for the DSA database',
      );
      return [
        decided.decisionId,
        `rule "${decided.statement.rule.category}", facts, no automated means, appeal until ${decided.statement.redress.appeal.until.slice(0, 10)}`,
      ];
    },
  );

  await step('Alice learns the outcome of her report (not the case file).', async (check) => {
    const view = await json<{ outcome: { decision: string } | null }>(
      await fetch(`${api}/reports/${reportId}`, { headers: bearer(c.alice) }),
      200,
      'report',
    );
    check(view.outcome?.decision === 'action_taken', `the outcome is ${JSON.stringify(view.outcome)}`);
    return [undefined, 'action taken'];
  });

  await step('Tom tries to sign in to Plaza.', async (check) => {
    const end = await walkSignInPages(url, new Browser(url), c.tom.passkey, authorizeUrl(url, plaza, 'openid handle'));
    check(end.kind === 'page' && end.status === 403 && end.html.includes('Statement of reasons'), 'Tom was let in');
    return [undefined, 'refused, on a page quoting the statement of reasons and how to appeal'];
  });

  const tom = await step(
    'Tom recovers his account (a new national-ID presentation, new keys, a new device) to shed the suspension.',
    async (check) => {
      const recovered = await c.recoverTom();
      const end = await walkSignInPages(url, new Browser(url), recovered.passkey, authorizeUrl(url, plaza, 'openid handle'));
      check(end.kind === 'page' && end.status === 403, 'the recovered account got into Plaza');
      return [recovered, 'still suspended in Plaza: recovery keeps the person, so the pseudonym and the sanction stay'];
    },
  );

  await step('Tom signs in to another world, Harbor: Plaza’s sanction is Plaza’s alone.', async (check) => {
    const harbor = await c.registerWorld(`Harbor${c.run ? ` ${c.run}` : ''}`);
    const back = await walkSignIn(url, new Browser(url), tom.passkey, authorizeUrl(url, harbor, 'openid'));
    check(back.searchParams.get('code'), `Harbor got ${back.href}`);
    return [undefined, 'Harbor signs him in and learns nothing of Plaza'];
  });

  await step('Tom appeals; Mira may not hear her own case; Max reverses with reasons; Tom signs in to Plaza again.', async (check) => {
    const appeal = await json<{ appealId: string }>(
      await fetch(`${url}/moderation/v1/me/decisions/${decisionId}/appeal`, {
        method: 'POST',
        headers: bearer(tom),
        body: JSON.stringify({ text: 'I was quoting a joke from the stage show; I never said Alice steals.' }),
      }),
      201,
      'appeal',
    );
    const decide = (mod: ChapterPerson, outcome: string) =>
      fetch(`${api}/appeals/${appeal.appealId}/decision`, {
        method: 'POST',
        headers: bearer(mod),
        body: JSON.stringify({ outcome, reasons: 'The recording shows Tom quoting a performer; no rumour was spread.' }),
      });
    const own = await decide(mira, 'uphold');
    check(own.status === 403, `Mira deciding her own appeal answered ${own.status}`);
    await json(await decide(max, 'reverse'), 200, 'appeal decision');
    const back = await walkSignIn(url, new Browser(url), tom.passkey, authorizeUrl(url, plaza, 'openid handle'));
    check(back.searchParams.get('code'), 'Tom is still refused');
    return [undefined, 'reversed; the suspension is lifted at once and Tom is back in Plaza'];
  });

  await step('Plaza’s moderation statistics count it — without naming anyone.', async (check) => {
    const s = await json<{ reports: { total: number }; decisions: { total: number }; appeals: { reversed: number } }>(
      await fetch(`${api}/statistics`),
      200,
      'statistics',
    );
    check(s.reports.total === 1 && s.decisions.total === 1 && s.appeals.reversed === 1, `statistics ${JSON.stringify(s)}`);
    return [undefined, '1 report, 1 decision (a suspension), 1 appeal reversed — also on /transparency'];
  });
  return { tom };
}
