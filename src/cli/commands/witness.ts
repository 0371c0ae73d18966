/**
 * `mvid witness serve` and `mvid witness key`: a small C2SP tlog-witness for one log,
 * with its cosigning key and its per-log state in a data directory of its own (it needs
 * no mvid database). The log pushes checkpoints to `POST <url>/add-checkpoint`.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { systemClock } from '../../core/index.ts';
import { type Cosigner, cosigner, createWitness, fileWitnessStore, isValidKeyName, parseVerifierKey } from '../../tlog/index.ts';
import { type CliIo, UsageError } from '../io.ts';

// Not an ES import of node:http: that loads Node's undici for its namespace (see src/server/outbound.ts).
const { createServer } = process.getBuiltinModule('node:http');
const MAX_BODY = 1 << 20;

/** The witness key: created on first use (0600), reused after; the name is fixed at creation. */
function loadWitnessKey(dataDir: string, name: string | undefined): Cosigner {
  const path = join(dataDir, 'witness-key.json');
  if (!existsSync(path)) {
    const keyName = name ?? 'mvid-witness';
    if (!isValidKeyName(keyName)) throw new UsageError(`--name ${keyName} is not a valid key name (no spaces or +)`);
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    writeFileSync(path, `${JSON.stringify({ name: keyName, seed: randomBytes(32).toString('base64') })}\n`, { mode: 0o600, flag: 'wx' });
    chmodSync(path, 0o600);
  }
  const stored = JSON.parse(readFileSync(path, 'utf8')) as { name: string; seed: string };
  if (name !== undefined && name !== stored.name)
    throw new UsageError(`the witness key in ${dataDir} is named ${stored.name}, not ${name}`);
  return cosigner(stored.name, new Uint8Array(Buffer.from(stored.seed, 'base64')), systemClock);
}

async function readBody(request: IncomingMessage): Promise<Uint8Array | null> {
  const chunks: Buffer[] = [];
  let length = 0;
  for await (const chunk of request) {
    length += (chunk as Buffer).length;
    if (length > MAX_BODY) return null;
    chunks.push(chunk as Buffer);
  }
  return new Uint8Array(Buffer.concat(chunks));
}

function send(response: ServerResponse, status: number, contentType: string, body: string): void {
  response.writeHead(status, { 'content-type': contentType, 'cache-control': 'no-store' }).end(body);
}

/**
 * Serves a witness's `POST /add-checkpoint` over HTTP (for `mvid witness serve` and the demo).
 * Resolves once listening, with its URL (the prefix a log submits to) and the server.
 */
export async function listenWitness(
  service: ReturnType<typeof createWitness>,
  host: string,
  port: number,
  onError: (error: Error) => void,
): Promise<{ url: string; server: Server }> {
  const server = createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0];
    if (path !== '/add-checkpoint') return send(response, 404, 'text/plain; charset=utf-8', 'not found\n');
    if (request.method !== 'POST') {
      response.setHeader('allow', 'POST');
      return send(response, 405, 'text/plain; charset=utf-8', 'use POST\n');
    }
    readBody(request)
      .then(async (body) => {
        if (body === null) return send(response, 413, 'text/plain; charset=utf-8', 'request too large\n');
        const answer = await service.addCheckpoint(body);
        send(response, answer.status, answer.contentType, answer.body);
      })
      .catch((error: unknown) => {
        onError(error as Error);
        if (!response.headersSent) send(response, 500, 'text/plain; charset=utf-8', 'internal error\n');
      });
  });
  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolveListen());
  });
  const address = server.address();
  const bound = typeof address === 'object' && address !== null ? address.port : port;
  return { url: `http://${host}:${bound}`, server };
}

export function registerWitnessCommands(program: Command, io: CliIo): void {
  const witness = program.command('witness').description('run a C2SP tlog-witness that cosigns a log’s consistent checkpoints');

  witness
    .command('key')
    .description("print the witness's verifier key (creating the key on first use)")
    .requiredOption('--data-dir <dir>', 'where the witness keeps its key and state')
    .option('--name <name>', 'the witness key name (on creation; default mvid-witness)')
    .action((flags: { dataDir: string; name?: string }) => {
      io.out(loadWitnessKey(resolve(io.cwd, flags.dataDir), flags.name).verifier.vkey);
    });

  witness
    .command('serve')
    .description('serve POST /add-checkpoint for one log until SIGTERM/SIGINT')
    .requiredOption('--log-key <vkey>', "the log's verifier key (GET <mvid>/log/v1/key)")
    .option('--origin <origin>', "the log's checkpoint origin (default: the key name)")
    .requiredOption('--data-dir <dir>', 'where the witness keeps its key and state')
    .option('--name <name>', 'the witness key name (on creation; default mvid-witness)')
    .option('--host <host>', 'address to bind', '127.0.0.1')
    .option('-p, --port <port>', 'port to listen on (0: any free port)', '7380')
    .action(async (flags: { logKey: string; origin?: string; dataDir: string; name?: string; host: string; port: string }) => {
      const port = Number(flags.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError('--port must be 0..65535');
      const logKey = parseVerifierKey(flags.logKey);
      const dataDir = resolve(io.cwd, flags.dataDir);
      const key = loadWitnessKey(dataDir, flags.name);
      const service = createWitness({
        cosigner: key,
        logs: [{ origin: flags.origin ?? logKey.name, verifier: logKey }],
        store: fileWitnessStore(join(dataDir, 'logs')),
      });
      const { url: bound, server } = await listenWitness(service, flags.host, port, (error) =>
        io.err(`mvid: witness request failed: ${error.message}`),
      );
      io.err(`mvid: witness ${key.verifier.vkey} for ${flags.origin ?? logKey.name} listening on ${bound}`);
      await new Promise<void>((resolveStop) => {
        const stop = () => server.close(() => resolveStop());
        process.once('SIGTERM', stop);
        process.once('SIGINT', stop);
      });
    });
}
