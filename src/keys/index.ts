/**
 * The deployment's service keys: a node's key directory, and the copy every node shares
 * through the database (fingerprints, and the keys sealed under the key-encryption key).
 */
export { initKeyDir, loadKeys, rotateTokenKey, keyDirOf, keyDirExists, readKeyDir } from './keydir.ts';
export type { InitKeyDirResult } from './keydir.ts';
export type { ServiceKeys, TokenSigningKey } from './types.ts';
export type { KeyMaterials } from './material.ts';
export { fingerprintOf } from './material.ts';
export {
  establishServiceKeys,
  exportServiceKeys,
  MAX_ACTIVATE_AFTER_SECONDS,
  rotationNotice,
  importServiceKeys,
  parseKeyEncryptionKey,
  parseKeyExport,
  resealServiceKeys,
  rotateServiceTokenKey,
} from './cluster.ts';
export type { EstablishedKeys, EstablishOptions, KeyExport, ServiceKeyOptions } from './cluster.ts';
