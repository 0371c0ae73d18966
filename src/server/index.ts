/** Composition root: builds services and the app from configuration. */
export { startRuntime, buildRegistry } from './runtime.ts';
export type { Runtime, RuntimeOptions } from './runtime.ts';
export { createLogger } from './logger.ts';
export { sweepAll } from './background.ts';
export type { FullSweepReport } from './background.ts';
export { buildDisclosure, registryEscrowDirectory } from './disclosure.ts';
export { openServiceKeys, serviceKeyOptions } from './keys.ts';
