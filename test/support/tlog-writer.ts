/**
 * Child process for the log's crash and multi-writer tests: opens the log on a store and
 * appends batches from three concurrent workers as fast as it can, alternately through
 * `appendEntries` and through the outbox (enqueue in a transaction, then integrate),
 * printing `ack <worker> <round>` once a batch is durable and signed.
 *   argv: <store location JSON> <data dir> <salt> [rounds per worker; default unbounded]
 */
import { systemClock } from '../../src/core/index.ts';
import { keyDirOf, loadKeys } from '../../src/keys/index.ts';
import { openStore, type StoreLocation } from '../../src/store/index.ts';
import { openTransparencyLog } from '../../src/tlog/index.ts';
import { testEntries } from './tlog.ts';

export const WRITER_WORKERS = 3;
export const WRITER_BATCH = 20;

/** The entries of one acknowledged batch, so the parent can check them. */
export function writerBatch(salt: number, worker: number, round: number): Uint8Array[] {
  const from = worker * 1_000_000 + round * WRITER_BATCH;
  return testEntries(from, from + WRITER_BATCH, salt);
}

if (import.meta.main) {
  const [locationJson, dataDir, saltText, roundsText] = process.argv.slice(2);
  const store = openStore(JSON.parse(locationJson ?? '{}') as StoreLocation);
  const log = openTransparencyLog({ store, keys: loadKeys(keyDirOf(dataDir ?? '')), origin: 'mvid.test/log', clock: systemClock });
  const salt = Number(saltText);
  const rounds = roundsText === undefined ? Number.POSITIVE_INFINITY : Number(roundsText);
  process.stdout.write('ready\n');
  await Promise.all(
    Array.from({ length: WRITER_WORKERS }, async (_, worker) => {
      for (let round = 0; round < rounds; round++) {
        const batch = writerBatch(salt, worker, round);
        if (round % 2 === 0) await log.appendEntries(batch);
        else {
          await store.transaction((tx) => log.enqueue(tx, batch));
          await log.integrate();
        }
        process.stdout.write(`ack ${worker} ${round}\n`);
      }
    }),
  );
  await store.close();
  process.stdout.write('done\n');
}
