/**
 * The dealerless key ceremony from the command line:
 *   `mvid trustees dkg-open` (administrator, on the server): opens a ceremony and writes
 *     one token file per trustee — the only thing the operator hands out;
 *   `mvid trustee dkg` (each trustee, on their own machine): runs the ceremony through
 *     the server and writes this trustee's passphrase-encrypted share file.
 * No machine ever holds the escrow secret; the dealer (`trustees init --dev-dealer`) is
 * for demos and tests only.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { SHARE_PASSPHRASE_MIN_LENGTH } from '../../crypto/index.ts';
import { ApiClient } from '../../disclosure/index.ts';
import { TRUSTEE_NAME, runDkg } from '../../registry/index.ts';
import { type CliIo, UsageError } from '../io.ts';
import { requireUrl, tokenOf } from './disclosure-context.ts';
import { canPrompt, collect, promptHidden, readSecretFile, withRegistry } from './registry-context.ts';

interface OpenOptions {
  threshold: string;
  trustee: string[];
  outDir: string;
  replace?: boolean;
}

interface DkgOptions {
  url: string;
  ceremony: string;
  tokenFile?: string;
  passphraseFile?: string;
  out: string;
}

async function dkgOpen(io: CliIo, o: OpenOptions): Promise<void> {
  const threshold = Number(o.threshold);
  if (!/^\d{1,3}$/.test(o.threshold)) throw new UsageError(`--threshold must be a small positive integer, got ${o.threshold}`);
  const bad = o.trustee.find((t) => !TRUSTEE_NAME.test(t));
  if (bad !== undefined) throw new UsageError(`trustee name ${JSON.stringify(bad)} must be letters, digits, . _ - (at most 64)`);
  const outDir = resolve(io.cwd, o.outDir);
  const clash = o.trustee.map((t) => join(outDir, `dkg-token-${t}`)).find((p) => existsSync(p));
  if (clash) throw new UsageError(`${clash} exists; choose another --out-dir`);
  await withRegistry(io, async ({ registry }) => {
    const { ceremony, tokens } = await registry.dkg.create({ threshold, trustees: o.trustee, replace: o.replace === true });
    mkdirSync(outDir, { recursive: true, mode: 0o700 });
    for (const t of tokens) writeFileSync(join(outDir, `dkg-token-${t.trusteeId}`), `${t.token}\n`, { mode: 0o600, flag: 'wx' });
    io.out(`key ceremony ${ceremony.id}: ${threshold} of ${tokens.length} (${o.trustee.join(', ')})`);
    io.out(`each trustee runs: mvid trustee dkg --url URL --ceremony ${ceremony.id} --token-file dkg-token-NAME --out share.json`);
    io.err(`mvid: hand each token file in ${outDir} to its trustee only, then delete it here.`);
  });
}

async function passphraseOf(io: CliIo, file: string | undefined): Promise<string> {
  let passphrase = file === undefined ? io.env.MVID_TRUSTEE_PASSPHRASE : readSecretFile(io, file);
  if (passphrase === undefined && canPrompt(io)) {
    passphrase = await promptHidden(`passphrase for your new share (at least ${SHARE_PASSPHRASE_MIN_LENGTH} characters): `);
    if ((await promptHidden('repeat it: ')) !== passphrase) throw new UsageError('the two passphrases differ');
  }
  if (passphrase === undefined) throw new UsageError('give the share passphrase with --passphrase-file FILE or MVID_TRUSTEE_PASSPHRASE');
  if ([...passphrase.normalize('NFKC')].length < SHARE_PASSPHRASE_MIN_LENGTH) {
    throw new UsageError(`the passphrase is shorter than ${SHARE_PASSPHRASE_MIN_LENGTH} characters`);
  }
  return passphrase;
}

async function trusteeDkg(io: CliIo, o: DkgOptions): Promise<void> {
  const out = resolve(io.cwd, o.out);
  if (existsSync(out)) throw new UsageError(`${out} exists (share files are never overwritten)`);
  const api = new ApiClient(requireUrl(o.url), tokenOf(io, o.tokenFile, 'MVID_DKG_TOKEN'), fetch);
  const passphrase = await passphraseOf(io, o.passphraseFile);
  const result = await runDkg({
    ceremonyId: o.ceremony,
    call: (method, path, body) => api.json(method, path, body),
    passphrase,
    progress: (line) => io.err(`mvid: ${line}`),
  });
  writeFileSync(out, `${JSON.stringify(result.shareFile, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
  io.out(`trustee set ${result.trusteeSet.id} is active: ${result.trusteeSet.threshold} of ${result.trusteeSet.trustees.length} trustees`);
  io.out(`your share (index ${result.trusteeIndex}) is in ${out}; ceremony transcript ${result.outcome.transcript}`);
  io.out(`announced keys fingerprint ${result.fingerprint}: check that every trustee saw the same`);
}

export function registerTrusteeDkgCommands(program: Command, io: CliIo): void {
  const trustees = program.commands.find((c) => c.name() === 'trustees') ?? program.command('trustees');
  trustees
    .command('dkg-open')
    .description('open a dealerless key ceremony and write one token file per trustee (each runs `mvid trustee dkg`)')
    .requiredOption('--threshold <M>', 'how many trustees must cooperate to open an envelope')
    .option('--trustee <name>', 'a trustee (repeat, in order)', collect, [])
    .option('--out-dir <dir>', 'where to write the token files', 'dkg-tokens')
    .option('--replace', 'the new set retires the active one when the ceremony completes')
    .action((o: OpenOptions) => dkgOpen(io, o));
  const trustee = program.commands.find((c) => c.name() === 'trustee') ?? program.command('trustee');
  trustee
    .command('dkg')
    .description('take part in a key ceremony from this machine; writes your passphrase-encrypted share file')
    .requiredOption('--url <url>', 'the mvid service that relays the ceremony')
    .requiredOption('--ceremony <id>', 'the ceremony id from the administrator')
    .option('--token-file <file>', 'your ceremony token file (else MVID_DKG_TOKEN)')
    .option('--passphrase-file <file>', 'the passphrase for your new share (else MVID_TRUSTEE_PASSPHRASE, else a prompt)')
    .requiredOption('--out <file>', 'where to write your share file (must not exist)')
    .action((o: DkgOptions) => trusteeDkg(io, o));
}
