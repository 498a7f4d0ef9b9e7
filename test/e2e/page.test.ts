/**
 * The pathway page in a real headless Chromium: the flowchart, demo patients through patient-view, order-select
 * with a safety card, accepting a suggestion and overriding with feedback. The app runs with the embedded FHIR
 * server (demo patients) mounted at /fhir, as `npm start` in development mode does.
 */
import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import type { Page } from 'playwright-core';
import { createApp } from '../../src/app.js';
import { createFhirRouter, loadDemoPatients } from '../../src/embedded/index.js';
import { createLogger } from '../../src/log.js';
import { pageRouter } from '../../src/page/index.js';
import { NODE_IDS, RULE_IDS } from '../../src/pathway/index.js';
import { jest } from '@jest/globals';
import { testConfig } from '../helpers/app.js';
import { browserSuiteEnabled, launchBrowser, type TestBrowser } from '../helpers/browser.js';

jest.setTimeout(90_000);

interface DemoEntry {
  readonly patientId: string;
  readonly patientView: readonly string[];
}
const DEMO = JSON.parse(
  readFileSync(new URL('../../demo/index.json', import.meta.url), 'utf8'),
) as readonly DemoEntry[];
const expectedTopics = (id: string): string[] => [...(DEMO.find((d) => d.patientId === id)?.patientView ?? [])].sort();

const ARTIFACTS = new URL('../artifacts/', import.meta.url).pathname;
const NOW = new Date('2026-11-23T12:00:00Z');

interface SeenFeedback {
  readonly service: string;
  readonly body: unknown;
  status?: number;
}

const suite = browserSuiteEnabled('pathway page browser tests') ? describe : describe.skip;

