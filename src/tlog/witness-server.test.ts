/**
 * The tlog-witness: every status code of add-checkpoint, the atomic check-and-update,
 * and durable file state.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { it } from 'node:test';
import { ManualClock } from '../core/index.ts';
import { CompactTree, type SubtreeHash } from './compact.ts';
import { signCheckpoint } from './checkpoint.ts';
import { cosigner } from './cosignature.ts';
import { ed25519Signer } from './keys.ts';
import { consistencyProof, type SubtreeHashReader } from './prove.ts';
import { addCheckpointRequest, addCosignatures, openCheckpoint } from './witness.ts';
import { createWitness, fileWitnessStore, type WitnessRecord, type WitnessStateStore } from './witness-server.ts';

const ORIGIN = 'log.example/log';
const clock = new ManualClock('2026-06-01T12:00:00Z');
const logKey = ed25519Signer(ORIGIN, randomBytes(32));
const witnessKey = cosigner('witness.example/w1', randomBytes(32), clock);

/** A log in memory: its tree, every stored subtree hash, and signed checkpoints. */
function memoryLog(seed: number) {
  const tree = new CompactTree();
  const stored = new Map<string, Uint8Array>();
  const reader: SubtreeHashReader = {
    async getSubtreeHashes(ids) {
      return ids.map((id) => stored.get(`${id.level}:${id.index}`) as Uint8Array);
    },
  };
  return {
    tree,
    reader,
    grow(n: number) {
      for (let i = 0; i < n; i++) {
        for (const s of tree.appendEntry(new TextEncoder().encode(`${seed}:${tree.size}`)) as SubtreeHash[])
          stored.set(`${s.level}:${s.index}`, s.hash);
      }
      return signCheckpoint({ origin: ORIGIN, size: tree.size, root: tree.root(), extensions: [] }, [logKey]);
    },
  };
}

function memoryStore(): WitnessStateStore & { records: Map<string, WitnessRecord> } {
  const records = new Map<string, WitnessRecord>();
  return { records, load: async (o) => records.get(o) ?? null, save: async (o, r) => void records.set(o, r) };
}

it('cosigns a consistent sequence and answers each refusal with the spec status', async () => {
  const store = memoryStore();
  const witness = createWitness({ cosigner: witnessKey, logs: [{ origin: ORIGIN, verifier: logKey.verifier }], store });
  const log = memoryLog(1);
  const first = log.grow(10);
  const ok = await witness.addCheckpoint(addCheckpointRequest(0n, [], first));
  assert.equal(ok.status, 200, ok.body);
  const cosigned = addCosignatures(first, [ok.body], [witnessKey.verifier]);
  const opened = openCheckpoint(cosigned, {
    origin: ORIGIN,
    log: logKey.verifier,
    policy: { witnesses: [witnessKey.verifier], threshold: 1 },
  });
  assert.equal(opened.cosignatures.length, 1);
  assert.equal(store.records.get(ORIGIN)?.size, 10n);

  const second = log.grow(7);
  // Wrong old size: 409 with the witness's size, so the log can retry.
  const conflict = await witness.addCheckpoint(addCheckpointRequest(0n, [], second));
  assert.deepEqual([conflict.status, conflict.contentType, conflict.body], [409, 'text/x.tlog.size', '10\n']);
  // A bad proof: 422.
  const badProof = await witness.addCheckpoint(addCheckpointRequest(10n, [randomBytes(32)], second));
  assert.equal(badProof.status, 422);
  const good = await witness.addCheckpoint(addCheckpointRequest(10n, await consistencyProof(log.reader, 10n, 17n), second));
  assert.equal(good.status, 200, good.body);
  // The same checkpoint again is fine; another root at the same size is a conflict.
  assert.equal((await witness.addCheckpoint(addCheckpointRequest(17n, [], second))).status, 200);
  const fork = memoryLog(2);
  const forked = fork.grow(17);
  assert.equal((await witness.addCheckpoint(addCheckpointRequest(17n, [], forked))).status, 409);
  // A fork that grows: its proof does not lead from the cosigned root.
  const forkedLater = fork.grow(5);
  assert.equal(
    (await witness.addCheckpoint(addCheckpointRequest(17n, await consistencyProof(fork.reader, 17n, 22n), forkedLater))).status,
    422,
  );
  assert.equal(store.records.get(ORIGIN)?.size, 17n);
  // Old size above the checkpoint size: 400.
  assert.equal((await witness.addCheckpoint(addCheckpointRequest(30n, [], forkedLater))).status, 400);
});

