/**
 * The authority's release tests once more with libsodium loaded first, as `mvid authority
 * fetch` loads it: unsealing, DLEQ checks and the combination then run on libsodium, and must
 * refuse and name the same bad shares.
 */
import assert from 'node:assert/strict';
import { loadSodium } from '../crypto/index.ts';

await loadSodium();
assert.ok(await loadSodium());
await import('./open-release.test.ts');
