/**
 * Browser tests: Debian's Chromium driven by playwright-core (never a downloaded
 * browser), a CDP virtual WebAuthn authenticator, axe-core, the 390 px overflow check
 * and screenshots under test-results/ (git-ignored).
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
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
