/** What the registry commands share: opening the registry from config, reading files and secrets. */
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { resolve } from 'node:path';
import { Writable } from 'node:stream';
import { type Config, loadConfig, storeLocationOf } from '../../config/index.ts';
import { systemClock, systemRandom } from '../../core/index.ts';
import { keyDirOf } from '../../keys/index.ts';
import { DEV_ISSUER_KEY_FILE, type DevIssuerKey, devIssuerKeyOf, type Registry } from '../../registry/index.ts';
import { buildRegistry, openServiceKeys } from '../../server/index.ts';
import { openStore, type Store } from '../../store/index.ts';
import { type CliIo, UsageError } from '../io.ts';

export interface RegistryContext {
  config: Config;
  registry: Registry;
  store: Store;
  keyDir: string;
  /** The development PID issuer key (development mode only). */
  devIssuerKey: DevIssuerKey | undefined;
}

/** Opens (and migrates) the configured database, runs `work` with the registry, closes. */
export async function withRegistry<T>(io: CliIo, work: (ctx: RegistryContext) => Promise<T>): Promise<T> {
  const config = loadConfig({ env: io.env, cwd: io.cwd });
  const keyDir = keyDirOf(config.dataDir);
  const store = openStore(storeLocationOf(config));
  try {
    await store.migrate();
    // The keys must exist already (`mvid init`): a typo in MVID_DATA_DIR must not mint fresh secrets.
    const { keys, materials } = await openServiceKeys(config, store, { clock: systemClock, random: systemRandom, create: false });
    const registry = buildRegistry(config, store, keys, systemClock, systemRandom);
    const dev = materials.get(DEV_ISSUER_KEY_FILE);
    return await work({ config, registry, store, keyDir, devIssuerKey: dev === undefined ? undefined : devIssuerKeyOf(dev) });
  } finally {
    await store.close();
  }
}

/** Reads and parses a JSON file named on the command line; a missing or broken file is a usage error. */
export function readJsonFile(io: CliIo, path: string, what: string): unknown {
  let text: string;
  try {
    text = readFileSync(resolve(io.cwd, path), 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read ${what} ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new UsageError(`${what} ${path} is not valid JSON`);
  }
}

/** Reads a secret file's first line (trailing newline and spaces removed). */
export function readSecretFile(io: CliIo, path: string): string {
  try {
    return (readFileSync(resolve(io.cwd, path), 'utf8').split(/\r?\n/)[0] ?? '').trimEnd();
  } catch (error) {
    throw new UsageError(`cannot read passphrase file ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}

/** Whether an interactive prompt is possible: only in a real terminal, never in tests or pipes. */
export function canPrompt(io: CliIo): boolean {
  return io.env === process.env && process.stdin.isTTY === true && process.stderr.isTTY === true;
}

/** Asks for a secret on the terminal without echoing it. */
export async function promptHidden(question: string): Promise<string> {
  let muted = false;
  const output = new Writable({
    write(chunk, encoding, done) {
      if (!muted) process.stderr.write(chunk, encoding);
      done();
    },
  });
  const rl = createInterface({ input: process.stdin, output, terminal: true });
  try {
    process.stderr.write(question);
    muted = true;
    return await new Promise<string>((resolvePrompt) => rl.question('', resolvePrompt));
  } finally {
    muted = false;
    rl.close();
    process.stderr.write('\n');
  }
}

/** `alice` → `MVID_TRUSTEE_PASSPHRASE_ALICE` (`.` and `-` become `_`). */
export function passphraseEnvName(trustee: string): string {
  return `MVID_TRUSTEE_PASSPHRASE_${trustee.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
}

/** Collects a repeatable option into an array. */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}
