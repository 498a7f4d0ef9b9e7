import express from 'express';
import request from 'supertest';
import { pathwayDocRouter } from '../../../src/page/index.js';
import { NODE_IDS, RULE_IDS, NODES } from '../../../src/pathway/index.js';

describe('GET /pathway', () => {
  const app = express().use(pathwayDocRouter());

  test('documents every node and rule under an anchor that card source urls point to', async () => {
    const res = await request(app).get('/pathway').expect(200);
    expect(res.headers['content-type']).toMatch(/text\/html/);
    for (const id of [...NODE_IDS, ...RULE_IDS]) expect(res.text).toContain(`id="${id}"`);
    expect(res.text).toContain('Doxorubicin 75 mg/m2 IV on day 1 (bolus or 72-hour continuous infusion) every 3 weeks');
    expect(res.text).toContain('https://pubmed.ncbi.nlm.nih.gov/35835135/');
  });

  test('escapes text so titles with quotes and ampersands stay literal', async () => {
    const res = await request(app).get('/pathway');
    expect(res.text).toContain('O&#39;Sullivan');
    expect(res.text).not.toMatch(/<[^a-z/!]/);
    expect(res.text).toContain(NODES['M-2L-GEM-DOCE'].title);
  });
});
