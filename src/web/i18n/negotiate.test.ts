import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { negotiateLanguage } from './negotiate.ts';

const pick = (acceptLanguage: string | undefined, choice?: string) =>
  negotiateLanguage(['en', 'de'] as const, 'en', { acceptLanguage, choice });

describe('negotiateLanguage', () => {
  it('defaults to English without a header, with an empty one, or with only unknown languages', () => {
    assert.equal(pick(undefined), 'en');
    assert.equal(pick(''), 'en');
    assert.equal(pick('ja, zh-CN;q=0.8'), 'en');
  });
  it('takes the first supported language in the header', () => {
    assert.equal(pick('de'), 'de');
    assert.equal(pick('fr, de;q=0.9, en;q=0.8'), 'de');
    assert.equal(pick('en-GB,en;q=0.9,de;q=0.8'), 'en');
  });
  it('falls back from a regional tag to its language, case-insensitively', () => {
    assert.equal(pick('de-AT'), 'de');
    assert.equal(pick('DE-ch;q=0.5, ja'), 'de');
    assert.equal(pick('de-Latn-AT'), 'de');
  });
  it('orders by q-value, then by the order in the header', () => {
    assert.equal(pick('en;q=0.5, de;q=0.9'), 'de');
    assert.equal(pick('de;q=0.7, en;q=0.7'), 'de');
    assert.equal(pick('en;q=0.7, de;q=0.7'), 'en');
    assert.equal(pick('de;q=0.1, en;q=1.000'), 'en');
  });
  it('never picks a language the header refuses with q=0, not even through *', () => {
    assert.equal(pick('de;q=0, en'), 'en');
    assert.equal(pick('en;q=0, *'), 'de');
    assert.equal(pick('*;q=0.5, en;q=0'), 'de');
    assert.equal(pick('de;q=0'), 'en');
  });
  it('* accepts any language: the first supported one', () => {
    assert.equal(pick('ja, *;q=0.1'), 'en');
  });
  it('ignores malformed ranges and weights instead of failing', () => {
    assert.equal(pick('de;q=2, en'), 'en');
    assert.equal(pick('de;q=abc, en'), 'en');
    assert.equal(pick('<script>, de'), 'de');
    assert.equal(pick(';;;,,,de'), 'de');
    assert.equal(pick('d e, de-'), 'en');
  });
  it('reads a bounded number of ranges (a huge header is not worth the work)', () => {
    assert.equal(pick(`${'xx, '.repeat(5000)}de`), 'en');
    assert.equal(pick(`${'xx, '.repeat(10)}de`), 'de');
  });
  it('an explicit choice wins over the header; an unknown choice is ignored', () => {
    assert.equal(pick('en', 'de'), 'de');
    assert.equal(pick('de', 'en'), 'en');
    assert.equal(pick('de', 'fr'), 'de');
    assert.equal(pick('de', 'DE'), 'de');
    assert.equal(pick('en', 'de-AT'), 'en');
  });
});
