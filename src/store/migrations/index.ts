/**
 * Every migration, in order. Append-only: a migration that has shipped is never edited
 * or renamed; a change is a new file with the next number. The runner refuses a history
 * that has a migration this list lacks, or one applied out of order.
 */
import type { MvidMigration } from '../migration.ts';
import * as m0001 from './0001_foundation.ts';
import * as m0010 from './0010_registry.ts';
import * as m0020 from './0020_credentials.ts';
import * as m0030 from './0030_worlds.ts';
import * as m0040 from './0040_tlog.ts';
import * as m0050 from './0050_disclosure.ts';
import * as m0060 from './0060_disclosure_release_shares.ts';
import * as m0065 from './0065_handle_keys.ts';
import * as m0070 from './0070_moderation.ts';
import * as m0090 from './0090_service_keys.ts';
import * as m0091 from './0091_job_runs.ts';
import * as m0095 from './0095_credentials_attested_claims.ts';
import * as m0096 from './0096_registry_wallet_requests.ts';
import * as m0080 from './0080_worlds_consents.ts';
import * as m0081 from './0081_abuse_counters.ts';
import * as m0100 from './0100_dkg.ts';
import * as m0106 from './0106_world_pseudonyms.ts';
import * as m0107 from './0107_disclosure_report.ts';
import * as m0125 from './0125_escrow_epochs.ts';
import * as m0130 from './0130_reshare.ts';
import * as m0145 from './0145_wallet_request_purpose.ts';
import * as m0150 from './0150_epoch_reshare.ts';
import * as m0160 from './0160_world_pseudonym_kind.ts';

export const MIGRATIONS: readonly MvidMigration[] = [
  { name: '0001_foundation', up: m0001.up },
  { name: '0010_registry', up: m0010.up },
  { name: '0020_credentials', up: m0020.up },
  { name: '0030_worlds', up: m0030.up },
  { name: '0040_tlog', up: m0040.up },
  { name: '0050_disclosure', up: m0050.up },
  { name: '0060_disclosure_release_shares', up: m0060.up },
  { name: '0065_handle_keys', up: m0065.up },
  { name: '0070_moderation', up: m0070.up },
  { name: '0080_worlds_consents', up: m0080.up },
  { name: '0081_abuse_counters', up: m0081.up },
  { name: '0090_service_keys', up: m0090.up },
  { name: '0091_job_runs', up: m0091.up },
  { name: '0095_credentials_attested_claims', up: m0095.up },
  { name: '0096_registry_wallet_requests', up: m0096.up },
  { name: '0100_dkg', up: m0100.up },
  { name: '0106_world_pseudonyms', up: m0106.up },
  { name: '0107_disclosure_report', up: m0107.up },
  { name: '0125_escrow_epochs', up: m0125.up },
  { name: '0130_reshare', up: m0130.up },
  { name: '0145_wallet_request_purpose', up: m0145.up },
  { name: '0150_epoch_reshare', up: m0150.up },
  { name: '0160_world_pseudonym_kind', up: m0160.up },
];
