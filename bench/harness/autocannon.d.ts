// The subset of autocannon 9 (a CommonJS module without bundled types) that bench/harness/load.ts and test/stress/load.stress.ts use.
declare module 'autocannon' {
  interface Options {
    url: string;
    connections?: number;
    pipelining?: number;
    /** Seconds. */
    duration?: number;
    /** Seconds before a request counts as timed out. */
    timeout?: number;
    method?: string;
    headers?: Record<string, string>;
    body?: string | Buffer;
    bailout?: number;
    /** Requests per second per connection, at most (autocannon waits for each answer before the next request). */
    connectionRate?: number;
    /** Each connection sends these in turn, round and round (mixed traffic on one set of connections). */
    requests?: Array<{ method?: string; path?: string; headers?: Record<string, string>; body?: string | Buffer }>;
    /** Record latencies of non-2xx responses too (off: only 2xx count). */
    excludeErrorStats?: boolean;
  }
  export interface Histogram {
    average: number;
    mean: number;
    stddev: number;
    min: number;
    max: number;
    total: number;
    p50: number;
    p90: number;
    p97_5: number;
    p99: number;
    p99_9: number;
  }
  export interface Result {
    /** Seconds, rounded to 10 ms. */
    duration: number;
    errors: number;
    timeouts: number;
    non2xx: number;
    resets: number;
    /** Answers by status code. */
    statusCodeStats?: Record<string, { count: number }>;
    '2xx': number;
    /** Milliseconds, at the 1 ms resolution of autocannon's histogram. */
    latency: Histogram;
    requests: Histogram & { sent: number };
  }
  function autocannon(options: Options): Promise<Result>;
  export default autocannon;
}
