import { describe, expect, test } from '@jest/globals';
import express from 'express';
import request from 'supertest';
import { pageRouter } from '../../src/page/index.js';
import { NODE_IDS } from '../../src/pathway/index.js';

const appWith = (options: Parameters<typeof pageRouter>[0]) => express().use(pageRouter(options));

describe('pathway page router', () => {
  test('is off in production mode unless PAGE_ENABLED', async () => {
    await request(appWith({ mode: 'production' }))
      .get('/')
      .expect(404);
    await request(appWith({ mode: 'production' }))
      .get('/page/app.js')
      .expect(404);
    await request(appWith({ mode: 'production', pageEnabled: true }))
      .get('/')
      .expect(200);
  });

  test('serves the page with every node in the SVG and a same-origin-only Content-Security-Policy', async () => {
    const res = await request(appWith({ mode: 'development' }))
      .get('/')
      .expect(200)
      .expect('content-type', /html/);
    for (const id of NODE_IDS) expect(res.text).toContain(`data-node-id="${id}"`);
    expect(res.headers['content-security-policy']).toContain("default-src 'self'");
    expect(res.headers['content-security-policy']).toContain("script-src 'self'");
    // No asset from another origin: every src or href attribute is same-origin or a data: URL.
    const refs = [...res.text.matchAll(/(?:src|href)="([^"#][^"]*)"/g)].map((m) => m[1] ?? '');
    expect(refs.filter((r) => !r.startsWith('/') && !r.startsWith('data:'))).toEqual([]);
  });

  test('bundles the browser code and serves the stylesheet', async () => {
    const app = appWith({ mode: 'development' });
    const js = await request(app)
      .get('/page/app.js')
      .expect(200)
      .expect('content-type', /javascript/);
    expect(js.text).toContain('page-data');
    expect(js.text).not.toMatch(/^\s*import\s/m);
    await request(app).get('/page/page.css').expect(200).expect('content-type', /css/);
  });
});
