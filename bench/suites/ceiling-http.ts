/**
 * Ceiling: a hello-world Fastify server in a child process under the same load generator as
 * mvid (autocannon from the bench process, 64 keep-alive connections, loopback). mvid's HTTP
 * figures are divided by this one.
 */
import { join } from 'node:path';
import { runLoad } from '../harness/load.ts';
import { rssOf, type ServerProcess, serverNodeArgs, startServer } from '../harness/process.ts';
import { defineSuite } from '../harness/types.ts';

const MB = 2 ** 20;

export default defineSuite<ServerProcess>({
  name: 'ceiling-http',
  title: 'HTTP hello world (Fastify, separate process)',
  kind: 'ceiling',
  async setup(ctx) {
    const server = await startServer({
      name: 'hello-world server',
      command: ctx.node,
      args: [...serverNodeArgs(), join(ctx.repoRoot, 'bench', 'fixtures', 'hello-server.ts')],
      cwd: ctx.repoRoot,
    });
    ctx.defer(() => server.stop());
    ctx.log(`hello-world server pid ${server.pid} at ${server.url}`);
    return server;
  },
  benchmarks: [
    {
      id: 'ceiling.http.hello.rss-idle',
      metrics: [
        {
          id: 'ceiling.http.hello.rss-idle',
          title: 'RSS of the hello-world server, idle',
          unit: 'MB',
          better: 'lower',
          note: 'VmRSS of Node 24 + type stripping + Fastify, before any load; MB = 2^20 bytes',
        },
      ],
      async run(server, rep) {
        await new Promise((resolve) => setTimeout(resolve, rep.seconds * 1000));
        return { 'ceiling.http.hello.rss-idle': server.rssBytes() / MB };
      },
    },
    {
      id: 'ceiling.http.hello',
      seconds: 4,
      metrics: [
        {
          id: 'ceiling.http.hello.rps',
          title: 'Hello-world HTTP',
          unit: 'req/s',
          better: 'higher',
          note: 'Fastify GET / → {"hello":"world"}; 64 keep-alive connections, autocannon in the bench process',
        },
        { id: 'ceiling.http.hello.p99', title: 'Hello-world HTTP p99 latency', unit: 'ms', better: 'lower', note: '1 ms resolution' },
        {
          id: 'ceiling.http.hello.rss-load',
          title: 'RSS of the hello-world server, under load',
          unit: 'MB',
          better: 'lower',
          note: 'peak VmRSS sampled every 100 ms during the load',
        },
      ],
      async run(server, rep) {
        const load = await runLoad({ url: `${server.url}/`, seconds: rep.seconds, samplePid: server.pid, rss: rssOf });
        return {
          'ceiling.http.hello.rps': load.requestsPerSecond,
          'ceiling.http.hello.p99': load.latencyP99Ms,
          'ceiling.http.hello.rss-load': load.peakRssBytes / MB,
        };
      },
    },
  ],
});
