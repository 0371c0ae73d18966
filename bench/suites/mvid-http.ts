/**
 * mvid itself over HTTP: a real `mvid serve` child process (SQLite default, temp data dir,
 * log level warn) under the shared load generator. Its memory is read from /proc while idle
 * and while loaded. /readyz and /healthz are the only routes that exist for every build;
 * domain suites add their own endpoints.
 */
import { join } from 'node:path';
import { DEFAULT_CONNECTIONS, runLoad } from '../harness/load.ts';
import { rssOf, type ServerProcess, serverNodeArgs, startServer } from '../harness/process.ts';
import { defineSuite } from '../harness/types.ts';

const MB = 2 ** 20;

/** The server's environment: ours, minus any MVID_* setting of the caller (the bench measures the default). */
function serverEnv(dataDir: string): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('MVID_')));
  return { ...env, MVID_DATA_DIR: dataDir, MVID_HOST: '127.0.0.1', MVID_PORT: '0', MVID_LOG_LEVEL: 'warn', MVID_DEMO_SEED: 'false' };
}

async function get(url: string): Promise<void> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`GET ${url} answered ${response.status}: ${await response.text()}`);
  await response.arrayBuffer();
}

export default defineSuite<ServerProcess>({
  name: 'mvid-http',
  title: 'mvid serve over HTTP (health endpoints, memory)',
  kind: 'mvid',
  async setup(ctx) {
    const server = await startServer({
      name: 'mvid serve',
      command: ctx.node,
      args: [...serverNodeArgs(), join(ctx.repoRoot, 'bin', 'mvid.js'), 'serve'],
      cwd: ctx.repoRoot,
      env: serverEnv(ctx.tempDir('mvid-data')),
      startTimeoutMs: 60_000,
    });
    ctx.defer(() => server.stop());
    ctx.log(`mvid serve pid ${server.pid} at ${server.url}`);
    // A few requests so lazily built things (routes' serializers, the first query) exist before "idle".
    for (let i = 0; i < 10; i++) {
      await get(`${server.url}/readyz`);
      await get(`${server.url}/healthz`);
    }
    return server;
  },
  benchmarks: [
    {
      id: 'mvid.rss.idle',
      metrics: [
        {
          id: 'mvid.rss.idle',
          title: 'RSS of `mvid serve`, idle',
          unit: 'MB',
          better: 'lower',
          note: 'VmRSS after start and 20 requests, before any load; MB = 2^20 bytes',
        },
      ],
      async run(server, rep) {
        await new Promise((resolve) => setTimeout(resolve, rep.seconds * 1000));
        return { 'mvid.rss.idle': server.rssBytes() / MB };
      },
    },
    {
      id: 'mvid.healthz',
      seconds: 4,
      metrics: [
        {
          id: 'mvid.healthz.rps',
          title: 'mvid GET /healthz',
          unit: 'req/s',
          better: 'higher',
          ceiling: 'ceiling.http.hello.rps',
          note: `${DEFAULT_CONNECTIONS} keep-alive connections; no database access`,
        },
        { id: 'mvid.healthz.p99', title: 'mvid GET /healthz p99 latency', unit: 'ms', better: 'lower', ceiling: 'ceiling.http.hello.p99' },
      ],
      async run(server, rep) {
        const load = await runLoad({ url: `${server.url}/healthz`, seconds: rep.seconds });
        return { 'mvid.healthz.rps': load.requestsPerSecond, 'mvid.healthz.p99': load.latencyP99Ms };
      },
    },
    {
      id: 'mvid.readyz',
      seconds: 4,
      metrics: [
        {
          id: 'mvid.readyz.rps',
          title: 'mvid GET /readyz',
          unit: 'req/s',
          better: 'higher',
          ceiling: 'ceiling.http.hello.rps',
          note: `${DEFAULT_CONNECTIONS} keep-alive connections; each request pings SQLite (select 1)`,
        },
        {
          id: 'mvid.readyz.p99.readyz-load',
          title: 'p99 latency of /readyz under its own load',
          unit: 'ms',
          better: 'lower',
          ceiling: 'ceiling.http.hello.p99',
          note: `${DEFAULT_CONNECTIONS} connections of /readyz alone; the target row (under the token load) is mvid.readyz.p99 in the oidc suite; 1 ms resolution`,
        },
        {
          id: 'mvid.rss.readyz-load',
          title: 'RSS of `mvid serve`, under the /readyz load',
          unit: 'MB',
          better: 'lower',
          ceiling: 'ceiling.http.hello.rss-load',
          note: 'peak VmRSS sampled every 100 ms during the /readyz load; the target row (under the token load) is mvid.rss.load in the oidc suite; MB = 2^20 bytes',
        },
      ],
      async run(server, rep) {
        const load = await runLoad({ url: `${server.url}/readyz`, seconds: rep.seconds, samplePid: server.pid, rss: rssOf });
        return {
          'mvid.readyz.rps': load.requestsPerSecond,
          'mvid.readyz.p99.readyz-load': load.latencyP99Ms,
          'mvid.rss.readyz-load': load.peakRssBytes / MB,
        };
      },
    },
  ],
});
