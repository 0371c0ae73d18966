/**
 * `mvid tag-service`: the uniqueness-tag OPRF key holder as its own process, with its
 * own key directory (never the enrolment server's). Prints the public key to pin
 * (MVID_TAG_SERVICE_PUBLIC_KEY) and where the client token is (MVID_TAG_SERVICE_TOKEN).
 */
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { createTagServiceApp } from '../../http/index.ts';
import { TAG_SERVICE_FILES, TagService } from '../../tagservice/index.ts';
import { type CliIo, UsageError } from '../io.ts';

interface Options {
  keyDir: string;
  host: string;
  port: string;
  ratePerMinute: string;
}

async function run(io: CliIo, o: Options): Promise<void> {
  const port = Number(o.port);
  const rate = Number(o.ratePerMinute);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be 0..65535, got ${o.port}`);
  if (!Number.isInteger(rate) || rate < 1) throw new UsageError(`--rate-per-minute must be a positive integer, got ${o.ratePerMinute}`);
  const keyDir = resolve(io.cwd, o.keyDir);
  const service = new TagService({ keyDir, ratePerMinute: rate });
  const app = createTagServiceApp(service, { publicUrl: `http://${o.host}` });
  await app.listen({ host: o.host, port });
  const address = app.server.address();
  const bound = typeof address === 'object' && address ? address.port : port;
  const { publicKey, evaluations } = service.status();
  io.out(
    `mvid tag-service on http://${o.host}:${bound}: public key ${publicKey}, ${evaluations} evaluation(s) so far, at most ${rate}/min`,
  );
  io.out(`client token in ${join(keyDir, TAG_SERVICE_FILES.token)} (give it to the enrolment server as MVID_TAG_SERVICE_TOKEN)`);
  await new Promise<void>((done) => {
    const stop = () => {
      app.close().finally(() => {
        service.close();
        done();
      });
    };
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
  });
}

export function registerTagServiceCommand(program: Command, io: CliIo): void {
  program
    .command('tag-service')
    .description('run the uniqueness-tag service (the OPRF key holder) with its own key directory')
    .requiredOption('--key-dir <dir>', 'its key directory (created on first run; keep it off the enrolment server)')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--port <port>', 'port to listen on (0: any free port)', '8790')
    .option('--rate-per-minute <n>', 'evaluations answered per minute at most', '60')
    .action((o: Options) => run(io, o));
}
