/**
 * `mvid authorities add|list|disable` (administrator, on the database) and
 * `mvid authority keygen|request|status|fetch` (the authority, over HTTP). The
 * authority's secret key never leaves its file: `fetch` opens the sealed shares,
 * checks every trustee's proof and decrypts locally, then records receipt.
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { type Command, Option } from 'commander';
import { fromBase64Url } from '../../core/index.ts';
import { loadSodium } from '../../crypto/index.ts';
import {
  AuthorityClient,
  checkWitnessPin,
  DISCLOSURE_FIELD_GROUPS,
  type DisclosureFieldGroup,
  newAuthorityKey,
  OFFENCE_CATEGORIES,
  type SeenCheckpoint,
} from '../../disclosure/index.ts';
import { type CliIo, UsageError } from '../io.ts';
import { print, readJson, requireUrl, tokenOf, withDisclosureAdmin, writePrivateJson } from './disclosure-context.ts';
import { collect } from './registry-context.ts';
import { type WitnessFlags, witnessOptions, witnessPinOf } from './witness-pin.ts';

const TOKEN_ENV = 'MVID_AUTHORITY_TOKEN';

interface KeyFile {
  format: 'mvid-authority-key';
  publicKey: string;
  secretKey: string;
}

function readKey(io: CliIo, path: string): KeyFile {
  const key = readJson<KeyFile>(io, path, 'authority key file');
  if (key?.format !== 'mvid-authority-key' || typeof key.secretKey !== 'string')
    throw new UsageError(`${path} is not an authority key file`);
  return key;
}

interface RequestFlags {
  url?: string;
  tokenFile?: string;
  world: string;
  target: string;
  offenceCategory: string;
  statute: string;
  court: string;
  orderReference: string;
  orderDate: string;
  orderDocument: string;
  orderFieldGroup: string[];
  fieldGroup: string[];
  delayDays: string;
  emergency?: boolean;
  logKey?: string;
}

async function fileRequest(io: CliIo, f: RequestFlags): Promise<void> {
  const url = requireUrl(f.url);
  const client = new AuthorityClient({ url, token: tokenOf(io, f.tokenFile, TOKEN_ENV), fetch });
  let document: Uint8Array;
  try {
    document = new Uint8Array(readFileSync(resolve(io.cwd, f.orderDocument)));
  } catch (error) {
    throw new UsageError(`cannot read the order document ${f.orderDocument}: ${(error as Error).message}`);
  }
  const groups = f.fieldGroup as DisclosureFieldGroup[];
  const logKey = f.logKey === undefined ? undefined : { origin: f.logKey.split('+')[0] as string, vkey: f.logKey };
  const accepted = await client.file(
    {
      target: { worldId: f.world, pseudonym: f.target },
      offence: { category: f.offenceCategory, statute: f.statute },
      courtOrder: {
        court: f.court,
        reference: f.orderReference,
        date: f.orderDate,
        fieldGroups: (f.orderFieldGroup.length > 0 ? f.orderFieldGroup : f.fieldGroup) as DisclosureFieldGroup[],
      },
      fieldGroups: groups,
      emergency: f.emergency === true,
      notificationDelayDays: Number(f.delayDays),
      document,
    },
    logKey,
  );
  io.out(
    `request ${accepted.requestId} accepted for pseudonym ${accepted.target.pseudonym}, logged at index ${accepted.logIndex}${logKey ? ' (inclusion proof verified)' : ''}; open until ${accepted.expiresAt}`,
  );
}

async function fetchRelease(
  io: CliIo,
  f: {
    url?: string;
    tokenFile?: string;
    request: string;
    key: string;
    receipt: boolean;
    logKey?: string;
    trusteeSet?: string;
    pseudonymKey?: string;
    checkpointFile?: string;
    world?: string;
    target?: string;
  } & WitnessFlags,
): Promise<void> {
  const { witnesses, production } = witnessPinOf(io, f);
  if ((f.world === undefined) !== (f.target === undefined)) throw new UsageError('give --world and --target together');
  // The pseudonym the authority filed for: a server showing the release of another request's subject is refused.
  const expected = f.world !== undefined && f.target !== undefined ? { worldId: f.world, pseudonym: f.target } : undefined;
  if (production && f.logKey === undefined) throw new UsageError('in production, give the log key obtained out of band with --log-key');
  if (witnesses && f.logKey === undefined) throw new UsageError('--witness needs --log-key');
  checkWitnessPin(witnesses, production);
  const log =
    f.logKey === undefined ? undefined : { origin: f.logKey.split('+')[0] as string, vkey: f.logKey, ...(witnesses ? { witnesses } : {}) };
  // The last checkpoint accepted, so the next fetch must be consistent with it.
  const saved =
    f.checkpointFile !== undefined && existsSync(resolve(io.cwd, f.checkpointFile))
      ? readJson<{ seen?: SeenCheckpoint }>(io, f.checkpointFile, 'checkpoint file').seen
      : undefined;
  const client = new AuthorityClient({
    url: requireUrl(f.url),
    token: tokenOf(io, f.tokenFile, TOKEN_ENV),
    fetch,
    pins: { ...(log ? { log } : {}), ...(f.pseudonymKey === undefined ? {} : { pseudonymKey: f.pseudonymKey }) },
    ...(saved ? { seen: saved } : {}),
  });
  const secret = fromBase64Url(readKey(io, f.key).secretKey);
  // The DLEQ checks of the trustees' shares run on libsodium once it is loaded (src/crypto).
  await loadSodium();
  try {
    const opened = await client.fetchRelease(f.request, secret, expected, f.trusteeSet === undefined ? {} : { trusteeSetId: f.trusteeSet });
    if (f.checkpointFile !== undefined) writePrivateJson(io, f.checkpointFile, { seen: client.seen });
    io.err(
      expected
        ? `mvid: the release is for pseudonym ${expected.pseudonym} in world ${expected.worldId}, as filed`
        : 'mvid: the release was not compared with the pseudonym you filed for (give --world and --target)',
    );
    for (const b of opened.badTrustees)
      io.err(`mvid: trustee ${b.trusteeId ?? `#${b.index}`} sent an invalid share (${b.reason}); opened without it`);
    print(
      io,
      opened.envelopes.map((e) => ({ fieldGroup: e.fieldGroup, fields: e.fields, usedTrustees: e.usedTrustees })),
    );
    if (f.receipt) {
      const { indices } = await client.receipt(f.request, opened);
      io.err(`mvid: receipt logged at ${indices.join(', ')}`);
    }
  } finally {
    secret.fill(0);
  }
}

export function registerAuthorityCommands(program: Command, io: CliIo): void {
  const admin = program.command('authorities').description('authorities that may request a lawful disclosure (administrator)');
  admin
    .command('add')
    .description('register an authority; prints its API token once')
    .requiredOption('--name <name>', 'the authority’s name')
    .requiredOption('--jurisdiction <code>', 'ISO 3166 code, e.g. DE or DE-BE')
    .requiredOption('--contact <contact>', 'how a notified person reaches it')
    .requiredOption('--public-key <key>', 'its encryption public key (from `mvid authority keygen`)')
    .action((o: { name: string; jurisdiction: string; contact: string; publicKey: string }) =>
      withDisclosureAdmin(io, async (d) => {
        const { authority, token } = await d.authorities.add({
          name: o.name,
          jurisdiction: o.jurisdiction,
          contact: o.contact,
          encryptionKey: o.publicKey,
        });
        io.out(`authority ${authority.id} registered: ${authority.name} (${authority.jurisdiction})`);
        io.out(token);
        io.err('mvid: hand the token to the authority; it is not stored and cannot be shown again.');
      }),
    );
  admin.command('list').action(() => withDisclosureAdmin(io, async (d) => print(io, await d.authorities.list())));
  admin
    .command('disable <idOrName>')
    .description('disable an authority (its token stops working)')
    .action((idOrName: string) => withDisclosureAdmin(io, async (d) => io.out(`disabled ${(await d.authorities.disable(idOrName)).name}`)));

  const authority = program.command('authority').description('what an authority does (over HTTP)');
  authority
    .command('keygen')
    .description('make the encryption key pair trustees seal shares to')
    .requiredOption('--out <file>', 'where to write the key file (0600)')
    .action((o: { out: string }) => {
      const key = newAuthorityKey();
      writePrivateJson(io, o.out, { format: 'mvid-authority-key', ...key });
      io.out(key.publicKey);
    });
  authority
    .command('request')
    .description('file a disclosure request under a court order')
    .option('--url <url>', 'the mvid service')
    .option('--token-file <file>', `the authority token (else ${TOKEN_ENV})`)
    .requiredOption('--world <id>', 'the world (client id)')
    .requiredOption('--target <pseudonym>', 'the pseudonym (pairwise subject) or handle in that world')
    .addOption(
      new Option('--offence-category <category>', 'a criminal offence category defined in law (the closed list below)')
        .choices(OFFENCE_CATEGORIES)
        .makeOptionMandatory(),
    )
    .requiredOption('--statute <citation>', 'the statute and provision')
    .requiredOption('--court <court>', 'the issuing court')
    .requiredOption('--order-reference <ref>', 'the order’s reference')
    .requiredOption('--order-date <date>', 'YYYY-MM-DD')
    .requiredOption('--order-document <file>', 'the order document (encrypted to the trustees before it leaves)')
    .option('--order-field-group <group>', 'a field group the order covers (repeat; default: those requested)', collect, [])
    .option('--field-group <group>', 'a field group requested (repeat)', collect, [])
    .option('--delay-days <days>', 'notification delay', '30')
    .option('--emergency', 'threat to life: shorter validity, same quorum')
    .option('--log-key <vkey>', 'verify the inclusion proof against this log key')
    .addHelpText(
      'after',
      `\nOffence categories (--offence-category):\n${OFFENCE_CATEGORIES.map((c) => `  ${c}`).join('\n')}\n\nField groups (--field-group, --order-field-group): ${DISCLOSURE_FIELD_GROUPS.join(', ')}`,
    )
    .action((o: RequestFlags) => fileRequest(io, o));
  authority
    .command('status')
    .requiredOption('--request <id>', 'the request')
    .option('--url <url>', 'the mvid service')
    .option('--token-file <file>', `the authority token (else ${TOKEN_ENV})`)
    .action(async (o: { request: string; url?: string; tokenFile?: string }) =>
      print(io, await new AuthorityClient({ url: requireUrl(o.url), token: tokenOf(io, o.tokenFile, TOKEN_ENV), fetch }).status(o.request)),
    );
  witnessOptions(
    authority
      .command('fetch')
      .description('fetch the release, verify it against the log, decrypt the requested envelopes locally, record receipt')
      .requiredOption('--request <id>', 'the request')
      .requiredOption('--key <file>', 'the authority key file')
      .option('--url <url>', 'the mvid service')
      .option('--token-file <file>', `the authority token (else ${TOKEN_ENV})`)
      .option('--no-receipt', 'do not record receipt (yet)')
      .option('--log-key <vkey>', 'the log key obtained out of band (else the key the server announces, trusted on first use)')
      .option('--pseudonym-key <key>', 'the pseudonym VRF key obtained out of band (else the server’s, trusted on first use)')
      .option('--trustee-set <id>', 'the published trustee set the release must come from')
      .option('--world <id>', 'the world of the pseudonym filed for (with --target): a release for anyone else is refused')
      .option('--target <pseudonym>', 'the pseudonym filed for (with --world)')
      .option('--checkpoint-file <file>', 'remember the last checkpoint accepted here; the next must be consistent with it'),
    'the checkpoint',
  ).action((o: Parameters<typeof fetchRelease>[1]) => fetchRelease(io, o));
}
