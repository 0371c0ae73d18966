/**
 * `npm run bench [-- NAME…] [--quick] [--list]`: measures mvid against its ceilings and targets.
 * NAME is a suite, benchmark or metric name, or a prefix of one (`ceiling`, `mvid.readyz`).
 * A full run writes bench/results/latest.{json,md}; a selective or quick run writes
 * bench/results/partial.{json,md}, so the committed full results are never half overwritten.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { buildCatalogue, loadSuites, orderSuites, selectBenchmarks } from './harness/catalogue.ts';
import { ForeignCpu } from './harness/cpu.ts';
import { machineFacts } from './harness/machine.ts';
import { buildRows, type RunReport, renderMarkdown } from './harness/report.ts';
import { BUSY_CORES, runBenchmarks } from './harness/runner.ts';
import { TARGETS } from './targets.ts';

const HELP = `usage: npm run bench [-- [NAME...] [--quick] [--list] [--quiet-wait S]]
  NAME     a suite, benchmark or metric name, or a prefix (ceiling, ceiling.es256, mvid.readyz);
           the ceilings the selected metrics are compared to are measured too
  --quick  repetitions shortened to a fifth (smoke test; results are marked and not comparable)
  --list   list the benchmarks and targets, measure nothing
  --quiet-wait S  before each benchmark, wait for other processes to leave the CPU, at most
           S seconds in the whole run (default auto: what the 15-minute budget leaves, at
           most 300, and 0 with --quick; 0 never waits)
Full runs write bench/results/latest.{json,md}; selective or quick runs bench/results/partial.{json,md}.`;

const repoRoot = resolve(import.meta.dirname, '..');
const log = (line: string) => process.stderr.write(`${line}\n`);

function parse(args: string[]) {
  return parseArgs({
    args,
    allowPositionals: true,
    options: {
      quick: { type: 'boolean' },
      list: { type: 'boolean' },
      'quiet-wait': { type: 'string', default: 'auto' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}

/** CPU cores used by processes other than this one, over one second. */
async function otherWorkNow(): Promise<number | undefined> {
  const cpu = new ForeignCpu();
  const before = cpu.snapshot();
  await new Promise((resolve) => setTimeout(resolve, 1000));
  return ForeignCpu.cores(before, cpu.snapshot());
}

async function main(argv: string[]): Promise<number> {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (error) {
    log(`${(error as Error).message}\n${HELP}`);
    return 2;
  }
  if (parsed.values.help) {
    process.stdout.write(`${HELP}\n`);
    return 0;
  }
  const suites = orderSuites(await loadSuites(join(repoRoot, 'bench', 'suites')));
  const catalogue = buildCatalogue(suites, TARGETS);
  if (parsed.values.list) {
    for (const benchmark of catalogue) {
      process.stdout.write(`${benchmark.suite.padEnd(20)} ${benchmark.id}\n`);
      for (const metric of benchmark.metrics) {
        const extra = [metric.ceiling ? `vs ${metric.ceiling}` : '', metric.target ? 'target' : ''].filter(Boolean).join(', ');
        process.stdout.write(`${''.padEnd(22)}${metric.id} (${metric.unit})${extra ? ` [${extra}]` : ''}\n`);
      }
    }
    const reported = new Set(catalogue.flatMap((b) => b.metrics.map((m) => m.id)));
    for (const row of TARGETS) if (!reported.has(row.metric)) process.stdout.write(`not yet measured: ${row.metric} (${row.addedBy})\n`);
    return 0;
  }
  const names = parsed.positionals;
  const selection = selectBenchmarks(catalogue, names);
  if (selection.unknown.length > 0) {
    log(`bench: nothing matches ${selection.unknown.join(', ')}; \`npm run bench -- --list\` lists the names`);
    return 2;
  }
  if (selection.pulledIn.length > 0)
    log(`bench: also measuring the ceilings ${selection.pulledIn.join(', ')} (ratios need them from the same run)`);

  const quick = parsed.values.quick === true;
  const quietWait = parsed.values['quiet-wait'];
  // A smoke test has nothing to protect by waiting.
  const quietWaitSeconds = quietWait === 'auto' ? (quick ? 0 : 'auto') : Number(quietWait);
  if (quietWaitSeconds !== 'auto' && !(Number.isFinite(quietWaitSeconds) && quietWaitSeconds >= 0)) {
    log(`bench: --quiet-wait takes a number of seconds or auto\n${HELP}`);
    return 2;
  }
  const started = new Date();
  const machine = machineFacts(repoRoot);
  log(
    `bench: ${machine.cpuModel}, ${machine.availableParallelism} CPUs, Node ${machine.node}, commit ${machine.gitCommit?.slice(0, 12) ?? '?'}`,
  );
  const others = await otherWorkNow();
  if (others !== undefined && others >= BUSY_CORES) {
    log(`bench: WARNING other processes are using ${others.toFixed(2)} CPU cores; figures will be low (run on a quiet machine)`);
  }
  const { outcomes, facts } = await runBenchmarks(suites, catalogue, selection.benchmarks, {
    repoRoot,
    timeScale: quick ? 0.2 : 1,
    quietWaitSeconds,
    log,
  });
  const finished = new Date();
  if (others !== undefined) facts['other processes at the start'] = `${others.toFixed(2)} CPU cores (1 s sample)`;
  facts['load average at the end (1, 5, 15 min)'] = loadavg()
    .map((x) => x.toFixed(2))
    .join(', ');
  const report: RunReport = {
    schema: 1,
    startedAt: started.toISOString(),
    finishedAt: finished.toISOString(),
    durationSeconds: (finished.getTime() - started.getTime()) / 1000,
    selection: names,
    quick,
    machine,
    facts,
    results: buildRows(outcomes, catalogue, TARGETS),
  };
  const full = names.length === 0 && !quick;
  const directory = join(repoRoot, 'bench', 'results');
  const stem = full ? 'latest' : 'partial';
  mkdirSync(directory, { recursive: true });
  writeFileSync(join(directory, `${stem}.json`), `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(join(directory, `${stem}.md`), renderMarkdown(report, TARGETS));

  const count = (status: string) => report.results.filter((r) => r.status === status).length;
  log(
    `bench: done in ${Math.round(report.durationSeconds)} s — ${count('met')} met, ${count('missed')} missed, ${count('unavailable')} unavailable, ` +
      `${count('error')} errors, ${count('not-measured')} not yet measured; wrote bench/results/${stem}.{json,md}`,
  );
  return count('error') > 0 ? 1 : 0;
}

process.exitCode = await main(process.argv.slice(2));
