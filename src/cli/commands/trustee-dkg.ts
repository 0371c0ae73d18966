/**
 * The dealerless key ceremony from the command line:
 *   `mvid trustees dkg-open` (administrator, on the server): opens a ceremony and writes
 *     one token file per trustee — the only thing the operator hands out;
 *   `mvid trustee dkg` (each trustee, on their own machine): runs the ceremony through
 *     the server and writes this trustee's passphrase-encrypted share file;
 *   `mvid trustees epochs-open` (administrator): a batch of retention-epoch key ceremonies
 *     for the active set, one token per trustee for the batch; `mvid trustee dkg` then runs
 *     them all and writes one share file per epoch into its `--out` folder.
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
import { type DkgMe, TRUSTEE_NAME, dkgPaths, retryingCall, runDkgBatch, runReshareBatch } from '../../registry/index.ts';
import { type CliIo, UsageError } from '../io.ts';
import { requireUrl, tokenOf } from './disclosure-context.ts';
import { canPrompt, collect, promptHidden, readSecretFile, withRegistry } from './registry-context.ts';
import { openShareFiles, shareFilesOf } from './trustee-review.ts';

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

/** Refuses an out-dir that already holds a token file of one of these trustees. */
function checkTokenFiles(outDir: string, trustees: readonly string[]): void {
  const clash = trustees.map((t) => join(outDir, `dkg-token-${t}`)).find((p) => existsSync(p));
  if (clash) throw new UsageError(`${clash} exists; choose another --out-dir`);
}

/** One private token file per trustee, never overwriting one. */
function writeTokenFiles(outDir: string, tokens: ReadonlyArray<{ trusteeId: string; token: string }>): void {
  mkdirSync(outDir, { recursive: true, mode: 0o700 });
  for (const t of tokens) writeFileSync(join(outDir, `dkg-token-${t.trusteeId}`), `${t.token}\n`, { mode: 0o600, flag: 'wx' });
}

