/**
 * The threshold, VRF and sealing suites once more with libsodium loaded first, so the paths
 * that use it when a thread has it (verifyDleq, combinePartials, sealEnvelope, openFromSender)
 * are tested against the same attacks as the noble paths: forged, tampered, relabelled and
 * junk proofs, invalid and identity points.
 */
import assert from 'node:assert/strict';
import { sodium, sodiumIfLoaded } from './sodium.ts';

await sodium();
assert.ok(sodiumIfLoaded());
await import('./threshold.test.ts');
await import('./vrf.test.ts');
await import('./seal.test.ts');
