import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { agePredicates, claimNames } from '../credentials/index.ts';
import { isPresentationError } from './errors.ts';
import { presentCredential } from './present.ts';
import { AUDIENCE, kit, NONCE, NOW } from '../credentials/testkit.ts';
import { verifyPresentation } from './verify.ts';

const k = kit();
const [credential = ''] = await k.issue('age', { ...agePredicates('2004-02-29', NOW) });
const names = claimNames('age');
const bind = { holderPrivateKey: k.holder.privateKey, audience: AUDIENCE, nonce: NONCE, now: NOW };

test('any subset disclosed is exactly the subset verified', async () => {
  await fc.assert(
    fc.asyncProperty(fc.subarray(names), async (subset) => {
      const presentation = await presentCredential(credential, { ...bind, disclose: subset });
      const { claims } = await verifyPresentation(presentation, k.options());
      assert.deepEqual(Object.keys(claims).sort(), [...subset].sort());
    }),
    { numRuns: 40 },
  );
});

test('changing any one character of a presentation gets it refused', async () => {
  const presentation = await presentCredential(credential, { ...bind, disclose: ['age_over_18', 'age_over_21'] });
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~';
  await fc.assert(
    fc.asyncProperty(fc.nat(presentation.length - 1), fc.constantFrom(...alphabet), async (at, ch) => {
      fc.pre(presentation[at] !== ch);
      const mutated = presentation.slice(0, at) + ch + presentation.slice(at + 1);
      await assert.rejects(verifyPresentation(mutated, k.options()), (e: unknown) => isPresentationError(e));
    }),
    { numRuns: 400 },
  );
});

test('dropping, repeating or reordering disclosures never yields claims the holder did not sign for', async () => {
  const presentation = await presentCredential(credential, { ...bind, disclose: names });
  const [jwt = '', ...rest] = presentation.split('~');
  const disclosures = rest.slice(0, -1);
  await fc.assert(
    fc.asyncProperty(fc.array(fc.nat(disclosures.length - 1), { maxLength: 6 }), async (picks) => {
      const chosen = picks.map((i) => disclosures[i] ?? '');
      // re-bound by the (honest) holder: only the disclosure rules can refuse it
      const { bindPresentation } = await import('./present.ts');
      const bound = await bindPresentation(`${[jwt, ...chosen].join('~')}~`, bind);
      const outcome = await verifyPresentation(bound, k.options()).then(
        (r) => r.claims,
        (e: unknown) => (isPresentationError(e, 'disclosure_invalid') ? 'refused' : Promise.reject(e)),
      );
      if (new Set(chosen).size !== chosen.length) assert.equal(outcome, 'refused');
      else assert.equal(Object.keys(outcome).length, chosen.length);
    }),
    { numRuns: 60 },
  );
});
