import fc from 'fast-check';
import { escapeMarkdown, fitSummary, shortenAtWord, SUMMARY_MAX } from '../../../src/cards/text.js';

describe('card text', () => {
  test('shortening cuts at a word boundary and marks the cut', () => {
    expect(shortenAtWord('gemcitabine and docetaxel', 20)).toBe('gemcitabine and…');
    expect(shortenAtWord('short', 20)).toBe('short');
  });

  test('a fitted summary never exceeds the CDS Hooks limit and keeps its prefix', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), fc.string({ maxLength: 150 }), (related, title) => {
        const s = fitSummary('Next step if the disease progresses on ', related, ': ', title);
        return s.length <= SUMMARY_MAX && s.startsWith('Next step if the');
      }),
    );
  });

  test('markdown and HTML characters of patient text are escaped', () => {
    expect(escapeMarkdown('a_b *c* [d](e) <f>\nnext')).toBe('a\\_b \\*c\\* \\[d\\](e) \\<f\\> next');
  });
});
