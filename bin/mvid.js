#!/usr/bin/env node
// Entry point of the `mvid` command. mvid's source is TypeScript run by Node's type
// stripping, which needs Node >= 22.18; when started by an older `node` on PATH, this
// re-executes itself with the Node 24 that `npm ci` installed (the `node` package).
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
if (process.features.typescript) {
  const { runCli } = await import('../src/cli/main.ts');
  process.exit(await runCli(process.argv.slice(2)));
} else {
  const pinned = join(here, '..', 'node_modules', 'node', 'bin', 'node');
  if (!existsSync(pinned)) {
    process.stderr.write(`mvid needs Node.js 24 (found ${process.version}); run \`npm ci\` first.\n`);
    process.exit(1);
  }
  const child = spawn(pinned, [fileURLToPath(import.meta.url), ...process.argv.slice(2)], { stdio: 'inherit' });
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}
