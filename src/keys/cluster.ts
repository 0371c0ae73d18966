/**
 * The deployment's keys, shared by every node through the database (`service_keys`).
 *
 * The first node to start (under a database lock) records the keys: their fingerprints
 * always, and the keys themselves sealed with AES-256-GCM under the key-encryption key
 * (KEK) when the node has one. Every later node checks its own key directory, if it has
 * one, against the fingerprints and refuses to start on any difference; a node with the
 * KEK and no key directory loads the keys from the database. Nothing is ever replaced:
 * rows are only inserted, and a missing sealed copy is only filled in.
 */
import { type Clock, fromBase64Url, MvidError, type Random, toBase64Url, utf8 } from '../core/index.ts';
import { aesGcmOpen, aesGcmSeal, GCM_NONCE_BYTES } from '../crypto/index.ts';
import type { Store, Tx } from '../store/index.ts';
import { keyDirExists, readKeyDir, writeKeyDir } from './keydir.ts';
import { fingerprintOf, generateKeyMaterials, isKeyName, type KeyMaterials, missingKeys, newTokenKey, serviceKeysOf } from './material.ts';
import type { ServiceKeys } from './types.ts';

const LOCK = 'mvid:service-keys';
const SEALED_PREFIX = 'v1.';

/** Parses a 32-byte key-encryption key given as base64url, base64 or hex; `source` names where it came from. */
export function parseKeyEncryptionKey(text: string, source: string): Uint8Array {
  const value = text.trim();
  let bytes: Uint8Array | undefined;
  if (/^[0-9a-fA-F]{64}$/.test(value)) bytes = new Uint8Array(Buffer.from(value, 'hex'));
  else if (/^[A-Za-z0-9+/_-]{43}=?$/.test(value)) bytes = fromBase64Url(value.replace(/=$/, '').replaceAll('+', '-').replaceAll('/', '_'));
  if (bytes?.length !== 32) {
    throw new MvidError(
      'config_invalid',
      `${source} must be 32 random bytes as base64url, base64 or hex (e.g. \`openssl rand -base64 32\`)`,
    );
  }
  return bytes;
}

function aadOf(name: string): Uint8Array {
  return utf8(`mvid service key v1\0${name}`);
}

function seal(kek: Uint8Array, name: string, text: string, random: Random): string {
  const nonce = random.bytes(GCM_NONCE_BYTES);
  return `${SEALED_PREFIX}${toBase64Url(nonce)}.${toBase64Url(aesGcmSeal(kek, nonce, utf8(text), aadOf(name)))}`;
}

function open(kek: Uint8Array, name: string, sealed: string): string {
  const [nonce, body] = sealed.startsWith(SEALED_PREFIX) ? sealed.slice(SEALED_PREFIX.length).split('.') : [];
  const plain = nonce && body ? aesGcmOpen(kek, fromBase64Url(nonce), fromBase64Url(body), aadOf(name)) : undefined;
  if (!plain) {
    throw new MvidError(
      'keys_mismatch',
      `the key-encryption key does not open the deployment's key ${name}: this node's MVID_KEY_ENCRYPTION_KEY differs from the one the deployment was created with`,
    );
  }
  return new TextDecoder().decode(plain);
}

export interface ServiceKeyOptions {
  store: Store;
  /** This node's key directory (`<data dir>/keys`). */
  keyDir: string;
  /** The key-encryption key; without one the key directory holds the keys. */
  kek?: Uint8Array | undefined;
  clock: Clock;
  random: Random;
}

export interface EstablishOptions extends ServiceKeyOptions {
  /** Create the deployment's keys if nobody has (serve); commands that only use keys pass false. */
  create: boolean;
  /** Keys a deployment may lack, created on first need (the development PID issuer key): name → generator. */
  optional?: Record<string, () => string>;
}

