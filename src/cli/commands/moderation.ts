/**
 * `mvid moderation …`: an operator's view of moderation inside each world — roles, the
 * case queue, a person's sanction state, the world's policy, statistics (JSON or CSV)
 * and the expiry sweep. Persons are named by the world's pseudonym or their handle there.
 */
import type { Command } from 'commander';
import { systemClock, systemRandom } from '../../core/index.ts';
import { loadKeys } from '../../keys/index.ts';
import {
  MODERATION_ROLES,
  type ModerationRole,
  type ModerationService,
  type ModerationSettings,
  statisticsCsv,
} from '../../moderation/index.ts';
import { buildWorldsAndModeration } from '../../server/index.ts';
import { type CliIo, UsageError } from '../io.ts';
import { withRegistry } from './registry-context.ts';

async function withModeration<T>(io: CliIo, work: (moderation: ModerationService) => Promise<T>): Promise<T> {
  return withRegistry(io, async ({ config, store, registry, keyDir }) => {
    const keys = loadKeys(keyDir);
    return work(buildWorldsAndModeration(config, store, keys, systemClock, systemRandom, registry).moderation);
  });
}

function roleOf(value: string): ModerationRole {
  if (!(MODERATION_ROLES as readonly string[]).includes(value)) throw new UsageError(`--role is one of ${MODERATION_ROLES.join(', ')}`);
  return value as ModerationRole;
}

function days(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n)) throw new UsageError(`${flag} takes a whole number of days`);
  return n;
}

const json = (io: CliIo, value: unknown) => io.out(JSON.stringify(value, null, 2));

export function registerModerationCommands(program: Command, io: CliIo): void {
  const moderation = program.command('moderation').description('moderation inside each world: roles, queue, sanctions, policy, statistics');

  moderation
    .command('grant <world> <subject>')
    .description('appoint a moderator (or, with --role trusted_flagger, a trusted flagger) of a world, by pseudonym or handle')
    .option('--role <role>', 'moderator or trusted_flagger', 'moderator')
    .action((world: string, subject: string, options: { role: string }) =>
      withModeration(io, async (m) => {
        const granted = await m.roles.grant(world, subject, roleOf(options.role));
        io.out(`${granted.role} ${granted.subject} in ${world}`);
      }),
    );

  moderation
    .command('revoke <world> <subject>')
    .description('withdraw a role')
    .option('--role <role>', 'moderator or trusted_flagger', 'moderator')
    .action((world: string, subject: string, options: { role: string }) =>
      withModeration(io, async (m) => {
        await m.roles.revoke(world, subject, roleOf(options.role));
        io.out(`revoked ${options.role} of ${subject} in ${world}`);
      }),
    );

  moderation
    .command('roles <world>')
    .description("a world's moderators and trusted flaggers (JSON)")
    .action((world: string) => withModeration(io, async (m) => json(io, await m.roles.list(world))));

  moderation
    .command('queue <world>')
    .description('open cases, by priority then age (JSON)')
    .option('--sort <order>', 'priority or age', 'priority')
    .option('--decided', 'decided cases instead of open ones')
    .action((world: string, options: { sort: string; decided?: boolean }) =>
      withModeration(io, async (m) => {
        if (options.sort !== 'priority' && options.sort !== 'age') throw new UsageError('--sort is priority or age');
        json(io, await m.cases.queue(world, { sort: options.sort, status: options.decided ? 'decided' : 'open' }));
      }),
    );

  moderation
    .command('sanctions <world> <subject>')
    .description("a person's sanction state in a world (JSON)")
    .action((world: string, subject: string) => withModeration(io, async (m) => json(io, await m.sanctionState(world, subject))));

  moderation
    .command('policy <world>')
    .description("show or set a world's appeal window and repeat-offender policy")
    .option('--appeal-window-days <days>', 'days after a decision during which the person may appeal (14–3650)')
    .option('--repeat-threshold <n>', 'sanctions within the window after which the next is escalated')
    .option('--repeat-window-days <days>', 'the repeat-offender window')
    .option('--escalate-to <sanction>', 'suspension or ban')
    .option('--escalated-suspension-days <days>', 'length of an escalated suspension')
    .option('--dispute-settlement <text>', 'the out-of-court dispute settlement body named in every statement of reasons')
    .action(
      (
        world: string,
        o: {
          appealWindowDays?: string;
          repeatThreshold?: string;
          repeatWindowDays?: string;
          escalateTo?: string;
          escalatedSuspensionDays?: string;
          disputeSettlement?: string;
        },
      ) =>
        withModeration(io, async (m) => {
          const current = await m.settings.of(world);
          const patch: Partial<ModerationSettings> = {};
          const window = days(o.appealWindowDays, '--appeal-window-days');
          if (window !== undefined) patch.appealWindowDays = window;
          if (o.disputeSettlement !== undefined) patch.disputeSettlement = o.disputeSettlement;
          if (o.repeatThreshold || o.repeatWindowDays || o.escalateTo || o.escalatedSuspensionDays) {
            if (o.escalateTo !== undefined && o.escalateTo !== 'suspension' && o.escalateTo !== 'ban')
              throw new UsageError('--escalate-to is suspension or ban');
            patch.repeatOffender = {
              threshold: days(o.repeatThreshold, '--repeat-threshold') ?? current.repeatOffender.threshold,
              windowDays: days(o.repeatWindowDays, '--repeat-window-days') ?? current.repeatOffender.windowDays,
              escalateTo: (o.escalateTo as 'suspension' | 'ban' | undefined) ?? current.repeatOffender.escalateTo,
              suspensionDays: days(o.escalatedSuspensionDays, '--escalated-suspension-days') ?? current.repeatOffender.suspensionDays,
            };
          }
          json(io, Object.keys(patch).length ? await m.settings.update(world, patch) : current);
        }),
    );

  moderation
    .command('stats <world>')
    .description("a world's moderation statistics, without personal data (JSON, or CSV with --csv)")
    .option('--csv', 'section,key,value lines')
    .action((world: string, options: { csv?: boolean }) =>
      withModeration(io, async (m) => {
        const stats = await m.statistics(world);
        if (options.csv) io.out(statisticsCsv(stats).trimEnd());
        else json(io, stats);
      }),
    );

  moderation
    .command('sweep')
    .description('record sanctions that have ended (enforcement already follows the clock)')
    .action(() => withModeration(io, async (m) => io.out(`expired ${await m.sweep()} sanction(s)`)));
}
