/** The SDK's reading of a world's sanction state: malformed claims read as none; restrictions by feature and time. */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { moderationOf, NO_SANCTION, restricts } from './moderation.ts';

const NOW = new Date('2026-06-01T12:00:00Z');

it('reads the claim, and anything malformed or absent as no sanction', () => {
  assert.deepEqual(moderationOf({}), NO_SANCTION);
  assert.deepEqual(moderationOf({ mvid_moderation: 'ban' }), NO_SANCTION);
  assert.deepEqual(moderationOf({ mvid_moderation: { state: 'exile' } }), NO_SANCTION);
  assert.deepEqual(moderationOf({ mvid_moderation: { state: 'mute', until: 7, features: ['x', 3] } }), {
    state: 'mute',
    until: null,
    features: ['x'],
  });
});

it('a suspension or ban restricts everything until it ends; a mute silences chat and voice; a restriction its features', () => {
  const until = '2026-06-08T12:00:00Z';
  assert.equal(restricts({ state: 'suspension', until, features: [] }, 'build', NOW), true);
  assert.equal(restricts({ state: 'suspension', until, features: [] }, 'build', new Date(until)), false);
  assert.equal(restricts({ state: 'ban', until: null, features: [] }, 'anything', NOW), true);
  assert.equal(restricts({ state: 'mute', until, features: [] }, 'chat', NOW), true);
  assert.equal(restricts({ state: 'mute', until, features: [] }, 'build', NOW), false);
  assert.equal(restricts({ state: 'feature_restriction', until: null, features: ['trade'] }, 'trade', NOW), true);
  assert.equal(restricts({ state: 'feature_restriction', until: null, features: ['trade'] }, 'chat', NOW), false);
  assert.equal(restricts(NO_SANCTION, 'chat', NOW), false);
});
