/**
 * `mvid log verify` and `mvid log inclusion`: a monitor of any mvid log, over its public
 * HTTP API (src/tlog's monitor). The state (pinned key, last verified checkpoint and the
 * tree frontier) lives in a directory of its own, one file per log.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { MvidError, systemClock } from '../../core/index.ts';
import { logPrefixOf, type MonitorOptions, type MonitorState, proveInclusion, verifyLog } from '../../tlog/index.ts';
import { type CliIo, UsageError } from '../io.ts';
import { collect } from './registry-context.ts';

interface MonitorFlags {
  url: string;
  stateDir?: string;
  key?: string;
  witness: string[];
  witnessThreshold?: string;
}

function stateDirOf(io: CliIo, flags: MonitorFlags): string {
  if (flags.stateDir !== undefined) return resolve(io.cwd, flags.stateDir);
  const base = io.env.XDG_STATE_HOME ?? join(io.env.HOME ?? io.cwd, '.local', 'state');
  return join(base, 'mvid', 'monitor');
}

/** One state file per log prefix, named after it so a person can tell them apart. */
function stateFileOf(dir: string, url: string): string {
  const name = logPrefixOf(url)
    .replace(/^https?:\/\//, '')
    .replace(/[^A-Za-z0-9.-]+/g, '_');
  return join(dir, `${name}.json`);
}

function readState(path: string): MonitorState | null {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new UsageError(`cannot read monitor state ${path}: ${(error as Error).message}`);
  }
  const state = JSON.parse(text) as MonitorState;
  if (state?.version !== 1 || typeof state.vkey !== 'string' || typeof state.size !== 'string') {
    throw new UsageError(`${path} is not a monitor state file`);
  }
  return state;
}

function writeState(path: string, state: MonitorState): void {
  mkdirSync(join(path, '..'), { recursive: true, mode: 0o700 });
  writeFileSync(`${path}.tmp`, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
  renameSync(`${path}.tmp`, path);
}

function monitorOptions(io: CliIo, flags: MonitorFlags, state: MonitorState | null): MonitorOptions {
  if (!/^https?:\/\//.test(flags.url)) throw new UsageError('--url must be an http(s) URL');
  const threshold = flags.witnessThreshold === undefined ? undefined : Number(flags.witnessThreshold);
  if (threshold !== undefined && (!Number.isInteger(threshold) || threshold < 1 || threshold > flags.witness.length)) {
    throw new UsageError('--witness-threshold must be between 1 and the number of --witness keys');
  }
  return {
    url: flags.url,
    fetch,
    clock: systemClock,
    state,
    ...(flags.key === undefined ? {} : { key: flags.key }),
    witnesses: flags.witness,
    ...(threshold === undefined ? {} : { witnessThreshold: threshold }),
    notice: (message) => io.err(`mvid: ${message}`),
  };
}

/** Keeps both signed notes of a split view next to the state: together they prove the log forked. */
function keepEvidence(io: CliIo, statePath: string, error: unknown): void {
  if (!(error instanceof MvidError) || error.code !== 'tlog_split_view') return;
  const { seen, conflicting } = error.extensions as { seen?: string; conflicting?: string };
  const path = `${statePath.replace(/\.json$/, '')}.split-view-${new Date().toISOString().replace(/[:.]/g, '-')}.txt`;
  writeFileSync(path, `verified earlier:\n${seen ?? ''}\nserved now:\n${conflicting ?? ''}`, { mode: 0o600 });
  io.err(`mvid: both signed checkpoints were saved to ${path}`);
}

function addMonitorFlags(command: Command): Command {
  return command
    .requiredOption('--url <base>', 'the mvid base URL (the log is under <base>/log)')
    .option('--state-dir <dir>', 'where the pinned key and last verified checkpoint are kept (default ~/.local/state/mvid/monitor)')
    .option('--key <vkey>', "the log's verifier key (default: the pinned one, or the served one on first use)")
    .option('--witness <vkey>', 'a witness cosignature key (repeatable)', collect, [])
    .option('--witness-threshold <k>', 'how many of the witnesses must have cosigned (default: all)');
}

export function registerLogCommands(program: Command, io: CliIo): void {
  const log = program.command('log').description('monitor a transparency log: verify it, prove an entry is in it');

  addMonitorFlags(log.command('verify'))
    .description('verify the checkpoint signature, consistency with the last run, and every new entry; exit 1 on a split view')
    .action(async (flags: MonitorFlags) => {
      const statePath = stateFileOf(stateDirOf(io, flags), flags.url);
      const state = readState(statePath);
      const options = monitorOptions(io, flags, state);
      let lastReport = 0n;
      options.progress = (verified, total) => {
        if (verified - lastReport >= 256n || verified === total) io.err(`mvid: checked ${verified}/${total} entries`);
        lastReport = verified;
      };
      try {
        const result = await verifyLog(options);
        writeState(statePath, result.state);
        const { checkpoint } = result;
        io.out(
          `verified ${checkpoint.origin} at size ${checkpoint.size} (root ${Buffer.from(checkpoint.root).toString('base64')}): ` +
            `${result.verifiedEntries} new entries, ${result.cosignatures} witness cosignatures${result.stale ? ', served checkpoint was stale' : ''}`,
        );
      } catch (error) {
        keepEvidence(io, statePath, error);
        throw error;
      }
    });

  addMonitorFlags(log.command('inclusion'))
    .description('prove that the entry in a file is in the log, against a verified checkpoint')
    .requiredOption('--entry-file <file>', 'the exact entry bytes')
    .action(async (flags: MonitorFlags & { entryFile: string }) => {
      let entry: Uint8Array;
      try {
        entry = new Uint8Array(readFileSync(resolve(io.cwd, flags.entryFile)));
      } catch (error) {
        throw new UsageError(`cannot read ${flags.entryFile}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
      }
      const statePath = stateFileOf(stateDirOf(io, flags), flags.url);
      const { index, checkpoint, leafHash } = await proveInclusion({ ...monitorOptions(io, flags, readState(statePath)), entry });
      io.out(`entry ${Buffer.from(leafHash).toString('base64url')} is entry ${index} of ${checkpoint.origin} at size ${checkpoint.size}`);
    });
}