async function dkgOpen(io: CliIo, o: OpenOptions): Promise<void> {
  const threshold = checkThreshold(o.threshold);
  const bad = o.trustee.find((t) => !TRUSTEE_NAME.test(t));
  if (bad !== undefined) throw new UsageError(`trustee name ${JSON.stringify(bad)} must be letters, digits, . _ - (at most 64)`);
  const outDir = resolve(io.cwd, o.outDir);
  checkTokenFiles(outDir, o.trustee);
  await withRegistry(io, async ({ registry }) => {
    const { ceremony, tokens } = await registry.dkg.create({ threshold, trustees: o.trustee, replace: o.replace === true });
    writeTokenFiles(outDir, tokens);
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

/** Where a batch of epoch shares goes: one file per epoch in the `--out` folder. */
export function epochShareName(epoch: string): string {
  return `share-epoch-${epoch}.json`;
}

async function trusteeDkg(io: CliIo, o: DkgOptions): Promise<void> {
  const out = resolve(io.cwd, o.out);
  const api = new ApiClient(requireUrl(o.url), tokenOf(io, o.tokenFile, 'MVID_DKG_TOKEN'), fetch);
  const call = retryingCall((method, path, body) => api.json(method, path, body));
  const me = await call<DkgMe>('GET', `${dkgPaths.ceremony(o.ceremony)}/me`);
  const epochs = me.ceremony.epoch !== undefined;
  // A trustee set's share is one file; a batch of epoch keys gives one file per epoch in a folder.
  if (!epochs && existsSync(out)) throw new UsageError(`${out} exists (share files are never overwritten)`);
  if (epochs) mkdirSync(out, { recursive: true, mode: 0o700 });
  const passphrase = await passphraseOf(io, o.passphraseFile);
  const results = await runDkgBatch({ ceremonyId: o.ceremony, call, passphrase, progress: (line) => io.err(`mvid: ${line}`) });
  for (const { epoch, result } of results) {
    const path = epoch ? join(out, epochShareName(epoch.epoch)) : out;
    writeFileSync(path, `${JSON.stringify(result.shareFile, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
    const what = epoch
      ? `epoch ${epoch.epoch} key ${result.trusteeSet.id} (envelopes expiring ${epoch.startsAt} to ${epoch.endsAt})`
      : `trustee set ${result.trusteeSet.id}`;
    io.out(`${what} is active: ${result.trusteeSet.threshold} of ${result.trusteeSet.trustees.length} trustees`);
    io.out(`your share (index ${result.trusteeIndex}) is in ${path}; ceremony transcript ${result.outcome.transcript}`);
    io.out(`announced keys fingerprint ${result.fingerprint}: check that every trustee saw the same`);
  }
  if (epochs) io.err(`mvid: keep ${out} like your trustee share; \`mvid trustee destroy-epochs\` destroys each file when its epoch ends`);
}

interface EpochsOpenOptions {
  count?: string;
  epoch?: string[];
  outDir: string;
}

async function epochsOpen(io: CliIo, o: EpochsOpenOptions): Promise<void> {
  const count = o.count === undefined ? undefined : Number(o.count);
  if (count !== undefined && !(Number.isInteger(count) && count >= 1 && count <= 60)) throw new UsageError('--count is 1 to 60');
  const outDir = resolve(io.cwd, o.outDir);
  await withRegistry(io, async ({ registry }) => {
    const active = await registry.trusteeSets.active();
    checkTokenFiles(outDir, active?.trustees.map((t) => t.id) ?? []);
    const { ceremony, tokens } = await registry.dkg.createEpochs({
      ...(o.epoch && o.epoch.length > 0 ? { epochs: o.epoch } : {}),
      ...(count === undefined ? {} : { count }),
    });
    writeTokenFiles(outDir, tokens);
    io.out(
      `epoch key ceremonies ${ceremony.id}: ${ceremony.batch.length} epoch(s) from ${ceremony.epoch?.epoch}, ${ceremony.threshold} of ${tokens.length}`,
    );
    io.out(`each trustee runs: mvid trustee dkg --url URL --ceremony ${ceremony.id} --token-file dkg-token-NAME --out epoch-shares/`);
    io.err(`mvid: hand each token file in ${outDir} to its trustee only, then delete it here.`);
  });
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
  shareFile: string[];
  oldPassphraseFile?: string;
  passphraseFile?: string;
  out?: string;
  epochsOut?: string;
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
    const epochs = ceremony.batch.length - 1;
    io.out(`reshare ceremony ${ceremony.id}: the key of ${from} to ${threshold} of ${trustees.length} (${trustees.join(', ')})`);
    if (epochs > 0) io.out(`with its ${epochs} live retention-epoch key(s): one ceremony per key, run by the same command`);
    io.out(`old trustees re-dealing: ${(ceremony.dealers ?? []).length}; each runs:`);
    io.out(
      `  mvid trustee reshare --url URL --ceremony ${ceremony.id} --token-file reshare-token-old-NAME --share-file share.json${epochs > 0 ? ' --share-file epoch-shares/' : ''}`,
    );
    io.out(`each new trustee runs:`);
    io.out(
      `  mvid trustee reshare --url URL --ceremony ${ceremony.id} --token-file reshare-token-new-NAME --out new-share.json${epochs > 0 ? ' --epochs-out new-epoch-shares/' : ''}`,
    );
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
  if ((o.shareFile.length === 0) === (o.out === undefined))
    throw new UsageError('an old trustee gives --share-file (its shares of the set being reshared); a new trustee gives --out');
  const out = o.out === undefined ? undefined : resolve(io.cwd, o.out);
  if (out !== undefined && existsSync(out)) throw new UsageError(`${out} exists (share files are never overwritten)`);
  const api = new ApiClient(requireUrl(o.url), tokenOf(io, o.tokenFile, 'MVID_DKG_TOKEN'), fetch);
  const call = retryingCall((method, path, body) => api.json(method, path, body));
  const me = await call<DkgMe>('GET', `${dkgPaths.ceremony(o.ceremony)}/me`);
  // The set's live epoch keys move with it: a new trustee gets one share file per epoch in a folder.
  const epochsOut = o.epochsOut === undefined ? undefined : resolve(io.cwd, o.epochsOut);
  if (out !== undefined && (me.ceremony.batch?.length ?? 1) > 1) {
    if (epochsOut === undefined)
      throw new UsageError(`this reshare moves ${(me.ceremony.batch?.length ?? 1) - 1} retention-epoch key(s) too: give --epochs-out DIR`);
    mkdirSync(epochsOut, { recursive: true, mode: 0o700 });
  }
  const files = shareFilesOf(io, o.shareFile);
  const shares = files.length === 0 ? undefined : await openShareFiles(io, files, o.oldPassphraseFile);
  try {
    const passphrase = out === undefined ? undefined : await passphraseOf(io, o.passphraseFile);
    const results = await runReshareBatch({
      ceremonyId: o.ceremony,
      call,
      ...(shares ? { shares } : {}),
      ...(passphrase === undefined ? {} : { passphrase }),
      progress: (line) => io.err(`mvid: ${line}`),
    });
    for (const { epoch, result } of results) {
      const what = epoch ? `epoch ${epoch.epoch} key ${result.trusteeSet.id}` : `trustee set ${result.trusteeSet.id}`;
      io.out(`${what} holds the escrow key of ${result.from.id}: ${result.trusteeSet.threshold} of ${result.trusteeSet.trustees.length}`);
      io.out(`ceremony transcript ${result.outcome.transcript}; announced keys fingerprint ${result.fingerprint}`);
      if (out !== undefined && result.shareFile) {
        const path = epoch ? join(epochsOut as string, epochShareName(epoch.epoch)) : out;
        writeFileSync(path, `${JSON.stringify(result.shareFile, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
        io.out(`your new share (index ${result.index}) is in ${path}`);
      }
    }
    // Every old share that was re-dealt is void now; a share of a key not carried (a destroyed epoch) is left alone.
    const moved = new Set(results.map((r) => r.result.from.id));
    files.forEach((file, k) => {
      if (!moved.has(shares?.[k]?.trusteeSetId as string)) return;
      destroyFile(file);
      io.out(`your old share file ${file} is destroyed: destroy every copy and backup of it too`);
    });
  } finally {
    for (const s of shares ?? []) s.secret.fill(0);
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
    .command('epochs-open')
    .description('open a batch of retention-epoch key ceremonies for the active set (each trustee runs `mvid trustee dkg` once for all)')
    .option('--count <n>', 'how many epochs, from the one enrolments need now (default 12)')
    .option('--epoch <YYYY-MM>', 'an epoch by its first month (repeat; instead of --count)', collect, [])
    .option('--out-dir <dir>', 'where to write the token files', 'epoch-tokens')
    .action((o: EpochsOpenOptions) => epochsOpen(io, o));
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
    .option(
      '--share-file <path>',
      'old trustee: your share file of the set being reshared, and your epoch share folder (repeat; each re-dealt file is destroyed once the new set is published)',
      collect,
      [],
    )
    .option('--old-passphrase-file <file>', 'old trustee: its passphrase (else MVID_TRUSTEE_PASSPHRASE, else a prompt)')
    .option('--passphrase-file <file>', 'new trustee: the passphrase for your new share (else MVID_TRUSTEE_PASSPHRASE, else a prompt)')
    .option('--out <file>', 'new trustee: where to write your new share file (must not exist)')
    .option('--epochs-out <dir>', "new trustee: the folder for your new shares of the set's retention-epoch keys")
    .action((o: ReshareOptions) => trusteeReshare(io, o));
  trustee
    .command('dkg')
    .description('take part in a key ceremony from this machine; writes your passphrase-encrypted share file')
    .requiredOption('--url <url>', 'the mvid service that relays the ceremony')
    .requiredOption('--ceremony <id>', 'the ceremony id from the administrator')
    .option('--token-file <file>', 'your ceremony token file (else MVID_DKG_TOKEN)')
    .option('--passphrase-file <file>', 'the passphrase for your new share (else MVID_TRUSTEE_PASSPHRASE, else a prompt)')
    .requiredOption('--out <path>', 'where to write your share file (must not exist); for epoch keys, a folder')
    .action((o: DkgOptions) => trusteeDkg(io, o));
}