export interface EstablishedKeys {
  keys: ServiceKeys;
  /** Every key by name, including the optional ones. */
  materials: KeyMaterials;
  /** Keys created by this call (names). */
  created: string[];
  /** Keys this node's key directory contributed to a deployment that had none (names). */
  imported: string[];
  /** Where the keys live: sealed in the database, or in the key directory. */
  source: 'database' | 'key-dir';
}

interface Row {
  name: string;
  fingerprint: string;
  sealed: string | null;
}

async function rowsOf(tx: Tx): Promise<Map<string, Row>> {
  const rows = await tx.selectFrom('service_keys').select(['name', 'fingerprint', 'sealed']).execute();
  return new Map(rows.map((r) => [r.name, r]));
}

async function insert(tx: Tx, opts: ServiceKeyOptions, materials: KeyMaterials): Promise<void> {
  if (materials.size === 0) return;
  const now = opts.clock.now().toISOString();
  await tx
    .insertInto('service_keys')
    .values(
      [...materials].map(([name, text]) => ({
        name,
        fingerprint: fingerprintOf(name, text),
        sealed: opts.kek ? seal(opts.kek, name, text, opts.random) : null,
        created_at: now,
      })),
    )
    .execute();
}

const HOW_TO_JOIN =
  'give every node the same MVID_KEY_ENCRYPTION_KEY (or MVID_KEY_ENCRYPTION_KEY_FILE), or copy the keys with `mvid keys export` and `mvid keys import`';

/** Checks a node's own keys against the deployment's recorded fingerprints. */
function checkLocal(local: KeyMaterials, recorded: Map<string, Row>, keyDir: string): void {
  for (const [name, text] of local) {
    const row = recorded.get(name);
    if (!row) {
      throw new MvidError(
        'keys_mismatch',
        `this node's keys differ from the deployment's: ${keyDir}/${name} is not one of the deployment's keys (recorded in the database by the first node). Remove this node's key directory and ${HOW_TO_JOIN}; nothing was changed`,
      );
    }
    if (row.fingerprint !== fingerprintOf(name, text)) {
      throw new MvidError(
        'keys_mismatch',
        `this node's keys differ from the deployment's: ${keyDir}/${name} is not the key the deployment uses (recorded in the database by the first node). Remove this node's key directory and ${HOW_TO_JOIN}; nothing was changed`,
      );
    }
  }
}

/** The recorded keys this node can read: sealed copies opened with the KEK, checked against their fingerprints. */
function openRecorded(recorded: Map<string, Row>, kek: Uint8Array | undefined): KeyMaterials {
  const out: KeyMaterials = new Map();
  if (!kek) return out;
  for (const row of recorded.values()) {
    if (row.sealed === null) continue;
    const text = open(kek, row.name, row.sealed);
    if (fingerprintOf(row.name, text) !== row.fingerprint) {
      throw new MvidError(
        'keys_mismatch',
        `the sealed copy of ${row.name} does not match its fingerprint: the service_keys table was altered`,
      );
    }
    out.set(row.name, text);
  }
  return out;
}

/**
 * The deployment's keys for this node, established under the key lock: recorded by the
 * first node, checked and loaded by every other. Throws `keys_mismatch` when this node's
 * keys (or KEK) differ from the deployment's, `keys_missing` when it cannot read them.
 */
