import assert from 'node:assert/strict';
import { it } from 'node:test';
import { silenceMlDsaExperimentalWarning } from './warnings.ts';

it('drops only the ML-DSA experimental warnings (the algorithm and the supports() probe); others still reach Node', async () => {
  const seen: string[] = [];
  const listener = (w: Error) => seen.push(`${w.name}: ${w.message}`);
  process.on('warning', listener);
  try {
    silenceMlDsaExperimentalWarning();
    silenceMlDsaExperimentalWarning(); // idempotent: one wrapper
    await crypto.subtle
      .generateKey({ name: 'ML-DSA-44' } as unknown as Parameters<typeof crypto.subtle.generateKey>[0], true, ['sign'])
      .catch(() => undefined);
    process.emitWarning(
      'The supports Web Crypto API method is an experimental feature and might change at any time',
      'ExperimentalWarning',
    );
    process.emitWarning('The ML-DSA-65 Web Crypto API algorithm is an experimental feature', { type: 'ExperimentalWarning' });
    process.emitWarning('Something else is experimental', 'ExperimentalWarning');
    process.emitWarning('ML-DSA mentioned in a deprecation', 'DeprecationWarning');
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(seen, [
      'ExperimentalWarning: Something else is experimental',
      'DeprecationWarning: ML-DSA mentioned in a deprecation',
    ]);
  } finally {
    process.off('warning', listener);
  }
});
