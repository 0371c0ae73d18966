/**
 * Servers under test run in a child process of their own, on loopback, so the load generator
 * (in the bench process) and the server do not share an event loop.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { Unavailable } from './types.ts';

export interface ServerProcess {
  /** `http://127.0.0.1:<port>` as the server announced it. */
  url: string;
  pid: number;
  /** Resident set size now, in bytes. */
  rssBytes(): number;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves when the process has exited. */
  stop(graceMs?: number): Promise<void>;
}

export interface ServerSpawn {
  name: string;
  command: string;
  args: readonly string[];
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** How long to wait for the "listening on http://…" line on stderr. */
  startTimeoutMs?: number;
}

const LISTENING = /listening on (http:\/\/127\.0\.0\.1:\d+)/;

/** Resident set size of a process in bytes: /proc/<pid>/status VmRSS on Linux, `ps` elsewhere. */
export function rssOf(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = /^VmRSS:\s+(\d+)\s+kB$/m.exec(status);
    if (match) return Number(match[1]) * 1024;
  } catch {}
  try {
    const kb = Number(execFileSync('ps', ['-o', 'rss=', '-p', String(pid)], { encoding: 'utf8' }).trim());
    if (Number.isFinite(kb) && kb > 0) return kb * 1024;
  } catch {}
  throw new Unavailable(`cannot read the resident set size of process ${pid} (no /proc, no ps)`);
}

/** A TCP port that was free a moment ago on 127.0.0.1. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/** The line of a crashed process's stderr that says what went wrong (the first error line, else the last line). */
function keyLine(stderr: string): string {
  const lines = stderr
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.length > 0);
  return lines.find((line) => /\b\w*Error\b|\berror\b/.test(line)) ?? lines.at(-1) ?? '(no output)';
}

/** Spawns a server and resolves once it prints the address it listens on. */
export async function startServer(spec: ServerSpawn): Promise<ServerProcess> {
  const child = spawn(spec.command, spec.args, {
    cwd: spec.cwd,
    env: spec.env ?? process.env,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${spec.name} did not announce its address within ${spec.startTimeoutMs ?? 30_000} ms:\n${stderr.slice(-2000)}`));
    }, spec.startTimeoutMs ?? 30_000);
    const onData = (chunk: Buffer) => {
      // Keep only the tail: a chatty server must not grow the bench process's memory.
      stderr = (stderr + chunk.toString('utf8')).slice(-8000);
      const match = LISTENING.exec(stderr);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stderr?.on('data', onData);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`${spec.name} exited (${signal ?? `code ${code}`}) before listening: ${keyLine(stderr)}\n${stderr.slice(-2000)}`));
    });
  });
  // After start, keep draining stderr so the child never blocks on a full pipe.
  child.stderr?.removeAllListeners('data');
  child.stderr?.on('data', () => {});
  const pid = child.pid;
  if (pid === undefined) throw new Error(`${spec.name} has no pid`);
  let stopping: Promise<void> | undefined;
  return {
    url,
    pid,
    rssBytes: () => rssOf(pid),
    stop(graceMs = 5000) {
      stopping ??= (async () => {
        const done = exited(child);
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
        await done;
        clearTimeout(timer);
      })();
      return stopping;
    },
  };
}

/**
 * Extra Node flags for server child processes, from MVID_BENCH_SERVER_NODE_ARGS (for example
 * `--cpu-prof --cpu-prof-dir=bench/profiles`), so a profile is taken of the server, not the bench.
 */
export function serverNodeArgs(): string[] {
  return (process.env.MVID_BENCH_SERVER_NODE_ARGS ?? '').split(/\s+/).filter((arg) => arg.length > 0);
}
