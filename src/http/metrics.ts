/**
 * Prometheus text exposition, written by hand: a counter and a histogram keyed by
 * route and status, plus gauges read at scrape time. Small enough not to need a library.
 */
const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

interface Series {
  count: number;
  sum: number;
  buckets: number[];
}

function escapeLabel(value: string): string {
  return value.replaceAll('\\', '\\\\').replaceAll('"', '\\"').replaceAll('\n', '\\n');
}

export type GaugeReader = () => Array<{ labels?: Record<string, string>; value: number }>;

export class Metrics {
  readonly #requests = new Map<string, Series>();
  readonly #gauges = new Map<string, { help: string; read: GaugeReader }>();
  readonly #counters = new Map<string, { help: string; values: Map<string, number> }>();

  observeRequest(method: string, route: string, status: number, seconds: number): void {
    const key = `method="${escapeLabel(method)}",route="${escapeLabel(route)}",status="${status}"`;
    let series = this.#requests.get(key);
    if (!series) {
      series = { count: 0, sum: 0, buckets: LATENCY_BUCKETS.map(() => 0) };
      this.#requests.set(key, series);
    }
    series.count += 1;
    series.sum += seconds;
    for (let i = 0; i < LATENCY_BUCKETS.length; i++) {
      if (seconds <= (LATENCY_BUCKETS[i] ?? Number.POSITIVE_INFINITY)) series.buckets[i] = (series.buckets[i] ?? 0) + 1;
    }
  }

  /** A gauge whose value is read when scraped (e.g. database pool sizes, log size). */
  gauge(name: string, help: string, read: GaugeReader): void {
    this.#gauges.set(name, { help, read });
  }

  /** Increments a named counter (registered on first use). */
  increment(name: string, help: string, labels: Record<string, string> = {}, by = 1): void {
    let counter = this.#counters.get(name);
    if (!counter) {
      counter = { help, values: new Map() };
      this.#counters.set(name, counter);
    }
    const key = Object.entries(labels)
      .map(([k, v]) => `${k}="${escapeLabel(v)}"`)
      .join(',');
    counter.values.set(key, (counter.values.get(key) ?? 0) + by);
  }

  render(): string {
    const lines: string[] = [];
    lines.push('# HELP mvid_http_requests_total HTTP requests by route and status.');
    lines.push('# TYPE mvid_http_requests_total counter');
    for (const [key, s] of this.#requests) lines.push(`mvid_http_requests_total{${key}} ${s.count}`);
    lines.push('# HELP mvid_http_request_duration_seconds HTTP request latency by route and status.');
    lines.push('# TYPE mvid_http_request_duration_seconds histogram');
    for (const [key, s] of this.#requests) {
      LATENCY_BUCKETS.forEach((le, i) => {
        lines.push(`mvid_http_request_duration_seconds_bucket{${key},le="${le}"} ${s.buckets[i] ?? 0}`);
      });
      lines.push(`mvid_http_request_duration_seconds_bucket{${key},le="+Inf"} ${s.count}`);
      lines.push(`mvid_http_request_duration_seconds_sum{${key}} ${s.sum}`);
      lines.push(`mvid_http_request_duration_seconds_count{${key}} ${s.count}`);
    }
    for (const [name, counter] of this.#counters) {
      lines.push(`# HELP ${name} ${counter.help}`, `# TYPE ${name} counter`);
      for (const [key, value] of counter.values) lines.push(key ? `${name}{${key}} ${value}` : `${name} ${value}`);
    }
    for (const [name, gauge] of this.#gauges) {
      lines.push(`# HELP ${name} ${gauge.help}`, `# TYPE ${name} gauge`);
      for (const { labels, value } of gauge.read()) {
        const key = Object.entries(labels ?? {})
          .map(([k, v]) => `${k}="${escapeLabel(v)}"`)
          .join(',');
        lines.push(key ? `${name}{${key}} ${value}` : `${name} ${value}`);
      }
    }
    return `${lines.join('\n')}\n`;
  }
}
