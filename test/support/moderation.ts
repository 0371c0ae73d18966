/**
 * Moderation test kit: a listening mvid with two worlds (Moonbase and Starport), Alice
 * (a member who reports), Tom (who is reported), and Mia and Max (Moonbase's
 * moderators), all signed in to both worlds through the real OpenID Connect flow so
 * each world knows them by its own pseudonym.
 */
import assert from 'node:assert/strict';
import * as oidc from 'openid-client';
import type { Logger } from 'pino';
import type { Engine } from '../../src/store/index.ts';
import type { RequestOptions } from './webauthn.ts';
import {
  Browser,
  clientFor,
  csrfOf,
  enrolPerson,
  registerWorld,
  signIn,
  startWorldsRuntime,
  type TestPerson,
  type WorldsRuntime,
} from './worlds.ts';

export const REDIRECT_MOONBASE = 'http://127.0.0.1:9/moonbase/callback';
export const REDIRECT_STARPORT = 'http://localhost:9/starport/callback';
export const SCOPE = 'openid age_over_18 handle trust_level';

/** A 1×1 PNG: a screenshot as far as any sniffer can tell. */
export const SCREENSHOT = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  'base64',
);

export interface TestWorld {
  id: string;
  secret: string;
  redirect: string;
  config: oidc.Configuration;
}

export interface ModerationStory {
  rt: WorldsRuntime;
  moonbase: TestWorld;
  starport: TestWorld;
  alice: TestPerson;
  tom: TestPerson;
  mia: TestPerson;
  max: TestPerson;
  /** Every JSON body a moderation route answered in this story (for the no-disclosure checks). */
  seen: Array<{ path: string; body: string }>;
}

/** A world with two published rules asking for age_over_18, handle and trust_level; `extra` adds to its registration. */
export async function moderatedWorld(
  rt: WorldsRuntime,
  name: string,
  redirect: string,
  extra: Record<string, unknown> = {},
): Promise<TestWorld> {
  const registered = await registerWorld(rt, {
    ...extra,
    name,
    redirectUris: [redirect],
    rules: [
      { category: 'harassment', text: 'Do not spread rumours about, threaten or stalk other residents.' },
      { category: 'griefing', text: 'Do not wreck what others build.' },
    ],
    claims: [
      { name: 'age_over_18', required: true },
      { name: 'handle', required: false },
      { name: 'trust_level', required: false },
    ],
  });
  const secret = registered.clientSecret as string;
  return { id: registered.clientId, secret, redirect, config: await clientFor(rt, registered.clientId, oidc.ClientSecretBasic(secret)) };
}

export async function claimHandle(rt: WorldsRuntime, person: TestPerson, worldId: string, handle: string): Promise<void> {
  const r = await fetch(`${rt.url}/worlds/v1/me/worlds/${worldId}/handle`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${person.sessionToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ handle }),
  });
  assert.equal(r.status, 200, await r.text());
}

/** Signs the person in to the world; returns their pseudonym there (the ID token's `sub`) and its claims. */
export async function signInTo(story: ModerationStory, person: TestPerson, w: TestWorld) {
  const { tokens } = await signIn(story.rt, w.config, person, w.redirect, SCOPE);
  const claims = tokens.claims() as Record<string, unknown>;
  return { sub: String(claims.sub), claims };
}

export async function startModerationStory(engine: Engine, options: { logger?: Logger } = {}): Promise<ModerationStory> {
  const rt = await startWorldsRuntime(engine, '127.0.0.1', {}, options);
  const story: ModerationStory = {
    rt,
    moonbase: await moderatedWorld(rt, 'Moonbase', REDIRECT_MOONBASE),
    starport: await moderatedWorld(rt, 'Starport', REDIRECT_STARPORT),
    alice: await enrolPerson(rt),
    tom: await enrolPerson(rt),
    mia: await enrolPerson(rt),
    max: await enrolPerson(rt),
    seen: [],
  };
  await claimHandle(rt, story.tom, story.moonbase.id, 'Tom');
  await claimHandle(rt, story.mia, story.moonbase.id, 'Mia');
  await claimHandle(rt, story.max, story.moonbase.id, 'Max');
  for (const p of [story.alice, story.tom, story.mia, story.max]) {
    await signInTo(story, p, story.moonbase);
    await signInTo(story, p, story.starport);
  }
  for (const handle of ['Mia', 'Max']) {
    const r = await asWorld(story, story.moonbase, 'PUT', `/moderation/v1/worlds/${story.moonbase.id}/roles`, {
      subject: handle,
      role: 'moderator',
    });
    assert.equal(r.status, 200, r.text);
  }
  return story;
}

export interface Answer {
  status: number;
  text: string;
  json: () => Record<string, unknown>;
}

async function call(
  story: ModerationStory,
  authorization: string,
  method: string,
  path: string,
  body?: unknown,
  type?: string,
): Promise<Answer> {
  const headers: Record<string, string> = { authorization };
  let payload: string | Uint8Array | undefined;
  if (body instanceof Uint8Array) {
    headers['content-type'] = type ?? 'application/octet-stream';
    payload = body;
  } else if (body !== undefined) {
    headers['content-type'] = 'application/json';
    payload = JSON.stringify(body);
  }
  const r = await fetch(`${story.rt.url}${path}`, { method, headers, ...(payload === undefined ? {} : { body: payload }) });
  const text = await r.text();
  if (path.startsWith('/moderation/')) story.seen.push({ path, body: text });
  return { status: r.status, text, json: () => JSON.parse(text) as Record<string, unknown> };
}

/** A call as the world itself (HTTP Basic with its client credentials). */
export function asWorld(
  story: ModerationStory,
  w: TestWorld,
  method: string,
  path: string,
  body?: unknown,
  type?: string,
): Promise<Answer> {
  const basic = Buffer.from(`${encodeURIComponent(w.id)}:${encodeURIComponent(w.secret)}`).toString('base64');
  return call(story, `Basic ${basic}`, method, path, body, type);
}

/** A call as a person (their registry session). */
export function asPerson(
  story: ModerationStory,
  p: TestPerson,
  method: string,
  path: string,
  body?: unknown,
  type?: string,
): Promise<Answer> {
  return call(story, `Bearer ${p.sessionToken}`, method, path, body, type);
}

/** A browser signed in to the person's mvid account page with their passkey. */
export async function accountBrowser(story: ModerationStory, person: TestPerson): Promise<Browser> {
  const browser = new Browser(story.rt.url);
  const csrf = csrfOf(await (await browser.fetch('/account')).text());
  const headers = { 'x-csrf-token': csrf, 'content-type': 'application/json' };
  const options = (await (
    await browser.fetch('/account/sign-in/options', { method: 'POST', headers, body: '{}' })
  ).json()) as RequestOptions;
  const signedIn = await browser.fetch('/account/sign-in', {
    method: 'POST',
    headers,
    body: JSON.stringify(person.authenticator.get(options, story.rt.url)),
  });
  assert.equal(signedIn.status, 200, await signedIn.text());
  return browser;
}
