/**
 * The card height of issue 16, as the public CDS Hooks sandbox shows a card at its default width. The issue's target
 * (no patient-view card over ~500 px) is not reachable with the content docs/PATHWAY.md requires on a card (the evidence
 * note, the order caveats, the later-line regimen list, one "Based on" line per fact, and evidence links, which the
 * sandbox shows one per row): measured here on 2026-12-03, 58 of 74 cards were over 500 px (median of those 806 px,
 * tallest 1,307 px). So this test guards against growth (MAX_CARD_PX) and README states the measured heights. Every reviewed card fixture (cards/patient-view/, compared with the service's answers
 * by patient-view-fixtures.test.ts) is laid out in headless Chromium the way the sandbox's card list lays a card out
 * (read in its source, not copied): a bordered card with 20 px padding inside 16 px of content padding; the summary at
 * 18 px bold; the source label in small italics; the detail as rendered markdown; the suggestion buttons in a row; each
 * link as a text button on its own line; a rule and a dismiss button. The sandbox's patient view takes half of a
 * 1280 px window when its request/response panel is open, as it is by default.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { jest } from '@jest/globals';
import type { Page } from 'playwright-core';
import { parseMarkdown, safeHref, type Block, type Inline } from '../../src/page/client/markdown.js';
import { browserSuiteEnabled, launchBrowser, type TestBrowser } from '../helpers/browser.js';

jest.setTimeout(120_000);

/** The guard: the tallest card measured on 2026-12-03 (1,307 px) plus a margin; see the header for the 500 px target. */
const MAX_CARD_PX = 1_400;
/** The sandbox window and its patient view: half of it, 30 px padding on each side. */
const WINDOW = { width: 1280, height: 900 };
const PANE_PX = WINDOW.width / 2;

const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), '../../cards/patient-view');

interface FixtureCard {
  readonly summary: string;
  readonly detail?: string;
  readonly indicator: string;
  readonly source: { readonly label: string; readonly topic?: { readonly code?: string } };
  readonly suggestions?: readonly { readonly label: string }[];
  readonly links?: readonly { readonly label: string }[];
  readonly overrideReasons?: readonly unknown[];
}

const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const inlineHtml = (parts: readonly Inline[]): string =>
  parts
    .map((p) => {
      switch (p.t) {
        case 'text':
          return escapeHtml(p.v);
        case 'code':
          return `<code>${escapeHtml(p.v)}</code>`;
        case 'strong':
          return `<strong>${inlineHtml(p.c)}</strong>`;
        case 'em':
          return `<em>${inlineHtml(p.c)}</em>`;
        case 'link':
          return `<a href="${escapeHtml(safeHref(p.href) ?? '#')}">${inlineHtml(p.c)}</a>`;
      }
    })
    .join('');

const blockHtml = (b: Block): string =>
  b.t === 'p'
    ? `<p>${inlineHtml(b.c)}</p>`
    : `<${b.t}>${b.items.map((i) => `<li>${inlineHtml(i)}</li>`).join('')}</${b.t}>`;

const cardHtml = (card: FixtureCard, i: number): string => `
  <div class="card ${escapeHtml(card.indicator)}" id="card-${i}"><div class="content">
    <div class="summary">${escapeHtml(card.summary)}</div>
    <div class="source">Source: <a href="#">${escapeHtml(card.source.label)}</a></div>
    ${card.detail === undefined ? '' : `<div class="detail">${parseMarkdown(card.detail).map(blockHtml).join('')}</div>`}
    <div>${(card.suggestions ?? []).map((s) => `<button class="contained">${escapeHtml(s.label)}</button>`).join('')}</div>
    <div>${(card.links ?? []).map((l) => `<div><button class="text">${escapeHtml(l.label)}</button><div class="notice"></div></div>`).join('')}</div>
    <div><hr><button class="outlined">Dismiss</button>${card.overrideReasons === undefined ? '' : '<button class="outlined">&#9662;</button>'}</div>
  </div></div>`;

const STYLE = `
  body { margin: 0; font-family: Arial, Helvetica, sans-serif; font-size: 16px; line-height: 1.5; }
  .pane { width: ${PANE_PX}px; box-sizing: border-box; padding: 30px; }
  .card { margin: 16px 16px 16px 0; padding: 20px; border: 1px solid #e0e0e0; border-left-width: 5px; border-radius: 12px; }
  .content { padding: 16px; }
  .summary { font-size: 18px; font-weight: 700; }
  .source { font-size: .85em; font-style: italic; margin: 0 0 5px; }
  button { font: inherit; font-size: 14px; line-height: 1.75; padding: 6px 16px; min-width: 64px; text-transform: uppercase; border: 0; margin: 0; }
  button.outlined { padding: 5px 15px; border: 1px solid #ccc; }
  .notice { font-size: .85em; font-style: italic; margin: 0 0 5px; }
  hr { margin: 8px 0; }
`;

/** Lays the cards out as the sandbox does and returns each card's height in px. */
async function heights(page: Page, cards: readonly FixtureCard[]): Promise<number[]> {
  await page.setContent(
    `<!doctype html><html><head><style>${STYLE}</style></head><body><div class="pane">${cards.map(cardHtml).join('')}</div></body></html>`,
  );
  return page.evaluate(
    (n) =>
      Array.from({ length: n }, (_, i) => document.getElementById(`card-${i}`)?.getBoundingClientRect().height ?? -1),
    cards.length,
  );
}

const suite = browserSuiteEnabled('sandbox card height') ? describe : describe.skip;

suite('patient-view cards fit the sandbox (reviewed fixtures, headless Chromium)', () => {
  let browser: TestBrowser;
  let page: Page;
  const files = readdirSync(FIXTURES)
    .filter((f) => f.endsWith('.json'))
    .sort();

  beforeAll(async () => {
    browser = await launchBrowser();
    page = await browser.newPage(WINDOW);
  });
  afterAll(async () => {
    await browser?.close();
  });

  test('the fixtures are there to measure', () => {
    expect(files.length).toBeGreaterThan(20);
  });

  test('the layout measures what it is given: a card with a long detail is over the budget', async () => {
    const long: FixtureCard = {
      summary: 'x',
      indicator: 'info',
      source: { label: 'STS Pathway' },
      detail: Array.from({ length: 60 }, (_, i) => `- fact ${i}`).join('\n'),
    };
    const [h] = await heights(page, [long]);
    expect(h).toBeGreaterThan(MAX_CARD_PX);
  });

  test.each(files)('%s: no card is taller than the guard', async (file) => {
    const fixture = JSON.parse(readFileSync(path.join(FIXTURES, file), 'utf8')) as { cards: FixtureCard[] };
    const measured = await heights(page, fixture.cards);
    const over = measured.flatMap((h, i) =>
      h > MAX_CARD_PX ? [`${fixture.cards[i]?.source.topic?.code ?? i}: ${Math.round(h)} px`] : [],
    );
    expect(measured.every((h) => h > 0)).toBe(true);
    expect(over).toEqual([]);
  });
});
