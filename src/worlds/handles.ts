/**
 * Handles ("identifiable signs"): a display name a person holds in one world. It belongs
 * to the person id + world (the pairwise pseudonym), so it follows the person through
 * recovery. Unique per world by confusable skeleton, one script per handle, reserved
 * names refused (also by skeleton, so `0wner` is as reserved as `owner`).
 */
import { type Clock, ConflictError, MvidError } from '../core/index.ts';
import type { Store, Tx } from '../store/index.ts';
import { handleKey, handleKeys } from './skeleton.ts';

export const HANDLE_MIN = 3;
export const HANDLE_MAX = 32;

/** Names nobody may hold in any world: they would pass for the service or a world's staff. */
export const RESERVED_HANDLES = [
  'admin',
  'administrator',
  'root',
  'system',
  'mvid',
  'moderator',
  'mod',
  'staff',
  'support',
  'help',
  'official',
  'security',
  'owner',
  'everyone',
  'here',
  'null',
  'undefined',
  'anonymous',
  'world',
] as const;

const RESERVED = new Set(RESERVED_HANDLES.flatMap(handleKeys));

/** Scripts a handle may be written in (others are refused rather than guessed at). */
const SCRIPTS = [
  'Latin',
  'Greek',
  'Cyrillic',
  'Armenian',
  'Georgian',
  'Hebrew',
  'Arabic',
  'Devanagari',
  'Bengali',
  'Tamil',
  'Thai',
  'Ethiopic',
  'Hangul',
  'Hiragana',
  'Katakana',
  'Han',
  'Bopomofo',
] as const;
const SCRIPT_RE = SCRIPTS.map((s) => [s, new RegExp(`^\\p{Script=${s}}$`, 'u')] as const);
/** UTS #39 "highly restrictive" combinations that are one writing system. */
const ALLOWED_MIXES = [new Set(['Han', 'Hiragana', 'Katakana']), new Set(['Han', 'Hangul']), new Set(['Han', 'Bopomofo'])];

/** Letters, combining marks, ASCII digits and inner `_ - .`; no spaces, symbols or invisible characters. */
const REPERTOIRE = /^[\p{L}\p{M}0-9]+(?:[._-][\p{L}\p{M}0-9]+)*$/u;

function scriptOf(ch: string): string | undefined {
  for (const [name, re] of SCRIPT_RE) if (re.test(ch)) return name;
  return undefined;
}

function invalid(message: string): MvidError {
  return new MvidError('handle_invalid', message, { extensions: { field: 'handle' } });
}

/**
 * Checks a handle against the length, repertoire and script rules; returns it NFKC-normalised.
 * @throws MvidError handle_invalid | handle_reserved
 */
export function normaliseHandle(input: string): { handle: string; key: string; keys: string[] } {
  if (typeof input !== 'string') throw new TypeError('handle must be a string');
  const handle = input.normalize('NFKC');
  const length = [...handle].length;
  if (length < HANDLE_MIN || length > HANDLE_MAX) throw invalid(`a handle has ${HANDLE_MIN} to ${HANDLE_MAX} characters`);
  if (!REPERTOIRE.test(handle)) throw invalid('a handle has letters, digits and single inner . _ - only');
  const scripts = new Set<string>();
  for (const ch of handle) {
    if (!/\p{L}/u.test(ch)) continue;
    const script = scriptOf(ch);
    if (!script) throw invalid(`the character ${JSON.stringify(ch)} is not in a script handles may use`);
    scripts.add(script);
  }
  if (scripts.size === 0) throw invalid('a handle needs at least one letter');
  if (scripts.size > 1 && !ALLOWED_MIXES.some((mix) => [...scripts].every((s) => mix.has(s)))) {
    throw invalid(`a handle is written in one script (this one mixes ${[...scripts].sort().join(', ')})`);
  }
  const key = handleKey(handle);
  const keys = handleKeys(handle);
  if (keys.some((k) => RESERVED.has(k)))
    throw new MvidError('handle_reserved', `${handle} is reserved`, { extensions: { field: 'handle' } });
  return { handle, key, keys };
}

