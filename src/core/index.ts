/** Shared kernel: errors, time, randomness and byte helpers used by every domain. */
export { ERROR_CODES, MvidError, ConflictError, NotFoundError, ValidationError, isMvidError } from './errors.ts';
export type { ErrorCode, MvidErrorOptions } from './errors.ts';
export { systemClock, ManualClock, systemRandom, SeededRandom } from './clock.ts';
export type { Clock, Random } from './clock.ts';
export { constantTimeEqual, toBase64Url, fromBase64Url, toHex, utf8, concatBytes } from './bytes.ts';
export { lazy } from './lazy.ts';
export { LruCache } from './lru.ts';
export { releaseMemory } from './memory.ts';
export { AGE_THRESHOLDS, ageMilestones, agePredicates, isAgeMilestones, predicateValidUntil } from './age.ts';
export type { AgeMilestones, AgePredicates, AgeSource } from './age.ts';
export { checkOutboundUrl, ipVersion, isLoopbackHost, isPublicAddress, type OutboundPolicy } from './outbound.ts';
