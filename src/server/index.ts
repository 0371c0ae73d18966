/** Composition root: builds services and the app from configuration. */
export { startRuntime } from './runtime.ts';
export type { Runtime, RuntimeOptions } from './runtime.ts';
export { createLogger } from './logger.ts';
