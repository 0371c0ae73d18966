/**
 * The tag service's count under concurrency: every answer carries its own count, the
 * count on disk is never behind an answer that has left, and a restart resumes from it.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { blindIdentifier } from '../crypto/index.ts';
import { TAG_SERVICE_FILES, TagService } from './service.ts';

test('concurrent evaluations share state-file writes, yet each answer’s count is on disk before it leaves', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mvid-tagservice-'));
  try {
    const service = new TagService({ keyDir: dir, ratePerMinute: 1000 });
    const onDisk = () => (JSON.parse(readFileSync(join(dir, TAG_SERVICE_FILES.state), 'utf8')) as { evaluations: number }).evaluations;
    const blinded = await Promise.all(Array.from({ length: 12 }, (_, i) => blindIdentifier('GB:nino', `AB12345${i}C`)));
    const answers = await Promise.all(
      blinded.map(async (b) => {
        const answer = await service.evaluate(b.blinded);
        assert.ok(onDisk() >= answer.evaluations, 'the count on disk covers this answer');
        return answer.evaluations;
      }),
    );
    assert.deepEqual(
      answers.toSorted((a, b) => a - b),
      Array.from({ length: 12 }, (_, i) => i + 1),
    );
    assert.equal(onDisk(), 12);
    // A refused element takes no count and gives its rate-limit slot back.
    await assert.rejects(service.evaluate('not a point'), { code: 'crypto_encoding_invalid' });
    assert.equal(service.status().evaluations, 12);
    service.close();
    const again = new TagService({ keyDir: dir, ratePerMinute: 1000 });
    assert.equal(again.status().evaluations, 12, 'a restart resumes from the persisted count');
    assert.equal((await again.evaluate(blinded[0]?.blinded)).evaluations, 13);
    again.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
