/** The example world (examples/world/server.ts) as its own process, registered with a listening mvid. */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT } from './engines.ts';
import { freePort, registerWorld, type WorldsRuntime } from './worlds.ts';

export interface ExampleWorld {
  url: string;
  clientId: string;
  /** Everything the process printed (for failure messages). */
  output(): string;
  stop(): void;
}

async function waitFor(url: string, child: ChildProcess, log: () => string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (child.exitCode !== null) throw new Error(`the example world exited: ${log()}`);
    try {
      await fetch(url);
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw new Error(`the example world did not start: ${log()}`);
}

/** Registers "Example World" as its README does and starts it on a free localhost port. */
export async function startExampleWorld(rt: WorldsRuntime): Promise<ExampleWorld> {
  // The world imports @mvid/sdk as a world would (examples/world/package.json): build it.
  execFileSync(join(REPO_ROOT, 'node_modules', '.bin', 'tsc'), ['-p', 'packages/sdk'], { cwd: REPO_ROOT });
  const port = await freePort();
  const url = `http://localhost:${port}`;
  const world = await registerWorld(rt, {
    name: 'Example World',
    redirectUris: [`${url}/callback`],
    purpose: 'Adult areas need age_over_18; your handle is shown to other players.',
    claims: [
      { name: 'age_over_18', required: true },
      { name: 'handle', required: false },
    ],
  });
  let output = '';
  const child = spawn(process.execPath, ['examples/world/server.ts'], {
    cwd: REPO_ROOT,
    env: {
      ...process.env,
      MVID_ISSUER: `${rt.url}/oidc`,
      WORLD_CLIENT_ID: world.clientId,
      WORLD_CLIENT_SECRET: world.clientSecret as string,
      PORT: String(port),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (d) => (output += d));
  child.stderr?.on('data', (d) => (output += d));
  await waitFor(`${url}/`, child, () => output);
  return { url, clientId: world.clientId, output: () => output, stop: () => child.kill('SIGTERM') };
}
