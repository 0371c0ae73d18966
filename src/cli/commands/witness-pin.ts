/**
 * The witnesses a disclosure client (trustee or authority) pins: `--witness <vkey>`
 * (repeatable) and `--witness-threshold <k>`. In production (`MVID_MODE=production`)
 * pinning none is refused by the client (`witness_required`).
 */
import type { Command } from 'commander';
import { type CliIo, UsageError } from '../io.ts';
import { collect } from './registry-context.ts';

export interface WitnessFlags {
  witness?: string[];
  witnessThreshold?: string;
}

/** Adds the two options to `command`. */
export function witnessOptions(command: Command, what: string): Command {
  return command
    .option('--witness <vkey>', `a witness cosignature key to require on ${what} (repeatable; required in production)`, collect)
    .option('--witness-threshold <k>', 'how many of the --witness keys must have cosigned (default: all)');
}

/** The pinned witnesses (threshold: all of them unless given), and whether this is production. */
export function witnessPinOf(io: CliIo, flags: WitnessFlags): { witnesses?: { vkeys: string[]; threshold: number }; production: boolean } {
  const production = io.env.MVID_MODE === 'production';
  const vkeys = flags.witness ?? [];
  if (vkeys.length === 0) {
    if (flags.witnessThreshold !== undefined) throw new UsageError('--witness-threshold needs at least one --witness');
    return { production };
  }
  const threshold = flags.witnessThreshold === undefined ? vkeys.length : Number(flags.witnessThreshold);
  if (!Number.isInteger(threshold) || threshold < 1 || threshold > vkeys.length)
    throw new UsageError(`--witness-threshold is 1..${vkeys.length}`);
  return { witnesses: { vkeys, threshold }, production };
}
