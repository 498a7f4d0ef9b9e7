/**
 * Comments and docs cite only what a reader of the repository can open (issue 19): repo paths that exist, the spec
 * copy in docs/PATHWAY.md, never the authors' shared notes outside the repository.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { badCitations, repoBadCitations } from '../../helpers/cited-paths.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

describe('cited paths', () => {
  test('every path a comment or doc of the repository cites exists in it', () => {
    expect(repoBadCitations(root).map((b) => `${b.file}:${b.line}: ${b.cited} (${b.why})`)).toEqual([]);
  });

  test('reports a comment citing a path that does not exist, or a file outside the repository', () => {
    const source = [
      "import { x } from './x.js'; // see src/cql/facts.ts",
      '/**',
      ' * As in ../shared/STYLE.md and TOOLCHAIN.md "Executing ELM"; the spec is docs/PATHWAY.md §3.',
      ' */',
      "const url = 'http://www.nlm.nih.gov/research/umls/rxnorm'; // a code system, not a path",
    ].join('\n');
    expect(badCitations(root, 'src/example.ts', source)).toEqual([
      { file: 'src/example.ts', line: 1, cited: 'src/cql/facts.ts', why: 'not in the repository' },
      { file: 'src/example.ts', line: 3, cited: '../shared/STYLE.md', why: 'outside the repository' },
      { file: 'src/example.ts', line: 3, cited: 'TOOLCHAIN.md', why: 'outside the repository' },
    ]);
  });

  test('accepts a CQL library by name, a generated output and a path in code', () => {
    const source = [
      '// cql/StsPathway evaluates it; the run writes test/artifacts/page.png and bench/results-soak.json.',
      "const file = 'src/nowhere.ts'; // code is not a citation",
    ].join('\n');
    expect(badCitations(root, 'src/example.ts', source)).toEqual([]);
  });

  test('reads Markdown whole', () => {
    expect(badCitations(root, 'README.md', 'Run `npm test` (test/unit/nope.test.ts).')).toEqual([
      { file: 'README.md', line: 1, cited: 'test/unit/nope.test.ts', why: 'not in the repository' },
    ]);
  });
});
