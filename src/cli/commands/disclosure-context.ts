/**
 * What the disclosure commands share: the administrator's side opens the database
 * (like the registry commands); the authority's and trustee's sides only talk HTTP,
 * with their secrets in files of their own (0600), never on the command line.
 */
import { chmodSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { MvidError, systemClock, systemRandom } from '../../core/index.ts';
import { createDisclosure, type DisclosureLog, type DisclosureService } from '../../disclosure/index.ts';
import { registryEscrowDirectory } from '../../server/index.ts';
import { type CliIo, UsageError } from '../io.ts';
import { readSecretFile, withRegistry } from './registry-context.ts';

const NO_LOG: DisclosureLog = {
  origin: 'unused',
  verifierKey: 'unused',
  enqueue: async () => {
    throw new MvidError('internal_error', 'administration commands write no disclosure log entries');
  },
  integrate: async () => {},
  indexOf: async () => undefined,
  checkpoint: async () => {
    throw new MvidError('internal_error', 'no log here');
  },
  inclusionProof: async () => [],
  consistencyProof: async () => [],
  entries: async () => [],
};

/** Runs `work` with the disclosure services an administrator needs (authorities, trustee tokens). */
export function withDisclosureAdmin<T>(io: CliIo, work: (d: DisclosureService) => Promise<T>): Promise<T> {
  return withRegistry(io, ({ registry, store }) =>
    work(
      createDisclosure({
        store,
        clock: systemClock,
        random: systemRandom,
        log: NO_LOG,
        resolver: { pseudonymKey: 'unused', resolve: async () => undefined },
        escrow: registryEscrowDirectory(store, registry, NO_LOG),
      }),
    ),
  );
}

/** A bearer token from `--token-file`, else the named environment variable. */
export function tokenOf(io: CliIo, file: string | undefined, env: string): string {
  const token = file === undefined ? io.env[env] : readSecretFile(io, file);
  if (token === undefined || token === '') throw new UsageError(`give the API token with --token-file FILE or ${env}`);
  return token;
}

/** Writes a private file atomically (a crash leaves the old one), readable by its owner only. */
export function writePrivateJson(io: CliIo, path: string, value: unknown): void {
  const target = resolve(io.cwd, path);
  writeFileSync(`${target}.tmp`, `${JSON.stringify(value, null, 2)}\n`, { mode: 0o600 });
  chmodSync(`${target}.tmp`, 0o600);
  renameSync(`${target}.tmp`, target);
}

export function readJson<T>(io: CliIo, path: string, what: string): T {
  try {
    return JSON.parse(readFileSync(resolve(io.cwd, path), 'utf8')) as T;
  } catch (error) {
    throw new UsageError(`cannot read ${what} ${path}: ${(error as Error).message}`);
  }
}

export function requireUrl(url: string | undefined): string {
  if (url === undefined || !/^https?:\/\/[^/\s]+/.test(url)) throw new UsageError('--url must be the mvid service URL (http or https)');
  return url;
}

export function print(io: CliIo, value: unknown): void {
  io.out(JSON.stringify(value, null, 2));
}
