/**
 * The transparency log over HTTP, on both engines: the tlog-tiles read API (checkpoint,
 * hash tiles, entry bundles) and the JSON API, checked against the signed checkpoint
 * with the pure verifiers; and every bad parameter answered with problem+json, never 500.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { fromBase64Url, toBase64Url } from '../src/core/index.ts';
import {
  CompactTree,
  hashLeaf,
  openCheckpoint,
  parseEntryBundle,
  parseVerifierKey,
  verifyConsistency,
  verifyInclusion,
} from '../src/tlog/index.ts';
import { ENGINES } from './support/engines.ts';
import { startTestRuntime, type TestRuntime } from './support/runtime.ts';
import { testEntry } from './support/tlog.ts';

const COUNT = 600;

for (const engine of ENGINES) {
  describe(`transparency log HTTP on ${engine}`, () => {
    let rt: TestRuntime;
    let vkey: string;
    let size: bigint;
    let root: Uint8Array;
    const entries = Array.from({ length: COUNT }, (_, i) => testEntry(i));

    const get = (url: string) => rt.app.inject({ method: 'GET', url });
    const problem = async (url: string, status: number, code: string) => {
      const r = await get(url);
      assert.equal(r.statusCode, status, `${url}: ${r.body}`);
      assert.match(String(r.headers['content-type']), /^application\/problem\+json/, url);
      assert.equal(r.json().code, code, url);
    };

    before(async () => {
      rt = await startTestRuntime(engine, {}, { ready: true });
      const indices = await rt.tlog.appendEntries(entries);
      assert.deepEqual(
        indices,
        entries.map((_, i) => BigInt(i)),
      );
      const key = await get('/log/v1/key');
      vkey = key.body.trim();
      const checkpoint = await get('/log/checkpoint');
      const opened = openCheckpoint(checkpoint.body, { origin: 'mvid.test/log', log: parseVerifierKey(vkey) });
      size = opened.checkpoint.size;
      root = opened.checkpoint.root;
    });
    after(async () => rt.stop());

    it('serves a signed checkpoint for origin host/log, not cached, and its key as a vkey', async () => {
      const r = await get('/log/checkpoint');
      assert.equal(r.statusCode, 200);
      assert.match(String(r.headers['content-type']), /^text\/plain; charset=utf-8/);
      assert.equal(r.headers['cache-control'], 'no-cache');
      assert.equal(size, BigInt(COUNT));
      const tree = new CompactTree();
      for (const e of entries) tree.appendEntry(e);
      assert.deepEqual(root, tree.root());
      assert.match(vkey, /^mvid\.test\/log\+[0-9a-f]{8}\+/);
      const json = (await get('/log/v1/checkpoints/latest')).json();
      assert.equal(json.size, COUNT);
      assert.equal(json.origin, 'mvid.test/log');
      assert.equal(json.root, toBase64Url(root));
      assert.equal(json.note, r.body);
    });

    it('serves full tiles as immutable, partial tiles short-lived, and 404 beyond the tree', async () => {
      const full = await get('/log/tile/0/000');
      assert.equal(full.statusCode, 200);
      assert.equal(full.headers['content-type'], 'application/octet-stream');
      assert.equal(full.headers['cache-control'], 'public, max-age=31536000, immutable');
      assert.equal(full.rawPayload.length, 256 * 32);
      assert.deepEqual(new Uint8Array(full.rawPayload.subarray(32, 64)), hashLeaf(entries[1] as Uint8Array));
      const partial = await get('/log/tile/0/002.p/88'); // 600 = 2·256 + 88
      assert.equal(partial.statusCode, 200);
      assert.equal(partial.headers['cache-control'], 'public, max-age=60');
      assert.equal(partial.rawPayload.length, 88 * 32);
      const level1 = await get('/log/tile/1/000.p/2');
      assert.equal(level1.statusCode, 200);
      assert.equal(level1.rawPayload.length, 64);
      for (const path of ['/log/tile/0/002', '/log/tile/0/002.p/89', '/log/tile/1/000', '/log/tile/0/003.p/1', '/log/tile/entries/002']) {
        await problem(path, 404, 'not_found');
      }
      for (const path of [
        '/log/tile/0/2',
        '/log/tile/0/x000/002',
        '/log/tile/64/000',
        '/log/tile/0/000.p/0',
        '/log/tile/0/000.p/256',
        '/log/tile/a/000',
      ]) {
        await problem(path, 404, 'not_found');
      }
    });

    it('serves entry bundles that hash to the level-0 tiles', async () => {
      const bundle = await get('/log/tile/entries/002.p/88');
      assert.equal(bundle.statusCode, 200);
      const parsed = parseEntryBundle(new Uint8Array(bundle.rawPayload));
      assert.ok(parsed);
      assert.equal(parsed.length, 88);
      assert.deepEqual(parsed[0], entries[512]);
      const full = await get('/log/tile/entries/001');
      assert.equal(full.headers['cache-control'], 'public, max-age=31536000, immutable');
      assert.deepEqual(parseEntryBundle(new Uint8Array(full.rawPayload))?.[255], entries[511]);
    });

    it('proves inclusion by index and by leaf hash', async () => {
      for (const [index, at] of [
        [0, COUNT],
        [417, COUNT],
        [599, COUNT],
        [5, 6],
      ] as const) {
        const r = await get(`/log/v1/proof/inclusion?index=${index}&size=${at}`);
        assert.equal(r.statusCode, 200, r.body);
        const body = r.json();
        const proof = (body.proof as string[]).map((p) => fromBase64Url(p));
        const leaf = hashLeaf(entries[index] as Uint8Array);
        assert.equal(body.leafHash, toBase64Url(leaf));
        const prefix = new CompactTree();
        for (const e of entries.slice(0, at)) prefix.appendEntry(e);
        assert.ok(verifyInclusion(BigInt(index), BigInt(at), leaf, proof, prefix.root()));
      }
      const leafHash = toBase64Url(hashLeaf(entries[333] as Uint8Array));
      const byHash = (await get(`/log/v1/proof/inclusion?leaf_hash=${leafHash}`)).json();
      assert.equal(byHash.index, 333);
      assert.equal(byHash.size, COUNT);
      assert.ok(verifyInclusion(333n, size, fromBase64Url(leafHash), byHash.proof.map(fromBase64Url), root));
    });

    it('proves consistency between sizes, up to the latest by default', async () => {
      const r = (await get('/log/v1/proof/consistency?first=100')).json();
      assert.equal(r.second, COUNT);
      const oldRoot = new CompactTree();
      for (const e of entries.slice(0, 100)) oldRoot.appendEntry(e);
      assert.ok(verifyConsistency(100n, size, r.proof.map(fromBase64Url), oldRoot.root(), root));
      assert.deepEqual((await get(`/log/v1/proof/consistency?first=${COUNT}&second=${COUNT}`)).json().proof, []);
    });

    it('pages entries, at most 1000, cut at the checkpoint', async () => {
      const page = (await get('/log/v1/entries?start=590')).json();
      assert.equal(page.start, 590);
      assert.equal(page.end, COUNT);
      assert.equal(page.entries.length, 10);
      assert.equal(page.next, undefined);
      assert.deepEqual(fromBase64Url(page.entries[3].entry), entries[593]);
      const first = (await get('/log/v1/entries?start=0&end=2')).json();
      assert.equal(first.next, 2);
      assert.equal(first.entries[1].leafHash, toBase64Url(hashLeaf(entries[1] as Uint8Array)));
      assert.deepEqual((await get(`/log/v1/entries?start=${COUNT}`)).json().entries, []);
    });

    it('answers bad or out-of-range parameters with 400 problems', async () => {
      const bad: Array<[string, number, string]> = [
        ['/log/v1/proof/inclusion', 400, 'validation_failed'],
        ['/log/v1/proof/inclusion?index=1&leaf_hash=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', 400, 'validation_failed'],
        ['/log/v1/proof/inclusion?index=-1', 400, 'validation_failed'],
        ['/log/v1/proof/inclusion?index=abc', 400, 'validation_failed'],
        ['/log/v1/proof/inclusion?index=1.5', 400, 'validation_failed'],
        ['/log/v1/proof/inclusion?index=99999999999999999999', 400, 'validation_failed'],
        [`/log/v1/proof/inclusion?index=${COUNT}`, 400, 'tlog_range_invalid'],
        ['/log/v1/proof/inclusion?index=3&size=3', 400, 'tlog_range_invalid'],
        ['/log/v1/proof/inclusion?index=3&size=0', 400, 'tlog_range_invalid'],
        [`/log/v1/proof/inclusion?index=3&size=${COUNT + 1}`, 400, 'tlog_range_invalid'],
        ['/log/v1/proof/inclusion?leaf_hash=xyz', 400, 'validation_failed'],
        ['/log/v1/proof/consistency', 400, 'validation_failed'],
        ['/log/v1/proof/consistency?first=0', 400, 'validation_failed'],
        ['/log/v1/proof/consistency?first=10&second=5', 400, 'tlog_range_invalid'],
        [`/log/v1/proof/consistency?first=10&second=${COUNT + 1}`, 400, 'tlog_range_invalid'],
        ['/log/v1/proof/consistency?first=x', 400, 'validation_failed'],
        ['/log/v1/entries', 400, 'validation_failed'],
        ['/log/v1/entries?start=-5', 400, 'validation_failed'],
        ['/log/v1/entries?start=10&end=5', 400, 'tlog_range_invalid'],
        ['/log/v1/entries?start=0&end=1001', 400, 'tlog_range_invalid'],
        [`/log/v1/entries?start=${COUNT + 1}`, 400, 'tlog_range_invalid'],
      ];
      for (const [url, status, code] of bad) await problem(url, status, code);
      await problem(`/log/v1/proof/inclusion?leaf_hash=${toBase64Url(hashLeaf(testEntry(COUNT + 7)))}`, 404, 'not_found');
      const post = await rt.app.inject({ method: 'POST', url: '/log/checkpoint' });
      assert.equal(post.statusCode, 405);
    });

    it('documents the JSON API in the OpenAPI document', async () => {
      const paths = Object.keys((await get('/openapi.json')).json().paths);
      for (const path of ['/log/checkpoint', '/log/v1/proof/inclusion', '/log/v1/proof/consistency', '/log/v1/entries', '/log/v1/key']) {
        assert.ok(paths.includes(path), path);
      }
    });

    it('integrates entries queued by other modules in the outbox', async () => {
      const extra = testEntry(COUNT + 1);
      const [id] = await rt.store.transaction((tx) => rt.tlog.enqueue(tx, [extra]));
      assert.equal(typeof id, 'number');
      const report = await rt.tlog.integrate();
      assert.equal(report.integrated, 1);
      assert.equal(await rt.tlog.findByLeafHash(hashLeaf(extra)), BigInt(COUNT));
      const next = openCheckpoint((await get('/log/checkpoint')).body, { origin: 'mvid.test/log', log: parseVerifierKey(vkey) });
      assert.equal(next.checkpoint.size, BigInt(COUNT + 1));
    });
  });
}
