/**
 * `mvid trustees init` (the escrow key ceremony) and `mvid trustee check-share`.
 * Passphrases come from `--passphrase-file NAME=FILE`, then the environment
 * (`MVID_TRUSTEE_PASSPHRASE_<NAME>`), then a hidden prompt on a terminal — never from
 * a plain command-line argument, which would land in shell history and `ps`.
 */
import { chmodSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { SHARE_PASSPHRASE_MIN_LENGTH, type TrusteeSet } from '../../crypto/index.ts';
import { checkShareAgainst, type EpochWindow, TRUSTEE_NAME } from '../../registry/index.ts';
import { type CliIo, UsageError } from '../io.ts';
import { canPrompt, collect, passphraseEnvName, promptHidden, readJsonFile, readSecretFile, withRegistry } from './registry-context.ts';

interface InitOptions {
  threshold: number;
  trustee: string[];
  passphraseFile?: string[];
  outDir: string;
  replace?: boolean;
  devDealer?: boolean;
  epochs?: string;
}

function parseThreshold(value: string): number {
  if (!/^\d{1,3}$/.test(value)) throw new UsageError(`--threshold must be a small positive integer, got ${value}`);
  return Number(value);
}

async function askTwice(trustee: string): Promise<string> {
  const first = await promptHidden(`passphrase for trustee ${trustee} (at least ${SHARE_PASSPHRASE_MIN_LENGTH} characters): `);
  const second = await promptHidden(`repeat the passphrase for ${trustee}: `);
  if (first !== second) throw new UsageError(`the two passphrases for ${trustee} differ`);
  return first;
}

/** One passphrase per trustee, from files, the environment or the terminal, in that order. */
async function collectPassphrases(io: CliIo, trustees: readonly string[], files: readonly string[]): Promise<Map<string, string>> {
  const fromFiles = new Map<string, string>();
  for (const spec of files) {
    const eq = spec.indexOf('=');
    if (eq <= 0) throw new UsageError(`--passphrase-file takes NAME=FILE, got ${spec}`);
    const name = spec.slice(0, eq);
    if (!trustees.includes(name)) throw new UsageError(`--passphrase-file names ${name}, who is not a --trustee`);
    fromFiles.set(name, readSecretFile(io, spec.slice(eq + 1)));
  }
  const out = new Map<string, string>();
  for (const trustee of trustees) {
    let passphrase = fromFiles.get(trustee) ?? io.env[passphraseEnvName(trustee)];
    if (passphrase === undefined && canPrompt(io)) passphrase = await askTwice(trustee);
    if (passphrase === undefined) {
      throw new UsageError(`no passphrase for trustee ${trustee}: use --passphrase-file ${trustee}=FILE or ${passphraseEnvName(trustee)}`);
    }
    if ([...passphrase.normalize('NFKC')].length < SHARE_PASSPHRASE_MIN_LENGTH) {
      throw new UsageError(`the passphrase of ${trustee} is shorter than ${SHARE_PASSPHRASE_MIN_LENGTH} characters`);
    }
    out.set(trustee, passphrase);
  }
  return out;
}

function validateTrustees(options: InitOptions): void {
  const { trustee: trustees, threshold } = options;
  if (trustees.length < 1) throw new UsageError('name the trustees with --trustee NAME (repeat it)');
  const bad = trustees.find((t) => !TRUSTEE_NAME.test(t));
  if (bad !== undefined) throw new UsageError(`trustee name ${JSON.stringify(bad)} must be letters, digits, . _ - (at most 64)`);
  if (new Set(trustees).size !== trustees.length) throw new UsageError('trustee names must be distinct');
  if (threshold < 1 || threshold > trustees.length) throw new UsageError(`--threshold must be between 1 and ${trustees.length}`);
}

/** Epoch keys `trustees init --dev-dealer` deals with the set. */
const DEV_EPOCHS = 3;

/** Writes a file that must not already exist, readable by its owner only. */
function writePrivate(path: string, content: string): void {
  writeFileSync(path, content, { mode: 0o600, flag: 'wx' });
  chmodSync(path, 0o600);
}

async function trusteesInit(io: CliIo, options: InitOptions): Promise<void> {
  if (options.devDealer !== true) {
    throw new UsageError(
      'a dealer holds the whole escrow secret for a moment: make a real trustee set with `mvid trustees dkg-open` and `mvid trustee dkg`; pass --dev-dealer for demos and tests only',
    );
  }
  validateTrustees(options);
  const outDir = resolve(io.cwd, options.outDir);
  const shareNames = options.trustee.map((t) => join(outDir, `share-${t}.json`));
  const clash = [...shareNames, join(outDir, 'trustee-set.json')].find((p) => existsSync(p));
  if (clash) throw new UsageError(`${clash} exists; choose another --out-dir (share files are never overwritten)`);
  await withRegistry(io, async ({ registry }) => {
    const active = await registry.trusteeSets.active();
    if (active && options.replace !== true) throw new UsageError(`trustee set ${active.id} is active; pass --replace to retire it`);
    const passphrases = await collectPassphrases(io, options.trustee, options.passphraseFile ?? []);
    const { trusteeSet, shareFiles } = await registry.trusteeSets.deal({
      threshold: options.threshold,
      trustees: options.trustee,
      passphrases,
    });
    // Every share is on disk before the set goes live: a set whose shares were lost must never seal anyone.
    mkdirSync(outDir, { recursive: true, mode: 0o700 });
    for (const { trusteeId, file } of shareFiles)
      writePrivate(join(outDir, `share-${trusteeId}.json`), `${JSON.stringify(file, null, 2)}\n`);
    writeFileSync(join(outDir, 'trustee-set.json'), `${JSON.stringify(trusteeSet, null, 2)}\n`, { flag: 'wx' });
    const published = await registry.trusteeSets.publish(trusteeSet, { replace: options.replace === true });
    // Its retention-epoch keys, dealt here too (a real set gets them from `trustees epochs-open` + `trustee dkg`).
    const windows = registry.epochs.upcoming(Number(options.epochs ?? DEV_EPOCHS));
    const dealtEpochs = await registry.epochs.dealDev({ trusteeSetId: published.id, windows, passphrases });
    for (const [trusteeId, files] of dealtEpochs.shareFiles) {
      const folder = join(outDir, `epochs-${trusteeId}`);
      mkdirSync(folder, { recursive: true, mode: 0o700 });
      for (const [k, file] of files.entries())
        writePrivate(join(folder, `share-epoch-${(windows[k] as EpochWindow).epoch}.json`), `${JSON.stringify(file, null, 2)}\n`);
    }
    io.out(`trustee set ${published.id} is active: ${published.threshold} of ${published.trustees.length} trustees`);
    io.out(`epoch keys ${windows.map((w) => w.epoch).join(', ')}: shares in ${join(outDir, 'epochs-NAME')}`);
    io.out(`escrow public key ${published.escrowPublicKey}`);
    for (const t of published.trustees)
      io.out(`  ${t.index}. ${t.id}  verification key ${t.verificationKey}  → ${join(outDir, `share-${t.id}.json`)}`);
    io.err('mvid: hand each share file to its trustee and delete it here; the dealer secret was never written anywhere.');
  });
}

async function checkShare(io: CliIo, options: { share: string; passphraseFile?: string; trusteeSet?: string }): Promise<void> {
  const file = readJsonFile(io, options.share, 'share file');
  let passphrase = options.passphraseFile === undefined ? io.env.MVID_TRUSTEE_PASSPHRASE : readSecretFile(io, options.passphraseFile);
  if (passphrase === undefined && canPrompt(io)) passphrase = await promptHidden('share passphrase: ');
  if (passphrase === undefined) throw new UsageError('give the passphrase with --passphrase-file FILE or MVID_TRUSTEE_PASSPHRASE');
  const secret = passphrase;
  const checked =
    options.trusteeSet === undefined
      ? await withRegistry(io, async ({ registry }) => {
          // A retention-epoch share checks against its epoch key, published like a set.
          return (await registry.epochs.checkShare(file, secret)) ?? registry.trusteeSets.checkShare(file, secret);
        })
      : await checkShareAgainst(readJsonFile(io, options.trusteeSet, 'trustee set') as TrusteeSet, file, secret);
  io.out(
    `ok: share ${checked.index} of trustee ${checked.trusteeId} matches the published commitments of trustee set ${checked.trusteeSetId} (${checked.status}, threshold ${checked.threshold})`,
  );
}

export function registerTrusteeCommands(program: Command, io: CliIo): void {
  const trustees = program.command('trustees').description('the escrow trustee set (M of N trustees open an identity envelope)');
  trustees
    .command('init')
    .description('demos and tests only (--dev-dealer): deal a new escrow key on this machine, write the share files, publish the set')
    .requiredOption('--threshold <M>', 'how many trustees must cooperate to open an envelope', parseThreshold)
    .option('--trustee <name>', 'a trustee (repeat, in order)', collect, [])
    .option('--passphrase-file <name=file>', 'read a trustee passphrase from a file (repeatable)', collect)
    .option('--out-dir <dir>', 'where to write the share files', 'trustee-shares')
    .option('--replace', 'retire the active trustee set (its envelopes stay sealed to it)')
    .option('--epochs <n>', `retention-epoch keys to deal too, from the one enrolments need now (default ${DEV_EPOCHS})`)
    .option('--dev-dealer', 'required: this machine deals (and so once holds) the escrow secret; use `trustees dkg-open` for a real set')
    .action((options: InitOptions) => trusteesInit(io, options));

  program
    .command('trustee')
    .description('what one trustee does with their share')
    .command('check-share')
    .description('open a share file with its passphrase and check it against the published commitments')
    .requiredOption('--share <file>', 'the share file')
    .option('--passphrase-file <file>', 'read the passphrase from a file (else MVID_TRUSTEE_PASSPHRASE, else a prompt)')
    .option(
      '--trustee-set <file>',
      'check offline against this published trustee set (GET /registry/v1/trustee-set) instead of the database',
    )
    .action((options: { share: string; passphraseFile?: string; trusteeSet?: string }) => checkShare(io, options));
}