export async function establishServiceKeys(opts: EstablishOptions): Promise<EstablishedKeys> {
  const { store, keyDir, kek } = opts;
  const result = await store.transaction(async (tx) => {
    await store.lock(tx, LOCK);
    const recorded = await rowsOf(tx);
    const local = keyDirExists(keyDir) ? readKeyDir(keyDir) : new Map<string, string>();
    const created: string[] = [];
    let imported: string[] = [];
    let materials: KeyMaterials;
    if (recorded.size === 0) {
      if (local.size > 0) {
        materials = local;
        imported = [...local.keys()];
      } else if (opts.create) {
        materials = generateKeyMaterials(opts.clock, opts.random);
        created.push(...materials.keys());
      } else {
        throw new MvidError('keys_missing', `this deployment has no keys yet: start \`mvid serve\` once (or run \`mvid init\`) first`);
      }
      await insert(tx, opts, materials);
    } else {
      checkLocal(local, recorded, keyDir);
      const opened = openRecorded(recorded, kek);
      materials = new Map([...opened, ...local]);
      const unreadable = [...recorded.keys()].filter((name) => !materials.has(name));
      if (unreadable.length > 0) {
        throw new MvidError(
          'keys_missing',
          local.size === 0 && !kek
            ? `this deployment's keys are recorded in the database but this node has neither them in ${keyDir} nor MVID_KEY_ENCRYPTION_KEY: ${HOW_TO_JOIN}`
            : `this node cannot read the deployment's keys ${unreadable.join(', ')}: they are neither in ${keyDir} nor sealed under a key-encryption key (${HOW_TO_JOIN})`,
        );
      }
      if (kek) {
        // A deployment that began without a KEK: seal the keys now (fills an empty column, replaces nothing).
        for (const row of recorded.values()) {
          if (row.sealed !== null) continue;
          await tx
            .updateTable('service_keys')
            .set({ sealed: seal(kek, row.name, materials.get(row.name) as string, opts.random) })
            .where('name', '=', row.name)
            .where('sealed', 'is', null)
            .execute();
        }
      }
    }
    // Keys this deployment lacks (added by a newer version) are created, never replaced.
    const extra: KeyMaterials = opts.create ? missingKeys(materials, opts.clock, opts.random) : new Map();
    for (const [name, generate] of Object.entries(opts.optional ?? {})) {
      if (!materials.has(name)) extra.set(name, generate());
    }
    await insert(tx, opts, extra);
    for (const [name, text] of extra) materials.set(name, text);
    created.push(...extra.keys());
    // Without a KEK the key directory is where the keys live: complete it before the commit.
    if (!kek) writeKeyDir(keyDir, materials);
    return { materials, created, imported };
  });
  const source = kek ? 'database' : 'key-dir';
  return {
    ...result,
    source,
    keys: serviceKeysOf(result.materials, source === 'database' ? 'the database' : `the key directory ${keyDir}`, opts.clock.now()),
  };
}

/**
 * Adds a new token-signing key to the deployment (and to this node's key directory when
 * the deployment keeps its keys there). Nodes publish it after their next restart and sign
 * with it once it is active: at once, or `activateAfterSeconds` later, so that every node
 * can publish it before any signs with it. The old keys stay published. Returns its name.
 */
/** What to do after a rotation, in the words `mvid keys rotate` prints and the operator console shows. */
export function rotationNotice(name: string, activateAfterSeconds: number): string {
  return activateAfterSeconds === 0
    ? `created ${name}; restart every node to sign with it`
    : `created ${name}; restart every node now to publish it, and again after ${activateAfterSeconds} s to sign with it`;
}

/** The longest `activateAfterSeconds` a rotation takes (30 days). */
export const MAX_ACTIVATE_AFTER_SECONDS = 30 * 86_400;

export async function rotateServiceTokenKey(opts: ServiceKeyOptions, activateAfterSeconds = 0): Promise<string> {
  const established = await establishServiceKeys({ ...opts, create: false });
  const now = opts.clock.now();
  const [name, text] = newTokenKey(
    opts.clock,
    opts.random,
    activateAfterSeconds > 0 ? new Date(now.getTime() + activateAfterSeconds * 1000) : undefined,
  );
  await opts.store.transaction(async (tx) => {
    await opts.store.lock(tx, LOCK);
    await insert(tx, opts, new Map([[name, text]]));
    if (established.source === 'key-dir') writeKeyDir(opts.keyDir, new Map([[name, text]]));
  });
  return name;
}

