/**
 * The key directory `<data dir>/keys/` (0700, files 0600): a node's local copy of the
 * deployment's keys. Without a key-encryption key it is where the keys live (the database
 * keeps only their fingerprints); with one it is optional and, if present, must agree with
 * the database. Files are created with `wx` and never overwritten.
 */
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { type Clock, MvidError, type Random, systemClock, systemRandom } from '../core/index.ts';
import { isKeyName, type KeyMaterials, LOG_KEY_NAME, missingKeys, newTokenKey, serviceKeysOf, TOKEN_KEY_DIR } from './material.ts';
import type { ServiceKeys } from './types.ts';

export function keyDirOf(dataDir: string): string {
  return join(dataDir, 'keys');
}

export function keyDirExists(dir: string): boolean {
  return existsSync(join(dir, LOG_KEY_NAME));
}

function ensureDir(dir: string): void {
  mkdirSync(join(dir, TOKEN_KEY_DIR), { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
  chmodSync(join(dir, TOKEN_KEY_DIR), 0o700);
}

/** Writes the keys `dir` lacks (0600, `wx`); returns the paths written. An existing file is never replaced. */
export function writeKeyDir(dir: string, materials: KeyMaterials): string[] {
  ensureDir(dir);
  const written: string[] = [];
  for (const [name, text] of materials) {
    if (!isKeyName(name)) throw new MvidError('keys_missing', `${JSON.stringify(name)} is not a key name`);
    const path = join(dir, name);
    if (existsSync(path)) continue;
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    writeFileSync(path, text, { mode: 0o600, flag: 'wx' });
    chmodSync(path, 0o600);
    written.push(path);
  }
  return written;
}

function readKeyFile(path: string): string {
  const mode = statSync(path).mode & 0o077;
  if (mode !== 0) throw new MvidError('keys_missing', `key file ${path} is readable by others (chmod 600 it)`);
  return readFileSync(path, 'utf8');
}

/** Every key file in `dir` (an empty map when there is no directory); refuses files others can read. */
export function readKeyDir(dir: string): KeyMaterials {
  const out: KeyMaterials = new Map();
  if (!existsSync(dir)) return out;
  for (const entry of readdirSync(dir)) {
    if (isKeyName(entry)) out.set(entry, readKeyFile(join(dir, entry)));
  }
  const tokenDir = join(dir, TOKEN_KEY_DIR);
  if (existsSync(tokenDir)) {
    for (const entry of readdirSync(tokenDir)) {
      const name = `${TOKEN_KEY_DIR}/${entry}`;
      if (isKeyName(name)) out.set(name, readKeyFile(join(tokenDir, entry)));
    }
  }
  return out;
}

export interface InitKeyDirResult {
  dir: string;
  created: string[];
}

/** Creates the key directory and every missing key; existing keys are left alone. */
export function initKeyDir(dir: string, clock: Clock = systemClock, random: Random = systemRandom): InitKeyDirResult {
  return { dir, created: writeKeyDir(dir, missingKeys(readKeyDir(dir), clock, random)) };
}

/**
 * Adds a new active token-signing key to a key directory alone. A deployment keeps its
 * keys in the database too: use `rotateServiceTokenKey` (what `mvid keys rotate` does).
 */
export function rotateTokenKey(dir: string, clock: Clock = systemClock, random: Random = systemRandom): string {
  const [name, text] = newTokenKey(clock, random);
  return writeKeyDir(dir, new Map([[name, text]]))[0] as string;
}

/** Loads every key of a key directory; throws `keys_missing` naming the first missing or unsafe file. */
export function loadKeys(dir: string): ServiceKeys {
  return serviceKeysOf(readKeyDir(dir), `the key directory ${dir}`);
}
