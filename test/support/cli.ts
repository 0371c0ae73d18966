/** A CliIo that records what a command printed, for calling `runCli` in-process. */
import type { CliIo } from '../../src/cli/io.ts';
import { REPO_ROOT } from './engines.ts';

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