export class Handles {
  readonly #store: Store;
  readonly #clock: Clock;

  constructor(store: Store, clock: Clock) {
    this.#store = store;
    this.#clock = clock;
  }

  async of(worldId: string, personId: string): Promise<string | undefined> {
    const row = await this.#store.db
      .selectFrom('worlds_handles')
      .select('handle')
      .where('world_id', '=', worldId)
      .where('person_id', '=', personId)
      .executeTakeFirst();
    return row?.handle;
  }

  /** Every handle the person holds, by world (for their data export). */
  async allOf(personId: string): Promise<Array<{ worldId: string; handle: string; createdAt: string }>> {
    const rows = await this.#store.db
      .selectFrom('worlds_handles')
      .select(['world_id', 'handle', 'created_at'])
      .where('person_id', '=', personId)
      .orderBy('created_at')
      .execute();
    return rows.map((r) => ({ worldId: r.world_id, handle: r.handle, createdAt: r.created_at }));
  }

  /**
   * Claims (or changes) the person's handle in a world.
   * @throws MvidError handle_invalid | handle_reserved | handle_taken
   */
  async claim(worldId: string, personId: string, input: string): Promise<string> {
    const { handle, key, keys } = normaliseHandle(input);
    try {
      await this.#store.transaction(async (tx) => {
        await this.#delete(tx, worldId, personId);
        await tx
          .insertInto('worlds_handles')
          .values({ world_id: worldId, person_id: personId, handle, skeleton: key, created_at: this.#clock.now().toISOString() })
          .execute();
        // The primary key (world, key) is what refuses a look-alike, also under concurrency.
        await tx
          .insertInto('worlds_handle_keys')
          .values(keys.map((k) => ({ world_id: worldId, key: k, person_id: personId })))
          .execute();
      });
    } catch (error) {
      if (error instanceof ConflictError)
        throw new MvidError('handle_taken', `${handle} (or a look-alike) is taken in this world`, { extensions: { field: 'handle' } });
      throw error;
    }
    return handle;
  }

  async #delete(tx: Tx, worldId: string, personId: string): Promise<void> {
    await tx.deleteFrom('worlds_handles').where('world_id', '=', worldId).where('person_id', '=', personId).execute();
    await tx.deleteFrom('worlds_handle_keys').where('world_id', '=', worldId).where('person_id', '=', personId).execute();
  }

  async release(worldId: string, personId: string): Promise<void> {
    await this.#store.transaction((tx) => this.#delete(tx, worldId, personId));
  }

  /** Frees every handle of a person (account swept); in the caller's transaction. */
  async releaseAll(tx: Tx, personId: string): Promise<void> {
    await tx.deleteFrom('worlds_handles').where('person_id', '=', personId).execute();
    await tx.deleteFrom('worlds_handle_keys').where('person_id', '=', personId).execute();
  }

  /**
   * Who holds a handle or one of its look-alikes in a world: the exact holder first, else
   * the one person any of its keys belongs to. Undefined when nobody, or when the keys
   * point at two persons (then only the pseudonym can name the target).
   */
  async holderOf(worldId: string, input: string): Promise<string | undefined> {
    let normalised: { handle: string; keys: string[] };
    try {
      normalised = normaliseHandle(input);
    } catch {
      return undefined;
    }
    const exact = await this.#store.db
      .selectFrom('worlds_handles')
      .select('person_id')
      .where('world_id', '=', worldId)
      .where('handle', '=', normalised.handle)
      .executeTakeFirst();
    if (exact) return exact.person_id;
    const rows = await this.#store.db
      .selectFrom('worlds_handle_keys')
      .select('person_id')
      .where('world_id', '=', worldId)
      .where('key', 'in', normalised.keys)
      .execute();
    const persons = new Set(rows.map((r) => r.person_id));
    return persons.size === 1 ? [...persons][0] : undefined;
  }
}
