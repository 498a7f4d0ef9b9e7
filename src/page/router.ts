/**
 * GET / (the pathway page), /page/app.js and /page/page.css. Development mode serves it; production only with
 * PAGE_ENABLED=true. The flowchart is laid out once (elkjs) on the first request and cached.
 */
import { readFile } from 'node:fs/promises';
import { Router, type Response } from 'express';
import type { Mode } from '../shared/env-reader.js';
import { CLIENT_DIR, clientBundle } from './client-bundle.js';
import { buildChartModel } from './graph-model.js';
import { layoutChart } from './graph-layout.js';
import { renderChartSvg } from './graph-svg.js';
import { renderPage } from './html.js';
import { renderAdherencePage } from './adherence-html.js';

export interface PageRouterOptions {
  readonly mode: Mode;
  /** PAGE_ENABLED: serve the page in production mode too (always served in development). */
  readonly pageEnabled?: boolean;
}

// Only same-origin resources: the page makes no request anywhere else, and no inline script can run.
const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const secured = (res: Response): Response =>
  res.set({
    'Content-Security-Policy': CSP,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cache-Control': 'no-cache',
  });

let pageHtml: Promise<string> | undefined;

/** The page HTML, rendered once per process. */
export function pathwayPageHtml(): Promise<string> {
  pageHtml ??= (async () => {
    const model = buildChartModel();
    return renderPage(renderChartSvg(await layoutChart(model)), model);
  })().catch((err: unknown) => {
    pageHtml = undefined;
    throw err;
  });
  return pageHtml;
}

/** Whether the page is served under these options. */
export const isPageEnabled = (o: PageRouterOptions): boolean => o.mode === 'development' || o.pageEnabled === true;

/** The pathway page router; an empty router (everything falls through to 404) when the page is off. */
export function pageRouter(options: PageRouterOptions): Router {
  const router = Router();
  if (!isPageEnabled(options)) return router;
  const minify = options.mode === 'production';
  router.get('/', async (_req, res) => {
    secured(res)
      .type('html')
      .send(await pathwayPageHtml());
  });
  router.get('/page/app.js', async (_req, res) => {
    secured(res)
      .type('text/javascript')
      .send(await clientBundle(minify));
  });
  // The adherence view: its data come from GET /adherence, which asks for the admin token itself.
  router.get('/adherence/view', (_req, res) => {
    secured(res).type('html').send(renderAdherencePage());
  });
  router.get('/page/adherence.js', async (_req, res) => {
    secured(res)
      .type('text/javascript')
      .send(await clientBundle(minify, 'adherence'));
  });
  router.get('/page/page.css', async (_req, res) => {
    secured(res)
      .type('text/css')
      .send(await readFile(`${CLIENT_DIR}page.css`, 'utf8'));
  });
  return router;
}