suite('pathway page (browser)', () => {
  let server: http.Server;
  let origin: string;
  let browser: TestBrowser;
  const feedback: SeenFeedback[] = [];

  beforeAll(async () => {
    const fhir = await createFhirRouter();
    const demo = await loadDemoPatients(fhir);
    expect(demo.failures).toEqual([]);
    const app = createApp({
      config: testConfig(),
      log: createLogger('silent'),
      clock: () => NOW,
      fhirRouter: fhir.router,
    });
    const outer = express();
    // Records what reaches the service's feedback endpoint (parsed once here; the app's parser then skips it).
    outer.post('/cds-services/:id/feedback', express.json(), (req, res, next) => {
      const seen: SeenFeedback = { service: String(req.params.id), body: req.body };
      feedback.push(seen);
      res.on('finish', () => {
        seen.status = res.statusCode;
      });
      next();
    });
    // Until src/app.ts mounts the page router itself.
    outer.use(pageRouter({ mode: 'development' }));
    outer.use(app);
    server = http.createServer(outer);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
  });

  async function openPage(viewport?: { width: number; height: number }): Promise<Page> {
    const page = await browser.newPage(viewport);
    await page.goto(`${origin}/`);
    await page.waitForSelector('body[data-patients="loaded"]');
    return page;
  }

  async function openPatient(page: Page, patientId: string): Promise<void> {
    await page.selectOption('#patient-select', patientId);
    await page.click('#run-patient-view');
    await page.waitForFunction((id) => {
      const s = document.querySelector('#patient-status')?.textContent ?? '';
      return s.includes(id) && /card\(s\)|failed/.test(s);
    }, patientId);
  }

  const cardTopics = (page: Page, container: string): Promise<string[]> =>
    page.$$eval(`${container} .card`, (cards) => cards.map((c) => c.getAttribute('data-card-topic') ?? '').sort());
  const reachedNodes = (page: Page): Promise<string[]> =>
    page.$$eval('svg.chart [data-node-id].reached', (ns) => ns.map((n) => n.getAttribute('data-node-id') ?? '').sort());

  test('shows the whole pathway as a flowchart: every node, every rule, the branches and lines', async () => {
    const page = await openPage();
    const nodeIds = await page.$$eval('svg.chart [data-node-id]', (ns) =>
      ns.map((n) => n.getAttribute('data-node-id')),
    );
    expect([...nodeIds].sort()).toEqual([...NODE_IDS].sort());
    const ruleIds = new Set(
      await page.$$eval('svg.chart [data-rule-id]', (ns) => ns.map((n) => n.getAttribute('data-rule-id'))),
    );
    expect([...ruleIds].sort()).toEqual([...RULE_IDS].sort());
    // Pazopanib's rule sits on the pazopanib node; the histology conditions label the line-3 edges.
    expect(await page.locator('[data-node-id="M-3L-PAZOPANIB"] [data-rule-id="S-PAZO-ADIPOCYTIC"]').count()).toBe(1);
    const labels = await page.$$eval('svg.chart .edge-label', (ls) => ls.map((l) => l.textContent));
    expect(labels).toEqual(
      expect.arrayContaining(['LMS, LPS', 'LPS', 'non-adipocytic STS', 'localized', 'metastatic']),
    );
    const groups = await page.$$eval('svg.chart .group-title', (gs) => gs.map((g) => g.textContent ?? ''));
    expect(groups).toEqual(expect.arrayContaining(['Localized disease', 'Metastatic disease', 'Line 1', 'Line 2']));
    await expect(page.locator('[data-node-id="M-1L-DOXO"]').textContent()).resolves.toContain(
      'First line: doxorubicin',
    );
    await page.screenshot({ path: `${ARTIFACTS}page-chart.png` });
    await page.close();
  });

  test('metastatic LMS at line 1: highlights the line-1 nodes and the path, renders their cards and facts', async () => {
    const page = await openPage();
    await openPatient(page, 'sts-lms-1l');
    expect(await cardTopics(page, '#patient-cards')).toEqual(expectedTopics('sts-lms-1l'));
    expect(await reachedNodes(page)).toEqual(expectedTopics('sts-lms-1l'));
    // The path: entry -> histology -> extent -> metastatic step -> the node.
    for (const step of ['step:entry', 'step:extent', 'step:metastatic']) {
      await expect(page.locator(`[data-step-id="${step}"]`).getAttribute('class')).resolves.toContain('on-path');
    }
    await expect(page.locator('[data-step-id="step:localized"]').getAttribute('class')).resolves.not.toContain(
      'on-path',
    );
    const primary = page.locator('#patient-cards .card[data-card-topic="M-LMS-1L-DOXO-TRAB"]');
    await expect(primary.locator('.card-summary').textContent()).resolves.toMatch(/doxorubicin \+ trabectedin/i);
    expect(await primary.locator('.suggestions button').count()).toBeGreaterThan(0);
    expect(await primary.locator('.card-links a[href^="https://"]').count()).toBeGreaterThan(0);
    // Detail markdown became elements, not text with asterisks.
    expect(await primary.locator('.card-detail strong').count()).toBeGreaterThan(0);
    expect(await page.locator('#facts table.facts tbody tr').count()).toBeGreaterThan(0);
    const sources = await page.$$eval('#facts table.facts tbody tr td:nth-child(4)', (tds) =>
      tds.map((t) => t.textContent ?? ''),
    );
    expect(sources.some((s) => /^Condition\//.test(s))).toBe(true);
    await page.screenshot({ path: `${ARTIFACTS}page-lms-1l.png` });
    await primary.screenshot({ path: `${ARTIFACTS}page-lms-1l-card.png` });
    await page.close();
  });

  test('LPS at line 3: pazopanib drafted gets the critical S-PAZO-ADIPOCYTIC card; override feedback reaches the service', async () => {
    const page = await openPage();
    await openPatient(page, 'sts-lps-3l');
    expect(await cardTopics(page, '#patient-cards')).toEqual(expectedTopics('sts-lps-3l'));
    expect(await reachedNodes(page)).toEqual(expectedTopics('sts-lps-3l'));
    expect(await reachedNodes(page)).not.toContain('M-3L-PAZOPANIB');

    await page.selectOption('#drug-select', 'pazopanib');
    await page.click('#draft-order');
    await page.waitForFunction(() =>
      /card\(s\)|failed/.test(document.querySelector('#order-status')?.textContent ?? ''),
    );
    const card = page.locator('#order-cards .card[data-card-topic="S-PAZO-ADIPOCYTIC"]');
    await expect(card.getAttribute('class')).resolves.toContain('indicator-critical');
    await expect(page.locator('svg.chart [data-rule-id="S-PAZO-ADIPOCYTIC"].reached').count()).resolves.toBeGreaterThan(
      0,
    );

    await card.locator('.override select').selectOption({ label: 'Multidisciplinary tumor board decision' });
    await card.locator('.override input').fill('Discussed at tumor board');
    await card.locator('.override button').click();
    await page.waitForFunction(() =>
      /Override (recorded|feedback rejected)/.test(
        document.querySelector('#order-cards .feedback-status')?.textContent ?? '',
      ),
    );
    await expect(card.locator('.feedback-status').textContent()).resolves.toContain(
      'the service accepted the feedback (HTTP 200)',
    );
    const uuid = await card.getAttribute('data-card-uuid');
    const sent = feedback.find((f) => f.service === 'sts-pathway-order-select');
    expect(sent?.status).toBe(200);
    expect(sent?.body).toMatchObject({
      feedback: [
        {
          card: uuid,
          outcome: 'overridden',
          overrideReason: { reason: { code: 'tumor-board' }, userComment: 'Discussed at tumor board' },
        },
      ],
    });
    await card.screenshot({ path: `${ARTIFACTS}page-lps-3l-pazopanib-card.png` });

    // Accepting a suggestion replaces the pazopanib draft with the on-pathway option's draft orders.
    await card.locator('.suggestions button').first().click();
    const drafts = await page.$$eval('#drafts li[data-draft-text]', (ls) =>
      ls.map((l) => l.getAttribute('data-draft-text')),
    );
    expect(drafts).not.toContain('pazopanib');
    expect(drafts.length).toBeGreaterThan(0);
    await page.screenshot({ path: `${ARTIFACTS}page-lps-3l.png`, fullPage: true });
    await page.close();
  });

  test('GIST: the specialty node is reached, with its warning card and links', async () => {
    const page = await openPage();
    await openPatient(page, 'sts-gist');
    expect(await cardTopics(page, '#patient-cards')).toEqual(expectedTopics('sts-gist'));
    expect(await reachedNodes(page)).toEqual(['X-SPECIALTY']);
    await expect(page.locator('[data-step-id="step:histology"]').getAttribute('class')).resolves.toContain('on-path');
    const card = page.locator('#patient-cards .card[data-card-topic="X-SPECIALTY"]');
    await expect(card.getAttribute('class')).resolves.toContain('indicator-warning');
    await expect(card.textContent()).resolves.toMatch(/imatinib/i);
    await page.close();
  });

  test('a pasted patient Bundle gives the same cards as the FHIR server, driven by the keyboard', async () => {
    const page = await openPage();
    await page.focus('#paste-details summary');
    await page.keyboard.press('Enter');
    await page.fill('#bundle-input', readFileSync(new URL('../../demo/sts-lms-1l.json', import.meta.url), 'utf8'));
    await page.focus('#run-bundle');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() =>
      /Pasted Bundle.*card\(s\)|failed/.test(document.querySelector('#patient-status')?.textContent ?? ''),
    );
    expect(await cardTopics(page, '#patient-cards')).toEqual(expectedTopics('sts-lms-1l'));
    await page.close();
  });

  test('is readable on a narrow window: no horizontal page scroll, the chart scrolls in its own box', async () => {
    const page = await openPage({ width: 390, height: 844 });
    await openPatient(page, 'sts-lms-1l');
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await page.screenshot({ path: `${ARTIFACTS}page-narrow.png`, fullPage: true });
    await page.close();
  });

  test('makes no request outside the service and logs no errors', () => {
    expect(browser.requests.length).toBeGreaterThan(0);
    expect(browser.requests.filter((u) => !u.startsWith(`${origin}/`) && !u.startsWith('data:'))).toEqual([]);
    expect(browser.errors).toEqual([]);
  });
});
