/**
 * How much CPU other work on the machine took while a benchmark ran. The bench shares its
 * cores with whatever else runs (a test suite, a build), and a figure measured beside them is
 * low for reasons that have nothing to do with mvid; the report flags such figures.
 * Linux only (/proc); elsewhere nothing is measured.
 */
import { readdirSync, readFileSync } from 'node:fs';

// USER_HZ: the unit of /proc/stat and /proc/<pid>/stat times; 100 on every mainstream Linux.
const TICKS_PER_SECOND = 100;

interface ProcStat {
  ppid: number;
  /** utime + stime + cutime + cstime: own time plus that of reaped children. */
  ticks: number;
}

function readProc(pid: string): ProcStat | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name is in parentheses and may contain spaces; fields resume after the last ')'.
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    const num = (i: number) => Number(fields[i] ?? 0);
    return { ppid: num(1), ticks: num(11) + num(12) + num(13) + num(14) };
  } catch {
    return undefined;
  }
}

/** Busy ticks of the whole machine (all CPUs), steal included: a hypervisor's neighbours are other work too. */
function machineBusyTicks(): number | undefined {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
    const [, user, nice, system, , , irq, softirq, steal] = line.trim().split(/\s+/).map(Number);
    return [user, nice, system, irq, softirq, steal].reduce<number>((sum, x) => sum + (x ?? 0), 0);
  } catch {
    return undefined;
  }
}

/** CPU ticks of the given roots and all their live descendants (reaped ones are in their parents' cutime). */
function treeTicks(roots: ReadonlySet<number>): number {
  const stats = new Map<number, ProcStat>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readProc(entry);
    if (stat) stats.set(Number(entry), stat);
  }
  const inTree = (pid: number): boolean => {
    for (let p = pid, hops = 0; p > 1 && hops < 64; hops++) {
      if (roots.has(p)) return true;
      p = stats.get(p)?.ppid ?? 0;
    }
    return false;
  };
  let ticks = 0;
  for (const [pid, stat] of stats) if (inTree(pid)) ticks += stat.ticks;
  return ticks;
}

export interface CpuSnapshot {
  at: number;
  busy: number;
  own: number;
}

/**
 * Tracks CPU outside "our" processes: the bench process, its children (the servers under
 * test) and any extra roots registered (the PostgreSQL cluster the bench started).
 */
export class ForeignCpu {
  readonly #roots = new Set<number>([process.pid]);

  addRoot(pid: number): void {
    this.#roots.add(pid);
  }

  snapshot(): CpuSnapshot | undefined {
    const busy = machineBusyTicks();
    if (busy === undefined) return undefined;
    return { at: performance.now(), busy, own: treeTicks(this.#roots) };
  }

  /** Average cores used by other work between two snapshots (never negative). */
  static cores(from: CpuSnapshot | undefined, to: CpuSnapshot | undefined): number | undefined {
    if (!from || !to || to.at <= from.at) return undefined;
    const foreignTicks = to.busy - from.busy - (to.own - from.own);
    return Math.max(0, foreignTicks / TICKS_PER_SECOND / ((to.at - from.at) / 1000));
  }
}
