/**
 * mvid as a cluster (issues 15 and 18): 1, 2 and 3 `mvid serve` nodes on one PostgreSQL (a
 * fresh database of the bench's durable cluster) behind test/support/cluster.ts's round-robin
 * proxy, run in a process of its own (bench/fixtures/round-robin-proxy.ts). Set up as
 * docs/deploy.md's cluster section says: one database URL, one MVID_KEY_ENCRYPTION_KEY (the
 * deployment's keys sealed in the database, no key file on any node), the proxy's URL as
 * every node's MVID_PUBLIC_URL, a data dir each; otherwise the nodes run with the defaults of
 * the one-node `oidc-postgres` suite. The operator's CLI and the signed-in person are the
 * `oidc` suite's (`prepareDeployment`, `signInPerson`, through the proxy); the loads are its
 * client-credentials tokens and code-flow logins and `oidc-postgres`'s enrolments over HTTP,
 * sent to the proxy with 1, 2 and then 3 nodes in its rotation. A node starts when the first
 * benchmark that needs it runs, before that repetition's load begins, so a 1-node row is one
 * node and not one of three.
 *
 * On one 2-core machine the nodes, PostgreSQL, the proxy and the load generator share the two
 * cores: these rows measure what the cluster costs (the proxy's hop, state shared through
 * PostgreSQL, more processes on the same cores), never a speed-up. Their ceilings are the
 * one-node rows of `oidc-postgres`, without the proxy.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { freePort, type ServerProcess } from '../harness/process.ts';
import { type Benchmark, defineSuite, type SuiteContext } from '../harness/types.ts';
import {
  CODE_FLOW_NOTE,
  codeFlowLoad,
  type DeploymentSettings,
  ENROL_NOTE,
  enrolLoad,
  type OidcState,
  prepareDeployment,
  serverEnv,
  signInPerson,
  startMvid,
  TOKEN_NOTE,
  tokenLoad,
} from './oidc.ts';

const NODE_COUNTS = [1, 2, 3] as const;
/** Seconds of load per repetition: nine benchmarks, each 1 warm-up and 5 repetitions, in about two minutes of a full run. */
const SECONDS = 1;

/** The proxy process: where it listens, and how to change its rotation. */
interface Proxy {
  url: string;
  /** Puts exactly these nodes in rotation; resolves with the requests each node answered so far. */
  rotate(upstreams: readonly string[]): Promise<Record<string, number>>;
  stop(): Promise<void>;
}

interface ClusterState {
  /** The `oidc` suite's state, its public URL the proxy's. */
  oidc: OidcState;
  /**
   * Starts nodes until there are `count`, puts exactly the first `count` in the proxy's
   * rotation and runs `load`; throws when a node of the rotation answered none of its requests
   * (the proxy drops a node that refuses connections, and the figure would be one of fewer nodes).
   */
  measure(count: number, load: () => Promise<number>): Promise<number>;
}

function onceMessage<T>(child: ChildProcess, what: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const onExit = (code: number | null) => reject(new Error(`the proxy exited (${code}) before ${what}`));
    child.once('exit', onExit);
    child.once('message', (message) => {
      child.off('exit', onExit);
      resolve(message as T);
    });
  });
}

