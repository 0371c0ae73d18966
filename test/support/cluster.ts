/**
 * A cluster on loopback for tests: `mvid serve` processes on one PostgreSQL behind a small
 * round-robin HTTP proxy (the load balancer). The proxy sends each request to the next
 * node; a node that refuses the connection is taken out of the rotation and the request
 * goes to the next one (it never reached the dead node); a connection that breaks after
 * the request was sent answers 502, as a load balancer would.
 */
import type { ChildProcess } from 'node:child_process';
import { Agent, createServer, request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startListening } from './cli.ts';

export interface RoundRobinProxy {
  url: string;
  /** Node URLs in rotation. */
  upstreams: string[];
  /** How many requests each upstream answered. */
  served: Map<string, number>;
  close(): Promise<void>;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** Starts the proxy on a free loopback port; set `upstreams` once the nodes listen. */
export async function startRoundRobinProxy(): Promise<RoundRobinProxy> {
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  let next = 0;
  const proxy: RoundRobinProxy = { url: '', upstreams: [], served: new Map(), close: async () => {} };
  const server: Server = createServer(async (req, res) => {
    const body = await readBody(req);
    const forward = (attempt: number): void => {
      if (attempt >= proxy.upstreams.length || proxy.upstreams.length === 0) {
        res.writeHead(502, { 'content-type': 'text/plain' }).end('no upstream');
        return;
      }
      const upstream = proxy.upstreams[next++ % proxy.upstreams.length] as string;
      const target = new URL(req.url ?? '/', upstream);
      const out = httpRequest(
        {
          agent,
          host: target.hostname,
          port: target.port,
          method: req.method,
          path: target.pathname + target.search,
          headers: req.headers,
        },
        (up) => {
          proxy.served.set(upstream, (proxy.served.get(upstream) ?? 0) + 1);
          res.writeHead(up.statusCode ?? 502, up.headers);
          up.pipe(res);
          up.on('error', () => res.destroy());
        },
      );
      out.on('error', (error: NodeJS.ErrnoException) => {
        if (error.code === 'ECONNREFUSED') {
          // Never reached the node: out of the rotation, and the next node answers instead.
          proxy.upstreams = proxy.upstreams.filter((u) => u !== upstream);
          forward(attempt);
          return;
        }
        if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' }).end(`upstream failed: ${error.code}`);
        else res.destroy();
      });
      out.end(body);
    };
    forward(0);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  proxy.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  proxy.close = async () => {
    agent.destroy();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  };
  return proxy;
}

export interface ClusterNode {
  child: ChildProcess;
  url: string;
  stderr: () => string;
}

/** Starts one `mvid serve` node with `env` (its own MVID_DATA_DIR, the cluster's database, KEK and public URL). */
export async function startNode(env: Record<string, string>): Promise<ClusterNode> {
  return startListening(['serve'], env);
}

/** Stops a node: SIGTERM (graceful) or SIGKILL (a crash); resolves once it has exited. */
export async function stopNode(node: ClusterNode, signal: 'SIGTERM' | 'SIGKILL' = 'SIGTERM'): Promise<void> {
  if (node.child.exitCode !== null || node.child.signalCode !== null) return;
  const exited = new Promise((resolve) => node.child.once('exit', resolve));
  node.child.kill(signal);
  await exited;
}
