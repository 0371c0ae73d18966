/**
 * HTTP load: autocannon used as a library from the bench process against a server in another
 * process, on loopback only, keep-alive connections, bounded in time. Every benchmark that puts
 * HTTP load on a server uses this, so mvid and the hello-world ceiling see the same generator.
 */
import autocannon from 'autocannon';

export interface LoadSpec {
  /** Full URL on 127.0.0.1. */
  url: string;
  seconds: number;
  /** Concurrent keep-alive connections (default 64). */
  connections?: number;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  /** Sample this process's RSS every 100 ms during the run (the server's pid). */
  samplePid?: number;
  rss?: (pid: number) => number;
  /**
   * Share of the requests that may fail (errors, timeouts, non-2xx) before the run throws
   * (default 0: none). Failed requests are never counted in `requestsPerSecond`.
   */
  maxFailureFraction?: number;
}

export interface LoadResult {
  /** 2xx responses per second. */
  requestsPerSecond: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
  /** Largest RSS sampled during the run, in bytes (0 when not sampled). */
  peakRssBytes: number;
  /** 2xx responses. */
  responses: number;
  /** Errors, timeouts and non-2xx responses (at most `maxFailureFraction` of all requests). */
  failures: number;
}

export const DEFAULT_CONNECTIONS = 64;

function assertLoopback(url: string): void {
  const host = new URL(url).hostname;
  if (host !== '127.0.0.1' && host !== 'localhost' && host !== '[::1]')
    throw new TypeError(`load is generated on loopback only, not ${host}`);
}

/** One bounded load run. Throws when any request failed: a figure earned with errors is not a figure. */
export async function runLoad(spec: LoadSpec): Promise<LoadResult> {
  assertLoopback(spec.url);
  let peakRssBytes = 0;
  const sample = () => {
    if (spec.samplePid !== undefined && spec.rss) peakRssBytes = Math.max(peakRssBytes, spec.rss(spec.samplePid));
  };
  const sampler = spec.samplePid === undefined ? undefined : setInterval(sample, 100);
  let result: Awaited<ReturnType<typeof autocannon>>;
  try {
    sample();
    result = await autocannon({
      url: spec.url,
      connections: spec.connections ?? DEFAULT_CONNECTIONS,
      pipelining: 1,
      duration: spec.seconds,
      timeout: 10,
      ...(spec.method ? { method: spec.method } : {}),
      ...(spec.headers ? { headers: spec.headers } : {}),
      ...(spec.body !== undefined ? { body: spec.body } : {}),
    });
    sample();
  } finally {
    if (sampler) clearInterval(sampler);
  }
  const failures = result.errors + result.timeouts + result.non2xx;
  const allowed = (spec.maxFailureFraction ?? 0) * (result['2xx'] + failures);
  if (failures > allowed || result['2xx'] === 0) {
    throw new Error(
      `load on ${spec.url} saw ${result.errors} errors, ${result.timeouts} timeouts, ${result.non2xx} non-2xx responses (of ${result['2xx'] + result.non2xx})`,
    );
  }
  return {
    requestsPerSecond: result['2xx'] / result.duration,
    latencyP50Ms: result.latency.p50,
    latencyP99Ms: result.latency.p99,
    peakRssBytes,
    responses: result['2xx'],
    failures,
  };
}
