/**
 * PATHWAY.md "Verification": nothing marked "(to verify)" is emitted or shown. This lists every marked sentence of the
 * card-text sections (§4, §5, §6, §8) and every marked code, and checks the reviewed card fixtures (every demo
 * patient's patient-view response) and the pathway page: none shows a marked sentence, none emits a marked code, and
 * no text says "to verify".
 */
import { describe, expect, test } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import { renderPathwayDoc } from '../../../src/cards/pathway-doc.js';
import { sentences, toVerifyCodes } from '../../../src/pathway/index.js';

const root = new URL('../../../', import.meta.url);
const spec = readFileSync(new URL('docs/PATHWAY.md', root), 'utf8');

/** Every sentence of §4-§6 and §8 that carries "(to verify)", without the mark and its quotes. */
function markedSentences(): string[] {
  const text = spec.slice(spec.indexOf('## 4. Nodes'), spec.indexOf('## 7.')) + spec.slice(spec.indexOf('## 8. Evidence'), spec.indexOf('## 9.'));
  const quoted = [...text.matchAll(/"([^"]+)"/g)].map((m) => m[1]!);
  return [...new Set(quoted.concat(text.split('|')).flatMap(sentences)
    .filter((s) => s.includes('(to verify)'))
    .map((s) => s.replace(/\(to verify\)/g, '').replace(/^[\s"`[]+|[\s".\]]+$/g, '').trim())
    // A sentence of its own: not a piece of a cell that still holds several quotes.
    .filter((s) => s.length >= 12 && !/["`\n]/.test(s)))];
}

/** The texts the suite's reviewed responses show or emit: every card fixture and the pathway page. */
function responses(): { name: string; text: string }[] {
  const dir = new URL('cards/patient-view/', root);
  const fixtures = readdirSync(dir).filter((f) => f.endsWith('.json')).map((f) => ({ name: f, text: readFileSync(new URL(f, dir), 'utf8') }));
  return [...fixtures, { name: 'GET /pathway', text: renderPathwayDoc() }];
}

describe('"(to verify)" items are never emitted or shown', () => {
  const marked = markedSentences();
  const all = responses();

  test('the spec has marked sentences to look for (the list is not empty)', () => {
    expect(marked).toEqual(expect.arrayContaining([expect.stringContaining('LVEF every 2-3 months')]));
    expect(marked.length).toBeGreaterThan(8);
  });

  test('no response shows a marked sentence or the words "to verify"', () => {
    for (const r of all) {
      const text = JSON.parse(JSON.stringify(r.text)) as string;
      expect([r.name, text.match(/to verify/i)?.[0]]).toEqual([r.name, undefined]);
      for (const s of marked) expect([r.name, text.includes(s)]).toEqual([r.name, false]);
    }
  });

  test('no card emits a marked code', () => {
    const codes = toVerifyCodes();
    expect(codes.length).toBeGreaterThan(0);
    for (const r of all.filter((x) => x.name.endsWith('.json'))) {
      const json = JSON.stringify(JSON.parse(r.text));
      for (const c of codes) {
        expect([r.name, c.code, json.includes(`"system":"${c.system}","code":"${c.code}"`)]).toEqual([r.name, c.code, false]);
      }
    }
  });
});