it('refuses unknown logs (404), bad signatures (403) and malformed requests (400)', async () => {
  const witness = createWitness({ cosigner: witnessKey, logs: [{ origin: ORIGIN, verifier: logKey.verifier }], store: memoryStore() });
  const other = ed25519Signer('other.example/log', randomBytes(32));
  const strange = signCheckpoint({ origin: 'other.example/log', size: 1n, root: randomBytes(32), extensions: [] }, [other]);
  assert.equal((await witness.addCheckpoint(addCheckpointRequest(0n, [], strange))).status, 404);
  const impostor = ed25519Signer(ORIGIN, randomBytes(32));
  const forged = signCheckpoint({ origin: ORIGIN, size: 1n, root: randomBytes(32), extensions: [] }, [impostor]);
  assert.equal((await witness.addCheckpoint(addCheckpointRequest(0n, [], forged))).status, 403);
  const valid = memoryLog(3).grow(3);
  const tampered = new TextDecoder().decode(valid).replace('\n3\n', '\n4\n');
  assert.equal((await witness.addCheckpoint(addCheckpointRequest(0n, [], new TextEncoder().encode(tampered)))).status, 403);
  const encoder = new TextEncoder();
  for (const body of [
    '',
    'old 1\n',
    'old 01\n\n',
    'old x\n\nfoo',
    `old 0\nnot-base64\n\n${new TextDecoder().decode(valid)}`,
    'old 0\n\nnot a note\n',
  ]) {
    assert.equal((await witness.addCheckpoint(encoder.encode(body))).status, 400, JSON.stringify(body));
  }
  assert.equal((await witness.addCheckpoint(new Uint8Array([0xff, 0xfe]))).status, 400);
  // A proof from size 0 must be empty.
  assert.equal((await witness.addCheckpoint(addCheckpointRequestUnchecked(0n, [randomBytes(32)], valid))).status, 400);
});

function addCheckpointRequestUnchecked(old: bigint, proof: Uint8Array[], note: Uint8Array): Uint8Array {
  const head = `old ${old}\n${proof.map((p) => `${Buffer.from(p).toString('base64')}\n`).join('')}\n`;
  return new Uint8Array(Buffer.concat([Buffer.from(head), note]));
}

it('serialises concurrent submissions for one log: no rollback', async () => {
  const store = memoryStore();
  const witness = createWitness({ cosigner: witnessKey, logs: [{ origin: ORIGIN, verifier: logKey.verifier }], store });
  const log = memoryLog(4);
  const small = log.grow(5);
  const large = log.grow(5);
  const answers = await Promise.all([
    witness.addCheckpoint(addCheckpointRequest(0n, [], large)),
    witness.addCheckpoint(addCheckpointRequest(0n, [], small)),
  ]);
  assert.deepEqual(
    answers.map((a) => a.status),
    [200, 409],
  );
  assert.equal(store.records.get(ORIGIN)?.size, 10n);
});

it('keeps its state in durable files', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mvid-witness-'));
  try {
    const log = memoryLog(5);
    const note = log.grow(4);
    const first = createWitness({
      cosigner: witnessKey,
      logs: [{ origin: ORIGIN, verifier: logKey.verifier }],
      store: fileWitnessStore(dir),
    });
    assert.equal((await first.addCheckpoint(addCheckpointRequest(0n, [], note))).status, 200);
    const restarted = createWitness({
      cosigner: witnessKey,
      logs: [{ origin: ORIGIN, verifier: logKey.verifier }],
      store: fileWitnessStore(dir),
    });
    const answer = await restarted.addCheckpoint(addCheckpointRequest(0n, [], log.grow(1)));
    assert.deepEqual([answer.status, answer.body], [409, '4\n']);
    const record = await fileWitnessStore(dir).load(ORIGIN);
    assert.equal(record?.note, new TextDecoder().decode(note));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
