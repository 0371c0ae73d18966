import assert from 'node:assert/strict';
import { test } from 'node:test';
import { validateJsonSchema } from './schema.ts';

test('the supported keywords assert what they say', () => {
  const schema = {
    type: 'object',
    properties: {
      name: { type: 'string', minLength: 1, maxLength: 3 },
      code: { type: 'string', pattern: '^[A-Z]{2}$' },
      kind: { enum: ['a', 'b'] },
      yes: { const: true },
      n: { type: 'integer', minimum: 1, maximum: 9 },
      tags: { type: 'array', items: { type: 'string' }, maxItems: 2 },
    },
    required: ['name'],
    additionalProperties: false,
  };
  assert.deepEqual(validateJsonSchema(schema, { name: 'ab', code: 'FR', kind: 'a', yes: true, n: 3, tags: ['x'] }), []);
  assert.deepEqual(validateJsonSchema(schema, {}), ['/name: is required']);
  assert.equal(validateJsonSchema(schema, { name: '' }).length, 1);
  assert.equal(validateJsonSchema(schema, { name: '🙂🙂🙂' }).length, 0, 'lengths count code points');
  assert.deepEqual(validateJsonSchema(schema, { name: 'a', code: 'fr' }), ['/code: does not match ^[A-Z]{2}$']);
  assert.equal(validateJsonSchema(schema, { name: 'a', kind: 'c', yes: false, n: 1.5, tags: ['x', 'y', 3] }).length, 5); // tags: too many and a non-string
  assert.deepEqual(validateJsonSchema(schema, { name: 'a', extra: 1 }), ['/extra: not allowed']);
  assert.deepEqual(validateJsonSchema(schema, 'x'), [': is not of type "object"']);
});

test('an unsupported keyword is a TypeError rather than a silent pass', () => {
  assert.throws(() => validateJsonSchema({ oneOf: [{ type: 'string' }] }, 'x'), TypeError);
  assert.throws(() => validateJsonSchema({ type: 'float' }, 1), TypeError);
});

test('annotations never fail a value', () => {
  assert.deepEqual(validateJsonSchema({ $schema: 'x', title: 't', description: 'd', format: 'email' }, 'not an email'), []);
});

test('string lengths count code points as the spread did: pairs once, lone surrogates once each', () => {
  const schema = { type: 'string', minLength: 3, maxLength: 3 } as const;
  for (const text of ['abc', 'a😀b', '😀😀😀', '\ud800ab', 'a\udc00b', '\udc00\ud800x', 'é́x', '😀\ud800']) {
    const length = [...text].length;
    assert.equal(validateJsonSchema(schema, text).length === 0, length === 3, JSON.stringify(text));
  }
});
