/** Helpers for CLI tests: capturing in-process output, and starting `bin/mvid.js` as a real process. */
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import type { CliIo } from '../../src/cli/io.ts';
import { REPO_ROOT } from './engines.ts';

export const MVID_BIN = join(REPO_ROOT, 'bin', 'mvid.js');

/** A CliIo that records what a command printed, for calling `runCli` in-process. */
export type CapturedIo = CliIo & { stdout: string; stderr: string };

export function captureIo(env: Record<string, string | undefined> = {}, cwd: string = REPO_ROOT): CapturedIo {
  const io: CapturedIo = {
    env,
    cwd,
    stdout: '',
    stderr: '',
    out(text: string) {
      io.stdout += `${text}\n`;
    },
    err(text: string) {
      io.stderr += `${text}\n`;
    },
  };
  return io;
}

/**
 * Starts a long-running mvid command (`serve`, `witness serve`) as its own process and resolves
 * with the URL it says it listens on; `stderr()` is everything it has printed there so far.
 */
export async function startListening(
  args: string[],
  env: Record<string, string>,
  /** Another installation's node and entry point (the rehearsed image's), in its own directory. */
  entry: { node: string; bin: string; cwd: string } = { node: process.execPath, bin: MVID_BIN, cwd: REPO_ROOT },
): Promise<{ child: ChildProcess; url: string; stderr: () => string }> {
  const child = spawn(entry.node, [entry.bin, ...args], {
    cwd: entry.cwd,
    env: { ...(process.env as Record<string, string>), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL'); // never leave a half-started server behind a failed test
      reject(new Error(`no listening line: ${stderr}`));
    }, 30_000);
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      const match = /listening on (http:\/\/[\d.]+:\d+)/.exec(stderr);
      if (match) {
        clearTimeout(timer);
        resolve(match[1] as string);
      }
    });
    child.on('exit', (code) => reject(new Error(`exited ${code}: ${stderr}`)));
  });
  return { child, url, stderr: () => stderr };
}
