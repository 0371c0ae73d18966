/** `mvid moderation …` on both engines, against the database a running mvid uses: what the CLI sets, the API sees. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { runCli } from '../src/cli/main.ts';
import { captureIo } from './support/cli.ts';
import { ENGINES } from './support/engines.ts';
import { asPerson, asWorld, type ModerationStory, startModerationStory } from './support/moderation.ts';

for (const engine of ENGINES) {
  describe(`moderation CLI on ${engine}`, () => {
    let story: ModerationStory;
    const run = async (args: string[]) => {
      const db = story.rt.database;
      const io = captureIo({
        MVID_DATA_DIR: db.dataDir,
        MVID_PUBLIC_URL: story.rt.url,
        ...(db.location.engine === 'postgres' ? { MVID_DATABASE_URL: db.location.url } : {}),
      });
      const code = await runCli(['moderation', ...args], io);
      return { code, out: io.stdout, err: io.stderr };
    };

    before(async () => {
      story = await startModerationStory(engine);
    });
    after(async () => story.rt.stop());

    it('grants and lists roles, sets the policy, shows the queue, a sanction state and the statistics', async () => {
      const w = story.moonbase.id;
      const granted = await run(['grant', w, 'Tom', '--role', 'trusted_flagger']);
      assert.equal(granted.code, 0, granted.err);
      const roles = JSON.parse((await run(['roles', w])).out) as Array<{ role: string }>;
      assert.deepEqual(roles.map((r) => r.role).sort(), ['moderator', 'moderator', 'trusted_flagger']);
      const filed = await asPerson(story, story.tom, 'POST', `/moderation/v1/worlds/${w}/reports`, {
        subject: 'Max',
        category: 'griefing',
        text: 'Max broke my tower.',
      });
      assert.equal(filed.json().priority, 10, 'the role the CLI granted counts');
      const queue = JSON.parse((await run(['queue', w])).out) as Array<{ priority: number }>;
      assert.equal(queue[0]?.priority, 10);
      const policy = await run(['policy', w, '--appeal-window-days', '30', '--repeat-threshold', '2', '--escalate-to', 'ban']);
      assert.equal(policy.code, 0, policy.err);
      const settings = await asWorld(story, story.moonbase, 'GET', `/moderation/v1/worlds/${w}/settings`);
      assert.equal(settings.json().appealWindowDays, 30);
      assert.deepEqual((settings.json().repeatOffender as { threshold: number; escalateTo: string }).escalateTo, 'ban');
      const state = JSON.parse((await run(['sanctions', w, 'Max'])).out) as { state: string };
      assert.equal(state.state, 'none');
      const csv = await run(['stats', w, '--csv']);
      assert.match(csv.out, /reports,total,1/);
      assert.equal((await run(['sweep'])).out.trim(), 'expired 0 sanction(s)');
    });

    it('refuses bad input with a usage error or the domain’s code', async () => {
      assert.equal((await run(['grant', story.moonbase.id, 'Tom', '--role', 'admin'])).code, 2);
      const unknown = await run(['sanctions', story.moonbase.id, 'Nobody']);
      assert.equal(unknown.code, 1);
      assert.match(unknown.err, /moderation_subject_unknown/);
      const window = await run(['policy', story.moonbase.id, '--appeal-window-days', '3']);
      assert.equal(window.code, 1);
      assert.match(window.err, /validation_failed/);
    });
  });
}
