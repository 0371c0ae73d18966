/**
 * Retention-epoch keys for test systems (issue 17): like the trustee set the supports deal,
 * each support deals the epoch keys enrolments need, on this machine (`dealDev`, the
 * `--dev-dealer` path), so every enrolment in a test is sealed to an epoch key.
 */
import type { TrusteeShare } from '../../src/crypto/index.ts';
import type { Registry } from '../../src/registry/index.ts';

/** Epochs dealt from the one enrolments need now: enough for a test that moves its clock a year on. */
export const TEST_EPOCHS = 14;

/** Deals and publishes the epoch keys; returns each trustee's shares in the clear (wipe them when done). */
export async function dealTestEpochs(registry: Registry, trusteeSetId: string, count = TEST_EPOCHS): Promise<Map<string, TrusteeShare[]>> {
  const { shares } = await registry.epochs.dealDev({ trusteeSetId, windows: registry.epochs.upcoming(count) });
  return shares;
}

/** Deals the epoch keys and drops the shares at once (tests that never open an envelope). */
export async function dealTestEpochsUnused(registry: Registry, trusteeSetId: string): Promise<void> {
  for (const list of (await dealTestEpochs(registry, trusteeSetId)).values()) for (const s of list) s.secret.fill(0);
}
