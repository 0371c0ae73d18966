/**
 * The verdict of the 1,000-connection load suite (test/stress/load.stress.ts), apart from the
 * load itself so that test/load-judge.test.ts can show it refuses what it must: any error, any
 * timeout, any non-2xx answer, a p99 over the bound, an RSS sample over the limit.
 */
import type { Result } from 'autocannon';

export interface LoadLimits {
  p99Ms: number;
  rssBytes: number;
}

export interface LoadVerdict {
  problems: string[];
  summary: string;
}

const MB = 2 ** 20;

export function judgeLoad(
  result: Pick<Result, '2xx' | 'errors' | 'timeouts' | 'non2xx' | 'latency' | 'duration' | 'statusCodeStats'>,
  peakRssBytes: number,
  limits: LoadLimits,
): LoadVerdict {
  const problems: string[] = [];
  if (result.errors > 0) problems.push(`${result.errors} connection errors`);
  if (result.timeouts > 0) problems.push(`${result.timeouts} timeouts`);
  if (result.non2xx > 0) {
    const codes = Object.entries(result.statusCodeStats ?? {})
      .filter(([code]) => !code.startsWith('2'))
      .map(([code, { count }]) => `${count} × ${code}`);
    problems.push(`${result.non2xx} answers other than 2xx${codes.length > 0 ? ` (${codes.join(', ')})` : ''}`);
  }
  if (result['2xx'] === 0) problems.push('no request succeeded');
  if (!(result.latency.p99 <= limits.p99Ms)) problems.push(`p99 ${result.latency.p99} ms over the bound of ${limits.p99Ms} ms`);
  if (peakRssBytes > limits.rssBytes)
    problems.push(`RSS peaked at ${Math.round(peakRssBytes / MB)} MB, over the limit of ${Math.round(limits.rssBytes / MB)} MB`);
  const summary =
    `${result['2xx']} answers in ${result.duration} s (${Math.round(result['2xx'] / result.duration)}/s), ` +
    `p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms, max ${result.latency.max} ms, peak RSS ${Math.round(peakRssBytes / MB)} MB, ` +
    `${result.errors} errors, ${result.timeouts} timeouts, ${result.non2xx} non-2xx`;
  return { problems, summary };
}
