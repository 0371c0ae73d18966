/**
 * Credentials commands: `attribute-issuers add|list|disable` — who may attest which
 * social characteristic (occupation, membership), with which keys. The same registry
 * is behind POST /credentials/v1/attribute-issuers.
 */
import type { Command } from 'commander';
import { loadConfig, storeLocationOf } from '../../config/index.ts';
import { systemClock, systemRandom } from '../../core/index.ts';
import { ATTRIBUTE_KINDS, AttributeIssuers } from '../../credentials/index.ts';
import { openStore } from '../../store/index.ts';
import { type CliIo, UsageError } from '../io.ts';
import { collect, readJsonFile } from './registry-context.ts';

/** Opens (and migrates) the configured database, runs `work` with the attribute issuer registry, closes. */
async function withAttributeIssuers<T>(io: CliIo, work: (issuers: AttributeIssuers) => Promise<T>): Promise<T> {
  const config = loadConfig({ env: io.env, cwd: io.cwd });
  const store = openStore(storeLocationOf(config));
  try {
    await store.migrate();
    return await work(new AttributeIssuers(store, systemClock, systemRandom, config.publicUrl));
  } finally {
    await store.close();
  }
}

export function registerCredentialsCommands(program: Command, io: CliIo): void {
  const issuers = program
    .command('attribute-issuers')
    .description(`bodies that may attest social characteristics (${ATTRIBUTE_KINDS.join(', ')}) for mvid to re-issue`);
  issuers
    .command('add')
    .description('register an attribute issuer with its public JWKS')
    .requiredOption('--name <name>', 'a short name, e.g. "Board of Nursing"')
    .requiredOption('--iss <iss>', 'the `iss` its credentials carry')
    .requiredOption('--jwks-file <file>', 'its public JSON Web Key Set')
    .option(
      '--vct <vct>',
      `a type it may attest: ${ATTRIBUTE_KINDS.join(' or ')}, or mvid's vct URL for it (repeatable, at least one)`,
      collect,
      [],
    )
    .action(async (options: { name: string; iss: string; jwksFile: string; vct: string[] }) => {
      if (options.vct.length === 0) throw new UsageError(`name at least one --vct (${ATTRIBUTE_KINDS.join(', ')})`);
      const jwks = readJsonFile(io, options.jwksFile, 'JWKS file');
      await withAttributeIssuers(io, async (registry) => {
        const issuer = await registry.add({ name: options.name, iss: options.iss, vcts: options.vct, jwks });
        io.out(
          `registered attribute issuer ${issuer.name} (${issuer.id}) for ${issuer.iss}: ${issuer.jwks.keys.length} key(s), ${issuer.vcts.join(', ')}`,
        );
      });
    });
  issuers
    .command('list')
    .description('list attribute issuers as JSON')
    .action(() => withAttributeIssuers(io, async (registry) => io.out(JSON.stringify(await registry.list(), null, 2))));
  issuers
    .command('disable')
    .description('refuse credentials from an attribute issuer from now on')
    .requiredOption('--id <id>', 'the issuer id or name')
    .action((options: { id: string }) =>
      withAttributeIssuers(io, async (registry) => {
        await registry.disable(options.id);
        io.out(`disabled attribute issuer ${options.id}`);
      }),
    );
}
