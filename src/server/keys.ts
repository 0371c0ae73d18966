/** The deployment's keys for a node as configured: its key directory and its key-encryption key. */
import { type Config, keyEncryptionKeyOf } from '../config/index.ts';
import type { Clock, Random } from '../core/index.ts';
import { type EstablishedKeys, establishServiceKeys, keyDirOf, type ServiceKeyOptions } from '../keys/index.ts';
import { DEV_ISSUER_KEY_FILE, newDevIssuerKeyText } from '../registry/index.ts';
import type { Store } from '../store/index.ts';

/** The key options of this node: the store, `<data dir>/keys`, and the KEK if configured. */
export function serviceKeyOptions(config: Config, store: Store, clock: Clock, random: Random): ServiceKeyOptions {
  return { store, keyDir: keyDirOf(config.dataDir), kek: keyEncryptionKeyOf(config), clock, random };
}

/**
 * The deployment's keys (see src/keys/cluster.ts): created by the first node when `create`,
 * checked against this node's key directory, with the development PID issuer key in
 * development mode.
 */
export function openServiceKeys(
  config: Config,
  store: Store,
  options: { clock: Clock; random: Random; create: boolean },
): Promise<EstablishedKeys> {
  return establishServiceKeys({
    ...serviceKeyOptions(config, store, options.clock, options.random),
    create: options.create,
    optional: config.mode === 'development' ? { [DEV_ISSUER_KEY_FILE]: newDevIssuerKeyText } : {},
  });
}
