/**
 * Browser tests: Debian's Chromium driven by playwright-core (never a downloaded
 * browser), a CDP virtual WebAuthn authenticator, axe-core, the 390 px overflow check
 * and screenshots under test-results/ (git-ignored).
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { REPO_ROOT } from './engines.ts';

export const CHROMIUM = '/usr/bin/chromium';
/** `describe`'s skip option: browser tests skip only when Chromium is not installed. */
/**
 * Why the browser suites cannot run here, or false. Under CI (which installs chromium) they
 * never skip: a missing browser fails them, so a green CI always includes the browser tests.
 */
export const NO_CHROMIUM = existsSync(CHROMIUM) || process.env.CI ? false : `no ${CHROMIUM}: apt-get install chromium`;

const AXE = readFileSync(join(REPO_ROOT, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** axe-core's violations on the page, as `id (nodes)`; `impacts` limits them (default: all). */
export async function axe(page: Page, impacts?: readonly string[]): Promise<string[]> {
  await page.evaluate(AXE);
  const result = (await page.evaluate('axe.run(document, { resultTypes: ["violations"] })')) as {
    violations: Array<{ id: string; impact: string | null; nodes: unknown[] }>;
  };
  return result.violations.filter((v) => !impacts || impacts.includes(v.impact ?? '')).map((v) => `${v.id} (${v.nodes.length})`);
}

/** Adds an always-consenting virtual passkey authenticator to the page's browser context. */
export async function addVirtualAuthenticator(context: BrowserContext, page: Page): Promise<void> {
  const cdp = await context.newCDPSession(page);
  await cdp.send('WebAuthn.enable');
  await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: {
      protocol: 'ctap2',
      transport: 'internal',
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
    },
  });
}

/** How many CSS pixels the page is wider than its viewport (0 when nothing overflows). */
export async function horizontalOverflow(page: Page): Promise<number> {
  return page.evaluate(() => {
    const doc = (globalThis as unknown as { document: { documentElement: { scrollWidth: number; clientWidth: number } } }).document;
    return Math.max(0, doc.documentElement.scrollWidth - doc.documentElement.clientWidth);
  });
}

/** Saves a full-page screenshot as test-results/<folder>/<name>.png. */
export async function screenshot(page: Page, folder: string, name: string): Promise<void> {
  const dir = join(REPO_ROOT, 'test-results', folder);
  mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: join(dir, `${name}.png`), fullPage: true });
}

/** Collects the body of every request the page sends (to check what leaves the browser). */
export function requestBodies(page: Page): string[] {
  const bodies: string[] = [];
  page.on('request', (r) => {
    const body = r.postData();
    if (body !== null) bodies.push(body);
  });
  return bodies;
}

/** A world's web server on localhost: it records each request's URL and answers with a plain page. */
export interface CallbackWorld {
  url: string;
  callbacks: string[];
  /** The last OAuth callback it received (the browser also asks it for /favicon.ico). */
  lastCallback(): URL;
  close(): Promise<void>;
}

export async function startCallbackWorld(port: number): Promise<CallbackWorld> {
  const url = `http://localhost:${port}`;
  const callbacks: string[] = [];
  const server = createServer((req, res) => {
    callbacks.push(`${url}${req.url}`);
    res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>world</title><p>back at the world</p>');
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    url,
    callbacks,
    lastCallback: () => new URL(callbacks.filter((u) => u.includes('/callback?')).at(-1) as string),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/**
 * Right after enrolment, as the enrolment app on mvid's origin does: registers a passkey of
 * the page's virtual authenticator with the person's registry session. Returns the status.
 */
export async function addPasskeyInPage(page: Page, sessionToken: string): Promise<number> {
  return page.evaluate(async (token: string) => {
    const auth = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const options = await (await fetch('/worlds/v1/me/passkeys/options', { method: 'POST', headers: auth, body: '{}' })).json();
    // biome-ignore lint/suspicious/noExplicitAny: runs in the page; the WebAuthn globals are not in Node's typings
    const page = globalThis as any;
    const credential = await page.navigator.credentials.create({
      publicKey: page.PublicKeyCredential.parseCreationOptionsFromJSON(options),
    });
    return (await fetch('/worlds/v1/me/passkeys', { method: 'POST', headers: auth, body: JSON.stringify(credential.toJSON()) })).status;
  }, sessionToken);
}