/**
 * Changes the key-encryption key: opens every key with the current KEK (`opts.kek`) and
 * seals it again under `newKek`, in one transaction under the key lock. Nodes running keep
 * their keys in memory; a node started afterwards needs the new KEK. Returns how many
 * keys were sealed again.
 */
export async function resealServiceKeys(opts: ServiceKeyOptions, newKek: Uint8Array): Promise<number> {
  if (!opts.kek)
    throw new MvidError('config_invalid', 'changing the key-encryption key needs the current one (MVID_KEY_ENCRYPTION_KEY or its _FILE)');
  const { materials } = await establishServiceKeys({ ...opts, create: false });
  return opts.store.transaction(async (tx) => {
    await opts.store.lock(tx, LOCK);
    const recorded = await rowsOf(tx);
    for (const row of recorded.values()) {
      const text = materials.get(row.name);
      if (text === undefined || fingerprintOf(row.name, text) !== row.fingerprint) {
        throw new MvidError(
          'keys_mismatch',
          `the deployment's key ${row.name} changed while it was being sealed again; nothing was changed`,
        );
      }
      await tx
        .updateTable('service_keys')
        .set({ sealed: seal(newKek, row.name, text, opts.random) })
        .where('name', '=', row.name)
        .execute();
    }
    return recorded.size;
  });
}

/** Every key of the deployment, as `mvid keys export` writes it. */
export interface KeyExport {
  format: 'mvid-keys-v1';
  keys: Record<string, string>;
}

/** The deployment's keys as an export document (treat it as the keys themselves). */
export async function exportServiceKeys(opts: ServiceKeyOptions): Promise<KeyExport> {
  const { materials } = await establishServiceKeys({ ...opts, create: false });
  return { format: 'mvid-keys-v1', keys: Object.fromEntries([...materials].sort(([a], [b]) => (a < b ? -1 : 1))) };
}

/** Parses an export document; throws `config_invalid` on anything else. */
export function parseKeyExport(value: unknown): KeyMaterials {
  const doc = value as Partial<KeyExport> | null;
  if (doc?.format !== 'mvid-keys-v1' || typeof doc.keys !== 'object' || doc.keys === null) {
    throw new MvidError('config_invalid', 'not an mvid key export (format mvid-keys-v1)');
  }
  const out: KeyMaterials = new Map();
  for (const [name, text] of Object.entries(doc.keys)) {
    if (!isKeyName(name) || typeof text !== 'string')
      throw new MvidError('config_invalid', `the key export holds an invalid entry ${JSON.stringify(name)}`);
    out.set(name, text);
  }
  serviceKeysOf(out, 'the key export');
  return out;
}

/**
 * Installs exported keys on this node: into its key directory (never replacing a file) and,
 * for a deployment without keys yet, into the database. Keys that differ from the
 * deployment's are refused (`keys_mismatch`); importing the same keys again changes nothing.
 */
export async function importServiceKeys(opts: ServiceKeyOptions, materials: KeyMaterials): Promise<{ written: string[] }> {
  const local = readKeyDir(opts.keyDir);
  for (const [name, text] of local) {
    const theirs = materials.get(name);
    if (theirs !== undefined && fingerprintOf(name, theirs) !== fingerprintOf(name, text)) {
      throw new MvidError('keys_mismatch', `${opts.keyDir}/${name} differs from the imported key of that name; nothing was changed`);
    }
  }
  return opts.store.transaction(async (tx) => {
    await opts.store.lock(tx, LOCK);
    const recorded = await rowsOf(tx);
    if (recorded.size > 0) {
      checkLocal(materials, recorded, 'the import');
      const missing = [...recorded.keys()].filter((name) => !materials.has(name));
      if (missing.length > 0) throw new MvidError('keys_missing', `the import lacks the deployment's keys ${missing.join(', ')}`);
    } else {
      await insert(tx, opts, materials);
    }
    return { written: opts.kek ? [] : writeKeyDir(opts.keyDir, materials) };
  });
}
