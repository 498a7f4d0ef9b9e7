/**
 * Headless Chromium for the page tests (README.md: Debian's `chromium`, which .ci/run installs) driven by playwright-core,
 * a fresh user-data-dir per launch, and a log of every request the page makes.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM_PATH = '/usr/bin/chromium';

const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * Whether the browser suite can run. Without Chromium it is skipped locally (with a message saying how to install
 * it) but never in CI, where a missing browser must fail the suite.
 */
export function browserSuiteEnabled(suite: string): boolean {
  if (existsSync(CHROMIUM_PATH) || process.env.CI) return true;
  process.stderr.write(
    `SKIPPED ${suite}: ${CHROMIUM_PATH} not found. Install it (as root): apt-get update && apt-get install -y chromium\n`,
  );
  return false;
}

export interface TestBrowser {
  readonly context: BrowserContext;
  /** Every URL the pages of this context requested. */
  readonly requests: string[];
  /** Console errors and uncaught page errors. */
  readonly errors: string[];
  newPage(viewport?: { width: number; height: number }): Promise<Page>;
  close(): Promise<void>;
}

/** Launches Chromium with a fresh profile. */
export async function launchBrowser(): Promise<TestBrowser> {
  const userDataDir = mkdtempSync(path.join(tmpdir(), 'sts-page-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: ARGS,
    viewport: { width: 1280, height: 800 },
  });
  const requests: string[] = [];
  const errors: string[] = [];
  context.on('request', (r) => requests.push(r.url()));
  const watch = (page: Page): void => {
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    page.on('pageerror', (e) => errors.push(e.message));
  };
  context.on('page', watch);
  context.pages().forEach(watch);
  return {
    context,
    requests,
    errors,
    async newPage(viewport) {
      const page = await context.newPage();
      if (viewport) await page.setViewportSize(viewport);
      return page;
    },
    async close() {
      await context.close();
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}
