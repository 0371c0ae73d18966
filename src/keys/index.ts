/** The service's key directory: creation, rotation and loading. Keys never enter the database. */
export { initKeyDir, loadKeys, rotateTokenKey, keyDirOf, keyDirExists } from './keydir.ts';
export type { ServiceKeys, TokenSigningKey, InitKeyDirResult } from './keydir.ts';
