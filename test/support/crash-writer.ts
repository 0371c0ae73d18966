/**
 * Child process for the crash test: writes rows in transactions as fast as it can and
 * prints `ack N` after each commit resolves. The parent kills it with SIGKILL at a
 * random moment and checks that every acknowledged write survived.
 */
import { openStore, type StoreLocation } from '../../src/store/index.ts';

const location = JSON.parse(process.argv[2] ?? '{}') as StoreLocation;
const store = openStore(location);
await store.migrate();
process.stdout.write('ready\n');
for (let n = 0; ; n++) {
  await store.transaction(async (tx) => {
    // Two rows per transaction: after the crash, either both exist or neither.
    await tx
      .insertInto('service_meta')
      .values({ key: `crash-${n}-a`, value: String(n), updated_at: new Date().toISOString() })
      .execute();
    await tx
      .insertInto('service_meta')
      .values({ key: `crash-${n}-b`, value: String(n), updated_at: new Date().toISOString() })
      .execute();
  });
  process.stdout.write(`ack ${n}\n`);
}
