/**
 * The `mvid` command line. Exit codes: 0 ok, 1 failure, 2 usage.
 */
import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { isMvidError } from '../core/index.ts';
import { registerAuthorityCommands } from './commands/authority.ts';
import { registerCoreCommands } from './commands/core.ts';
import { registerCredentialsCommands } from './commands/credentials.ts';
import { registerDemoCommand } from './commands/demo.ts';
import { registerLogCommands } from './commands/log.ts';
import { registerModerationCommands } from './commands/moderation.ts';
import { registerRegistryCommands } from './commands/registry.ts';
import { registerTagServiceCommand } from './commands/tag-service.ts';
import { registerTrusteeDkgCommands } from './commands/trustee-dkg.ts';
import { registerTrusteeReviewCommands } from './commands/trustee-review.ts';
import { registerWitnessCommands } from './commands/witness.ts';
import { registerWorldsCommands } from './commands/worlds.ts';
import { type CliIo, EXIT_FAILURE, EXIT_OK, EXIT_USAGE, processIo, UsageError } from './io.ts';

const VERSION = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

export function buildProgram(io: CliIo): Command {
  const program = new Command('mvid')
    .description('mvid — one verifiable identity per person across virtual worlds, unlinkable by default')
    .version(VERSION, '-V, --version', 'print the version')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s) });
  registerCoreCommands(program, io);
  registerRegistryCommands(program, io);
  registerLogCommands(program, io);
  registerWitnessCommands(program, io);
  registerWorldsCommands(program, io);
  registerModerationCommands(program, io);
  registerCredentialsCommands(program, io);
  registerAuthorityCommands(program, io);
  registerTrusteeReviewCommands(program, io);
  registerTrusteeDkgCommands(program, io);
  registerTagServiceCommand(program, io);
  registerDemoCommand(program, io);
  for (const command of program.commands) command.exitOverride();
  return program;
}

export async function runCli(argv: string[], io: CliIo = processIo): Promise<number> {
  const program = buildProgram(io);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return EXIT_OK;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help') return EXIT_OK;
      return error.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
    }
    if (error instanceof UsageError) {
      io.err(`mvid: ${error.message}`);
      return EXIT_USAGE;
    }
    if (isMvidError(error)) {
      io.err(`mvid: ${error.message} [${error.code}]`);
      return EXIT_FAILURE;
    }
    io.err(`mvid: ${(error as Error)?.stack ?? String(error)}`);
    return EXIT_FAILURE;
  }
}
