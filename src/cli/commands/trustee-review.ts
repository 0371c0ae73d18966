/**
 * `mvid trustee enrol|review|approve|deny|extension` — a trustee's client over HTTP —
 * and `mvid disclosure trustee-token` (administrator). The client's state file holds
 * the trustee token, its document key, the pinned log key and the last checkpoint it
 * accepted; the share file is opened only for `approve`, and only after every check.
 */
import { closeSync, existsSync, fsyncSync, openSync, readdirSync, statSync, unlinkSync, writeFileSync, writeSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { type Command, Option } from 'commander';
import { type Clock, ManualClock, systemClock } from '../../core/index.ts';
import { decryptShareFile, type EpochDestruction, type TrusteeShare } from '../../crypto/index.ts';
import { DENIAL_REASONS, type DenialReason, TrusteeClient, type TrusteeClientState } from '../../disclosure/index.ts';
import { type CliIo, UsageError } from '../io.ts';
import { print, readJson, requireUrl, tokenOf, withDisclosureAdmin, writePrivateJson } from './disclosure-context.ts';
import { canPrompt, collect, promptHidden, readJsonFile, readSecretFile } from './registry-context.ts';
import { type WitnessFlags, witnessOptions, witnessPinOf } from './witness-pin.ts';

interface StateFlags {
  state: string;
  url?: string;
}

function clientOf(io: CliIo, flags: StateFlags, clock: Clock = systemClock): TrusteeClient {
  const state = readJson<TrusteeClientState>(io, flags.state, 'trustee state file');
  if (state?.version !== 1 || typeof state.token !== 'string')
    throw new UsageError(`${flags.state} is not a trustee state file (run mvid trustee enrol)`);
  const effective = flags.url === undefined ? state : { ...state, url: requireUrl(flags.url) };
  // The new checkpoint is on disk before anything that depends on it leaves this machine.
  return new TrusteeClient(effective, { fetch, clock, save: (s) => writePrivateJson(io, flags.state, s) });
}

async function passphraseFor(io: CliIo, passphraseFile: string | undefined): Promise<string> {
  let passphrase = passphraseFile === undefined ? io.env.MVID_TRUSTEE_PASSPHRASE : readSecretFile(io, passphraseFile);
  if (passphrase === undefined && canPrompt(io)) passphrase = await promptHidden('share passphrase: ');
  if (passphrase === undefined) throw new UsageError('give the passphrase with --passphrase-file FILE or MVID_TRUSTEE_PASSPHRASE');
  return passphrase;
}

/** Opens one share file (as `mvid trustee reshare` reads the old share it re-deals). */
export async function openShare(io: CliIo, file: string, passphraseFile: string | undefined): Promise<TrusteeShare> {
  return decryptShareFile(readJsonFile(io, file, 'share file'), await passphraseFor(io, passphraseFile));
}

/** Share files named by `--share`: a file, or a folder whose `share*.json` files are taken (epoch shares). */
export function shareFilesOf(io: CliIo, paths: readonly string[]): string[] {
  return paths.flatMap((p) => {
    const path = resolve(io.cwd, p);
    if (!existsSync(path) || !statSync(path).isDirectory()) return [path];
    return readdirSync(path)
      .filter((n) => /^share.*\.json$/.test(n))
      .sort()
      .map((n) => join(path, n));
  });
}

/** Opens every share named (one passphrase for all, as `mvid trustee dkg` wrote them). */
async function openShares(io: CliIo, paths: readonly string[], passphraseFile: string | undefined): Promise<TrusteeShare[]> {
  return openShareFiles(io, shareFilesOf(io, paths), passphraseFile);
}

/** Opens these share files, in order (one passphrase for all). */
export async function openShareFiles(io: CliIo, files: readonly string[], passphraseFile: string | undefined): Promise<TrusteeShare[]> {
  if (files.length === 0) throw new UsageError('no share file found in the --share paths');
  const passphrase = await passphraseFor(io, passphraseFile);
  const shares: TrusteeShare[] = [];
  try {
    for (const file of files) shares.push(await decryptShareFile(readJsonFile(io, file, 'share file'), passphrase));
  } catch (error) {
    for (const s of shares) s.secret.fill(0);
    throw error;
  }
  return shares;
}

/** Overwrites a share file with zeros, flushes, and unlinks it (best effort against the file system keeping old blocks). */
function shredFile(path: string): void {
  const size = statSync(path).size;
  const fd = openSync(path, 'r+');
  try {
    writeSync(fd, Buffer.alloc(size));
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  unlinkSync(path);
}

/**
 * The clock `destroy-epochs` judges "the epoch has ended" by: the system's, or a fixed
 * instant (`--now`, hidden: for tests and drills against a server whose clock is set alike;
 * the server checks the epoch's end against its own clock in any case).
 */
function clockOf(now: string | undefined): Clock {
  if (now === undefined) return systemClock;
  const at = Date.parse(now);
  if (!/^\d{4}-\d{2}-\d{2}T/.test(now) || Number.isNaN(at)) throw new UsageError(`--now must be an ISO 8601 time, got ${now}`);
  return new ManualClock(at);
}

async function destroyEpochs(io: CliIo, o: StateFlags & { share: string[]; passphraseFile?: string; now?: string }): Promise<void> {
  const clock = clockOf(o.now);
  const client = clientOf(io, o, clock);
  // Statements kept by an earlier run whose hand-over failed: sent again first (the server takes a retry).
  const pending = o.share
    .map((p) => resolve(io.cwd, p))
    .filter((p) => existsSync(p) && statSync(p).isDirectory())
    .flatMap((dir) =>
      readdirSync(dir)
        .filter((n) => n.endsWith('.destroyed.json'))
        .map((n) => join(dir, n)),
    );
  for (const path of pending) {
    await client.submitEpochDestruction(readJsonFile(io, path, 'destruction statement') as EpochDestruction);
    unlinkSync(path);
    io.out(`statement ${path} handed over`);
  }
  const epochs = await client.epochs();
  const now = clock.now().getTime();
  const files = shareFilesOf(io, o.share);
  const passphrase = files.length === 0 ? '' : await passphraseFor(io, o.passphraseFile);
  let destroyed = 0;
  for (const file of files) {
    const parsed = readJsonFile(io, file, 'share file') as { trusteeSetId?: unknown };
    const epoch = epochs.find((e) => e.key.id === parsed.trusteeSetId);
    if (!epoch || Date.parse(epoch.endsAt) > now) continue;
    const share = await decryptShareFile(parsed, passphrase);
    const statementPath = `${file}.destroyed.json`;
    const { statement } = await client.destroyEpochShare(share, (signed) => {
      writeFileSync(statementPath, `${JSON.stringify(signed, null, 2)}\n`, { mode: 0o600 });
      shredFile(file);
    });
    unlinkSync(statementPath);
    destroyed++;
    io.out(`epoch ${epoch.epoch}: share ${file} destroyed; statement logged (trustee ${statement.trusteeIndex} of key ${epoch.key.id})`);
  }
  io.out(`${destroyed} epoch share(s) destroyed`);
}

function reasonOf(value: string): DenialReason {
  if (!(DENIAL_REASONS as readonly string[]).includes(value)) throw new UsageError(`--reason is one of ${DENIAL_REASONS.join(', ')}`);
  return value as DenialReason;
}

export function registerTrusteeReviewCommands(program: Command, io: CliIo): void {
  const trustee =
    program.commands.find((c) => c.name() === 'trustee') ??
    program.command('trustee').description('what one trustee does with their share');
  witnessOptions(
    trustee
      .command('enrol')
      .description('first run: register this client’s document key, pin the log key, write the state file')
      .requiredOption('--url <url>', 'the mvid service')
      .requiredOption('--state <file>', 'where to keep the client state (0600)')
      .option('--token-file <file>', 'the trustee token from the administrator (else MVID_TRUSTEE_TOKEN)')
      .option('--log-key <vkey>', 'the log key, obtained out of band (else trusted on first use)')
      .option('--pseudonym-key <key>', 'the pseudonym VRF key, obtained out of band (else trusted on first use)'),
    'every checkpoint',
  ).action(async (o: { url: string; state: string; tokenFile?: string; logKey?: string; pseudonymKey?: string } & WitnessFlags) => {
    const { witnesses, production } = witnessPinOf(io, o);
    const state = await TrusteeClient.enrol({
      url: requireUrl(o.url),
      token: tokenOf(io, o.tokenFile, 'MVID_TRUSTEE_TOKEN'),
      fetch,
      clock: systemClock,
      production,
      ...(witnesses ? { witnesses } : {}),
      ...(o.logKey === undefined ? {} : { logKey: o.logKey }),
      ...(o.pseudonymKey === undefined ? {} : { pseudonymKey: o.pseudonymKey }),
    });
    writePrivateJson(io, o.state, state);
    io.out(
      `trustee ${state.trustee.trusteeId} (#${state.trustee.trusteeIndex}) of set ${state.trustee.trusteeSetId}; log key ${state.log.vkey}${witnesses ? `; ${witnesses.threshold} of ${witnesses.vkeys.length} witnesses must cosign` : ''}`,
    );
  });
  trustee
    .command('review')
    .description('the queue, or one request verified against the log (inclusion, consistency, validity)')
    .requiredOption('--state <file>', 'the client state file')
    .option('--url <url>', 'the mvid service (default: the one enrolled with)')
    .option('--request <id>', 'review this request')
    .option('--out-document <file>', 'write the decrypted court order document here')
    .action(async (o: StateFlags & { request?: string; outDocument?: string }) => {
      const client = clientOf(io, o);
      if (o.request === undefined) return print(io, await client.queue());
      const { request, document, logIndex, checkpointSize } = await client.review(o.request);
      if (o.outDocument !== undefined) writeFileSync(resolve(io.cwd, o.outDocument), document, { mode: 0o600 });
      const { orderDocument: _doc, ...shown } = request;
      print(io, shown);
      io.err(
        `mvid: verified — logged at index ${logIndex} under the signed checkpoint of size ${checkpointSize}; court order document matches its hash`,
      );
    });
  trustee
    .command('approve')
    .description(
      'approve (logged, verified in the log); once the log proves M approvals, upload partial decryptions sealed to the authority',
    )
    .requiredOption('--state <file>', 'the client state file')
    .requiredOption('--request <id>', 'the request')
    .option('--share <path>', 'your share file, or your folder of epoch share files (repeat)', collect, [])
    .option('--passphrase-file <file>', 'the share passphrase (else MVID_TRUSTEE_PASSPHRASE, else a prompt)')
    .option('--statement <text>', 'your reasons', 'approved')
    .option('--url <url>', 'the mvid service')
    .action(async (o: StateFlags & { request: string; share: string[]; passphraseFile?: string; statement: string }) => {
      const client = clientOf(io, o);
      const share = await openShares(io, o.share, o.passphraseFile);
      try {
        const r = await client.approve(o.request, share, o.statement);
        const next = r.upload
          ? `shares uploaded (${r.upload.shares} so far${r.upload.released ? ', released' : ''})`
          : r.waiting === 'quorum'
            ? 'no partial decryption yet: the log holds fewer than M approvals; run `mvid trustee release` once it does'
            : 'shares were already uploaded';
        io.out(`approved: logged at index ${r.approvalIndex}; ${next}`);
      } finally {
        for (const s of share) s.secret.fill(0);
      }
    });
  trustee
    .command('release')
    .description('after approving: once the log proves M approvals, upload partial decryptions sealed to the authority')
    .requiredOption('--state <file>', 'the client state file')
    .requiredOption('--request <id>', 'the request')
    .option('--share <path>', 'your share file, or your folder of epoch share files (repeat)', collect, [])
    .option('--passphrase-file <file>', 'the share passphrase (else MVID_TRUSTEE_PASSPHRASE, else a prompt)')
    .option('--url <url>', 'the mvid service')
    .action(async (o: StateFlags & { request: string; share: string[]; passphraseFile?: string }) => {
      const client = clientOf(io, o);
      const share = await openShares(io, o.share, o.passphraseFile);
      try {
        const up = await client.release(o.request, share);
        io.out(`shares uploaded (${up.shares} so far${up.released ? ', released' : ''})`);
      } finally {
        for (const s of share) s.secret.fill(0);
      }
    });
  trustee
    .command('destroy-epochs')
    .description(
      'crypto-shredding: for every epoch share whose epoch has ended, sign the destruction statement, shred the file and have the statement logged',
    )
    .requiredOption('--state <file>', 'the client state file')
    .option('--share <path>', 'your epoch share folder or files (repeat)', collect, [])
    .option('--passphrase-file <file>', 'the share passphrase (else MVID_TRUSTEE_PASSPHRASE, else a prompt)')
    .option('--url <url>', 'the mvid service')
    .addOption(new Option('--now <iso>', 'judge the epochs ended at this instant instead of now (tests and drills)').hideHelp())
    .action((o: StateFlags & { share: string[]; passphraseFile?: string; now?: string }) => destroyEpochs(io, o));
  trustee
    .command('deny')
    .description('deny (logged, and verified in the log)')
    .requiredOption('--state <file>', 'the client state file')
    .requiredOption('--request <id>', 'the request')
    .requiredOption('--reason <reason>', DENIAL_REASONS.join(' | '))
    .option('--statement <text>', 'your reasons', 'denied')
    .option('--url <url>', 'the mvid service')
    .action(async (o: StateFlags & { request: string; reason: string; statement: string }) => {
      const r = await clientOf(io, o).deny(o.request, reasonOf(o.reason), o.statement);
      io.out(`denied: logged at index ${r.denialIndex}`);
    });
  trustee
    .command('extension')
    .description('approve or deny a notification-delay extension (logged)')
    .requiredOption('--state <file>', 'the client state file')
    .requiredOption('--request <id>', 'the request')
    .requiredOption('--extension <id>', 'the extension')
    .option('--deny <reason>', 'deny, with a reason; approves otherwise')
    .option('--statement <text>', 'your reasons', 'decided')
    .option('--url <url>', 'the mvid service')
    .action(async (o: StateFlags & { request: string; extension: string; deny?: string; statement: string }) => {
      const decision = o.deny === undefined ? 'approve' : 'deny';
      const index = await clientOf(io, o).decideExtension(
        o.request,
        o.extension,
        decision,
        o.statement,
        o.deny === undefined ? undefined : reasonOf(o.deny),
      );
      io.out(`${decision === 'approve' ? 'approved' : 'denied'}: logged at index ${index}`);
    });

  program
    .command('disclosure')
    .description('lawful disclosure administration')
    .command('trustee-token')
    .description('issue (or replace) the API token of a trustee of the active set; printed once')
    .requiredOption('--trustee <name>', 'the trustee (name or index)')
    .option('--trustee-set <id>', 'a set other than the active one (e.g. a retired set whose key was reshared)')
    .action((o: { trustee: string; trusteeSet?: string }) =>
      withDisclosureAdmin(io, async (d) => {
        const { principal, token } = await d.trustees.issue(o.trustee, o.trusteeSet);
        io.out(`token for trustee ${principal.trusteeId} (#${principal.trusteeIndex}) of set ${principal.trusteeSetId}:`);
        io.out(token);
      }),
    );
}
