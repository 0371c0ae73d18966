/**
 * The whole database, as Kysely sees it: one interface per domain, joined here.
 * Timestamps are ISO-8601 UTC text on both engines (fixed width, so they sort).
 */
import type { CoreTables } from './core.ts';
import type { CredentialsTables } from './credentials.ts';
import type { DisclosureTables } from './disclosure.ts';
import type { ModerationTables } from './moderation.ts';
import type { RegistryTables } from './registry.ts';
import type { TlogTables } from './tlog.ts';
import type { WorldsTables } from './worlds.ts';

export interface Database
  extends CoreTables,
    RegistryTables,
    CredentialsTables,
    WorldsTables,
    TlogTables,
    DisclosureTables,
    ModerationTables {}
