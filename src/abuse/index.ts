/**
 * Abuse limits shared by every domain and the HTTP edge: per-IP and per-principal
 * counters in the database (see limiter.ts). Moderation calls `consume` with the
 * `reportPrincipal` bucket for reports.
 */
export {
  ABUSE_BUCKETS,
  type AbuseBucket,
  type AbuseKey,
  AbuseLimiter,
  type AbusePolicy,
  DEFAULT_ABUSE_POLICY,
  type Limit,
  rateLimited,
} from './limiter.ts';
