import { describe, expect, test } from '@jest/globals';
import { parseInline, parseMarkdown, safeHref } from '../../../src/page/client/markdown.js';

describe('card markdown parser', () => {
  test('paragraphs, bullet lists, bold and links', () => {
    expect(
      parseMarkdown('**Based on**\n\n- Histology: LMS (`Condition/1`)\n- [PALETTE](https://doi.org/x)\n\nEnd'),
    ).toEqual([
      { t: 'p', c: [{ t: 'strong', c: [{ t: 'text', v: 'Based on' }] }] },
      {
        t: 'ul',
        items: [
          [
            { t: 'text', v: 'Histology: LMS (' },
            { t: 'code', v: 'Condition/1' },
            { t: 'text', v: ')' },
          ],
          [{ t: 'link', href: 'https://doi.org/x', c: [{ t: 'text', v: 'PALETTE' }] }],
        ],
      },
      { t: 'p', c: [{ t: 'text', v: 'End' }] },
    ]);
  });

  test('keeps HTML as text and drops non-http(s) link targets', () => {
    expect(parseInline('<img src=x onerror=alert(1)>')).toEqual([{ t: 'text', v: '<img src=x onerror=alert(1)>' }]);
    expect(parseInline('[click](javascript:alert(1))')).toEqual([{ t: 'text', v: 'click' }]);
    expect(safeHref('data:text/html,x')).toBeUndefined();
    expect(safeHref('//evil.example/x')).toBeUndefined();
    expect(safeHref('https://pubmed.ncbi.nlm.nih.gov/1/')).toBe('https://pubmed.ncbi.nlm.nih.gov/1/');
  });

  test('backslash escapes are literal characters, not markup', () => {
    expect(parseInline('5 \\* 3 \\[x\\]')).toEqual([{ t: 'text', v: '5 * 3 [x]' }]);
    expect(parseInline('snake_case_name')).toEqual([{ t: 'text', v: 'snake_case_name' }]);
  });
});
