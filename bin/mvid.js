#!/usr/bin/env node
// Entry point of the `mvid` command. mvid's source is TypeScript run by Node's type
// stripping, which needs Node >= 22.18; when started by an older `node` on PATH, this
// re-executes itself with the Node 24 that `npm ci` installed (the `node` package). So this
// file must load on old Node too: nothing newer than Node 18 at the top level.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as nodeModule from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const script = fileURLToPath(import.meta.url);
const args = process.argv.slice(2);

/**
 * V8 heap sizing for the long-running server. V8 sizes its heap from the machine's memory
 * (64 MB semi-spaces and a ~4 GB old generation on a 24 GB machine) and lets garbage pile up
 * to match: under the token load `mvid serve` held ~380 MB for a live heap of ~40 MB. These
 * bounds keep it near 230 MB (docs/performance.md); 1 GB is 25× the live heap. A flag the
 * operator already gave (on the command line or in NODE_OPTIONS) wins.
 */
const SERVE_V8_FLAGS = ['--max-semi-space-size=8', '--max-old-space-size=1024'];
// V8 accepts `_` for `-` in flag names (`--max_old_space_size`).
const given = [...process.execArgv, ...(process.env.NODE_OPTIONS ?? '').split(/\s+/)].map((flag) => flag.replaceAll('_', '-'));
const serveFlags = args[0] === 'serve' ? SERVE_V8_FLAGS.filter((flag) => !given.some((g) => g.startsWith(flag.split('=')[0]))) : [];
/**
 * glibc's malloc gives each thread that allocates an arena of its own, up to 8 per core: the
 * libuv threads signing tokens (WebCrypto) and the sealing workers each kept megabytes of
 * freed memory resident — ~20 MB of a server under the token load. Two arenas held it to a
 * few MB at no measurable cost in tokens/s (docs/performance.md, `mvid.rss.load`). Read by
 * glibc when a process starts, so set for the re-executed server; an operator's value wins,
 * and other C libraries ignore it.
 */
const serveEnv =
  args[0] === 'serve' && process.env.MALLOC_ARENA_MAX === undefined ? { ...process.env, MALLOC_ARENA_MAX: '2' } : process.env;

if (process.features.typescript) {
  // Where execve exists (not on Windows), replace this process (same pid, no parent left
  // waiting): heap flags and the malloc setting only act at start-up. Elsewhere the server
  // runs with V8's and the C library's defaults.
  if ((serveFlags.length > 0 || serveEnv !== process.env) && typeof process.execve === 'function') {
    process.execve(process.execPath, [process.execPath, ...serveFlags, ...process.execArgv, script, ...args], serveEnv);
  }
  // Type stripping and compilation are cached beside the code (not in a shared temp dir, where
  // another local user could plant entries), so later starts skip most of that work and memory.
  nodeModule.enableCompileCache(join(here, '..', 'node_modules', '.cache', 'node-compile-cache'));
  const { runCli } = await import('../src/cli/main.ts');
  process.exit(await runCli(args));
} else {
  const pinned = join(here, '..', 'node_modules', 'node', 'bin', 'node');
  if (!existsSync(pinned)) {
    process.stderr.write(`mvid needs Node.js 24 (found ${process.version}); run \`npm ci\` first.\n`);
    process.exit(1);
  }
  const child = spawn(pinned, [...serveFlags, script, ...args], { stdio: 'inherit', env: serveEnv });
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}
