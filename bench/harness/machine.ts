/** Facts about the machine a run happened on, so figures from two runs can be compared honestly. */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';

export interface MachineFacts {
  cpuModel: string;
  /** Logical CPUs the OS reports, and how many this process may use (cgroup/affinity aware). */
  cores: number;
  availableParallelism: number;
  /** The cgroup v2 CPU quota (`cpu.max`), when one is set. */
  cpuQuota: string | null;
  totalMemoryMB: number;
  node: string;
  os: string;
  distribution: string | null;
  gitCommit: string | null;
  /** Whether the working tree had uncommitted changes (then the commit alone does not describe the code). */
  gitDirty: boolean | null;
  /** 1, 5 and 15 minute load averages when the run started: other work on the machine skews every figure. */
  loadAverage: number[];
}

function tryRead(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

function git(repoRoot: string, args: string[]): string | undefined {
  try {
    return execFileSync('git', args, { cwd: repoRoot, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return undefined;
  }
}

export function machineFacts(repoRoot: string): MachineFacts {
  const cpus = os.cpus();
  const quota = tryRead('/sys/fs/cgroup/cpu.max')?.trim();
  const release = tryRead('/etc/os-release');
  const status = git(repoRoot, ['status', '--porcelain']);
  return {
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    availableParallelism: os.availableParallelism(),
    cpuQuota: quota === undefined || quota.startsWith('max') ? null : quota,
    totalMemoryMB: Math.round(os.totalmem() / 2 ** 20),
    node: process.version,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    distribution: (release ? /^PRETTY_NAME="?([^"\n]*)"?$/m.exec(release)?.[1] : undefined) ?? null,
    gitCommit: git(repoRoot, ['rev-parse', 'HEAD']) ?? null,
    gitDirty: status === undefined ? null : status.length > 0,
    loadAverage: os.loadavg().map((x) => Math.round(x * 100) / 100),
  };
}
