/**
 * The dealerless key ceremony from the command line:
 *   `mvid trustees dkg-open` (administrator, on the server): opens a ceremony and writes
 *     one token file per trustee — the only thing the operator hands out;
 *   `mvid trustee dkg` (each trustee, on their own machine): runs the ceremony through
 *     the server and writes this trustee's passphrase-encrypted share file.
 *   `mvid trustees reshare-open` (administrator): opens a reshare of one set's escrow key
 *     to new trustees and a new threshold, one token file per new and per re-dealing old trustee;
 *   `mvid trustee reshare` (each of them, on their own machine): an old trustee re-deals its
 *     share and its share file is destroyed once the new set is published; a new trustee
 *     writes its new share file.
 * No machine ever holds the escrow secret; the dealer (`trustees init --dev-dealer`) is
 * for demos and tests only.
 */
import { closeSync, existsSync, fstatSync, fsyncSync, mkdirSync, openSync, unlinkSync, writeFileSync, writeSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { SHARE_PASSPHRASE_MIN_LENGTH } from '../../crypto/index.ts';
import { ApiClient } from '../../disclosure/index.ts';
import { TRUSTEE_NAME, runDkg, runReshare } from '../../registry/index.ts';
import { type CliIo, UsageError } from '../io.ts';
import { requireUrl, tokenOf } from './disclosure-context.ts';
import { canPrompt, collect, promptHidden, readSecretFile, withRegistry } from './registry-context.ts';
import { openShare } from './trustee-review.ts';

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
  const threshold = checkThreshold(o.threshold);
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

interface ReshareOpenOptions {
  threshold: string;
  trustees: string;
  dealers?: string;
  from?: string;
  outDir: string;
}

interface ReshareOptions {
  url: string;
  ceremony: string;
  tokenFile?: string;
  shareFile?: string;
  oldPassphraseFile?: string;
  passphraseFile?: string;
  out?: string;
}

const names = (list: string) =>
  list
    .split(',')
    .map((n) => n.trim())
    .filter((n) => n !== '');

function checkThreshold(text: string): number {
  if (!/^\d{1,3}$/.test(text)) throw new UsageError(`--threshold must be a small positive integer, got ${text}`);
  return Number(text);
}

async function reshareOpen(io: CliIo, o: ReshareOpenOptions): Promise<void> {
  const threshold = checkThreshold(o.threshold);
  const trustees = names(o.trustees);
  const bad = trustees.find((t) => !TRUSTEE_NAME.test(t));
  if (bad !== undefined) throw new UsageError(`trustee name ${JSON.stringify(bad)} must be letters, digits, . _ - (at most 64)`);
  const outDir = resolve(io.cwd, o.outDir);
  if (existsSync(outDir)) throw new UsageError(`${outDir} exists; choose another --out-dir`);
  await withRegistry(io, async ({ registry }) => {
    const from = o.from ?? (await registry.trusteeSets.active())?.id;
    if (from === undefined) throw new UsageError('no trustee set is active: give --from SET');
    const { ceremony, tokens } = await registry.dkg.createReshare({
      fromSetId: from,
      threshold,
      trustees,
      ...(o.dealers === undefined ? {} : { dealers: names(o.dealers) }),
    });
    mkdirSync(outDir, { recursive: true, mode: 0o700 });
    for (const t of tokens) {
      writeFileSync(join(outDir, `reshare-token-${t.role === 'dealer' ? 'old' : 'new'}-${t.trusteeId}`), `${t.token}\n`, {
        mode: 0o600,
        flag: 'wx',
      });
    }
    io.out(`reshare ceremony ${ceremony.id}: the key of ${from} to ${threshold} of ${trustees.length} (${trustees.join(', ')})`);
    io.out(`old trustees re-dealing: ${(ceremony.dealers ?? []).length}; each runs:`);
    io.out(`  mvid trustee reshare --url URL --ceremony ${ceremony.id} --token-file reshare-token-old-NAME --share-file share.json`);
    io.out(`each new trustee runs:`);
    io.out(`  mvid trustee reshare --url URL --ceremony ${ceremony.id} --token-file reshare-token-new-NAME --out new-share.json`);
    io.err(`mvid: hand each token file in ${outDir} to its trustee only, then delete it here.`);
  });
}

/** Overwrites a file with zeros, flushes it to disk and unlinks it (backups and copies are the trustee's to destroy). */
function destroyFile(path: string): void {
  const fd = openSync(path, 'r+');
  try {
    writeSync(fd, Buffer.alloc(fstatSync(fd).size));
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  unlinkSync(path);
}

async function trusteeReshare(io: CliIo, o: ReshareOptions): Promise<void> {
  if ((o.shareFile === undefined) === (o.out === undefined))
    throw new UsageError('an old trustee gives --share-file (its share of the set being reshared); a new trustee gives --out');
  const out = o.out === undefined ? undefined : resolve(io.cwd, o.out);
  if (out !== undefined && existsSync(out)) throw new UsageError(`${out} exists (share files are never overwritten)`);
  const api = new ApiClient(requireUrl(o.url), tokenOf(io, o.tokenFile, 'MVID_DKG_TOKEN'), fetch);
  const share = o.shareFile === undefined ? undefined : await openShare(io, resolve(io.cwd, o.shareFile), o.oldPassphraseFile);
  try {
    const passphrase = out === undefined ? undefined : await passphraseOf(io, o.passphraseFile);
    const result = await runReshare({
      ceremonyId: o.ceremony,
      call: (method, path, body) => api.json(method, path, body),
      ...(share ? { share } : {}),
      ...(passphrase === undefined ? {} : { passphrase }),
      progress: (line) => io.err(`mvid: ${line}`),
    });
    io.out(
      `trustee set ${result.trusteeSet.id} holds the escrow key of ${result.from.id}: ${result.trusteeSet.threshold} of ${result.trusteeSet.trustees.length}`,
    );
    io.out(`ceremony transcript ${result.outcome.transcript}; announced keys fingerprint ${result.fingerprint}`);
    if (out !== undefined && result.shareFile) {
      writeFileSync(out, `${JSON.stringify(result.shareFile, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
      io.out(`your new share (index ${result.index}) is in ${out}`);
    }
    if (o.shareFile !== undefined) {
      destroyFile(resolve(io.cwd, o.shareFile));
      io.out(`your old share file ${o.shareFile} is destroyed: destroy every copy and backup of it too`);
    }
  } finally {
    share?.secret.fill(0);
  }
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
  trustees
    .command('reshare-open')
    .description('open a reshare of an escrow key to new trustees (same public key; every envelope keeps opening, by the new quorum)')
    .requiredOption('--threshold <M>', 'how many new trustees must cooperate to open an envelope')
    .requiredOption('--trustees <names>', 'the new trustees, comma-separated, in order')
    .option('--dealers <names>', 'the old trustees who re-deal, comma-separated (default all; at least the old threshold)')
    .option('--from <set>', 'the trustee set whose key is reshared (default the active one)')
    .option('--out-dir <dir>', 'where to write the token files', 'reshare-tokens')
    .action((o: ReshareOpenOptions) => reshareOpen(io, o));
  const trustee = program.commands.find((c) => c.name() === 'trustee') ?? program.command('trustee');
  trustee
    .command('reshare')
    .description('take part in a reshare from this machine: re-deal your old share (--share-file) or receive a new one (--out)')
    .requiredOption('--url <url>', 'the mvid service that relays the ceremony')
    .requiredOption('--ceremony <id>', 'the ceremony id from the administrator')
    .option('--token-file <file>', 'your ceremony token file (else MVID_DKG_TOKEN)')
    .option('--share-file <file>', 'old trustee: your share file of the set being reshared (destroyed once the new set is published)')
    .option('--old-passphrase-file <file>', 'old trustee: its passphrase (else MVID_TRUSTEE_PASSPHRASE, else a prompt)')
    .option('--passphrase-file <file>', 'new trustee: the passphrase for your new share (else MVID_TRUSTEE_PASSPHRASE, else a prompt)')
    .option('--out <file>', 'new trustee: where to write your new share file (must not exist)')
    .action((o: ReshareOptions) => trusteeReshare(io, o));
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
