/** Composition root: builds services and the app from configuration. */
export { startRuntime, buildRegistry } from './runtime.ts';
export type { Runtime, RuntimeOptions } from './runtime.ts';
export { createLogger } from './logger.ts';
export { sweepAll, sweepSummary } from './background.ts';
export type { FullSweepReport } from './background.ts';
export { buildDisclosure, findPersonInWorld, registryEscrowDirectory, tlogDisclosureLog, worldsPseudonymResolver } from './disclosure.ts';
export { openServiceKeys, serviceKeyOptions } from './keys.ts';
export { buildWorldsAndModeration, worldsDirectory } from './moderation.ts';
export {
  DEMO_AUTHORITY_NAME,
  DEMO_THRESHOLD,
  DEMO_TRUSTEES,
  type DemoMaterial,
  demoDirOf,
  EXAMPLE_WORLD_NAME,
  EXAMPLE_WORLD_URL,
  readDemoMaterial,
  refuseDemoMaterial,
  type SeedResult,
  seedDemo,
} from './seed.ts';
export { silenceMlDsaExperimentalWarning } from './warnings.ts';
