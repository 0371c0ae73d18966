/**
 * Abuse limits for a bench server: every bucket on, at the most the schema allows per
 * second, so the limiter's own cost (one counter statement per credential check) is in the
 * figures while one loopback client sending thousands of requests a second is never refused.
 */
const BUCKETS = ['credentialIp', 'credentialPrincipal', 'mintIp', 'enrolIp', 'reportPrincipal'] as const;

export const BENCH_ABUSE_LIMITS = Object.fromEntries(BUCKETS.map((b) => [b, { limit: 1_000_000, windowSeconds: 1 }])) as Record<
  (typeof BUCKETS)[number],
  { limit: number; windowSeconds: number }
>;