async function startProxy(ctx: SuiteContext): Promise<Proxy> {
  const child = fork(join(ctx.repoRoot, 'bench', 'fixtures', 'round-robin-proxy.ts'), [], {
    cwd: ctx.repoRoot,
    execPath: ctx.node,
    execArgv: [],
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const { url } = await onceMessage<{ url: string }>(child, 'listening');
  let queue = Promise.resolve<Record<string, number>>({});
  return {
    url,
    rotate(upstreams) {
      queue = queue.then(() => {
        const answer = onceMessage<{ served: Record<string, number> }>(child, 'answering').then((m) => m.served);
        child.send({ upstreams });
        return answer;
      });
      return queue;
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

async function setupCluster(ctx: SuiteContext): Promise<ClusterState> {
  const pg = await ctx.postgres();
  const proxy = await startProxy(ctx);
  ctx.defer(() => proxy.stop());
  const settings: DeploymentSettings = {
    publicUrl: proxy.url,
    databaseUrl: pg.url,
    kek: randomBytes(32).toString('base64'),
  };
  // The operator's CLI on a data dir of its own: the keys go to the database, sealed under the KEK.
  const deployment = await prepareDeployment(ctx, serverEnv(ctx.tempDir('cluster-operator'), 0, settings));
  const nodes: ServerProcess[] = [];
  const startNode = async () => {
    const n = nodes.length + 1;
    const node = await startMvid(ctx, serverEnv(ctx.tempDir(`cluster-node${n}`), await freePort(), settings), `mvid serve (node ${n})`);
    nodes.push(node);
    ctx.log(`node ${n}: pid ${node.pid} at ${node.url}`);
  };
  let inRotation = 0;
  const measure = async (count: number, load: () => Promise<number>) => {
    while (nodes.length < count) await startNode();
    const rotation = nodes.slice(0, count).map((node) => node.url);
    const before = await proxy.rotate(rotation);
    if (inRotation !== count) ctx.log(`${count} node(s) in rotation; requests each answered so far: ${JSON.stringify(before)}`);
    inRotation = count;
    const figure = await load();
    const after = await proxy.rotate(rotation);
    const silent = rotation.filter((url) => (after[url] ?? 0) <= (before[url] ?? 0));
    if (silent.length > 0) throw new Error(`${silent.join(', ')} answered none of this repetition's requests (down?)`);
    return figure;
  };
  await startNode();
  await proxy.rotate([(nodes[0] as ServerProcess).url]);
  const oidc = await signInPerson(ctx, nodes[0] as ServerProcess, proxy.url, deployment);
  ctx.log(`proxy at ${proxy.url}; world ${deployment.clientId}`);
  return { oidc, measure };
}

/** The three hot paths: the operation's name in the metric id, what it is, and its one-node row on PostgreSQL. */
const OPERATIONS = [
  {
    op: 'tokens',
    title: 'Client-credentials tokens',
    unit: 'tokens/s',
    ceiling: 'tokens.client-credentials.postgres',
    note: TOKEN_NOTE,
    load: tokenLoad,
  },
  {
    op: 'logins',
    title: 'OIDC code-flow logins',
    unit: 'logins/s',
    ceiling: 'oidc.code-flow.postgres',
    note: CODE_FLOW_NOTE,
    load: codeFlowLoad,
  },
  {
    op: 'enrol',
    title: 'Enrolments over HTTP',
    unit: 'enrolments/s',
    ceiling: 'registry.enrol.http.postgres',
    note: ENROL_NOTE,
    load: enrolLoad,
  },
] as const;

const OVERHEAD =
  'all nodes, PostgreSQL, the proxy and the load generator share the bench machine (2 cores): overhead, not speed-up; ratio to one node without the proxy';

function benchmark(count: number, operation: (typeof OPERATIONS)[number]): Benchmark<ClusterState> {
  const nodes = count === 1 ? '1-node' : `${count}-nodes`;
  const id = `cluster.${operation.op}.${nodes}`;
  return {
    id,
    seconds: SECONDS,
    metrics: [
      {
        id,
        title: `${operation.title}, ${count} node${count === 1 ? '' : 's'} behind the proxy (PostgreSQL)`,
        unit: operation.unit,
        better: 'higher',
        ceiling: operation.ceiling,
        note: `through the round-robin proxy (its own process) to ${count} \`mvid serve\` on one PostgreSQL; ${operation.note}; ${OVERHEAD}`,
      },
    ],
    async run(state, rep) {
      return { [id]: await state.measure(count, async () => (await operation.load(state.oidc, rep.seconds)).perSecond) };
    },
  };
}

export default defineSuite<ClusterState>({
  name: 'cluster',
  title: 'A cluster: 1, 2 and 3 nodes on one PostgreSQL behind a round-robin proxy (overhead on one machine)',
  kind: 'mvid',
  setup: setupCluster,
  benchmarks: NODE_COUNTS.flatMap((count) => OPERATIONS.map((operation) => benchmark(count, operation))),
});
