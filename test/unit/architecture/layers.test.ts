/**
 * Issue 19: each folder of src/ owns one thing and no import runs against the flow. Every import of src/ is read
 * against the layer table (tools/architecture/layers.ts); the check is shown to fail on a bad import, a value import
 * where only types are allowed, a cycle, an unlisted folder and an import out of src/. README's diagram and table are
 * the ones the table renders.
 */
import { describe, expect, test } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  LAYERS,
  REPO_ROOT,
  checkLayers,
  importsOf,
  nodeCycles,
  readSources,
  tableGraph,
  unusedAllowances,
  type Layer,
  type LayerProblem,
} from '../../../tools/architecture/layers.js';
import { readmeSection, renderReadmeSection } from '../../../tools/architecture/render.js';

const said = (p: LayerProblem): string => `${p.file}: '${p.specifier}': ${p.message}`;

describe('the folders of src/', () => {
  const sources = readSources(join(REPO_ROOT, 'src'));
  const { problems, graph } = checkLayers(sources);

  test('import only what the layer table allows, and no two folders import each other, even through others', () => {
    expect(sources.size).toBeGreaterThan(100);
    expect(problems.map(said)).toEqual([]);
  });

  test('use every import the table allows (the table, and the README drawn from it, say what the code does)', () => {
    expect(unusedAllowances(graph)).toEqual([]);
  });

  test('are layered by a table without cycles', () => {
    expect(nodeCycles(tableGraph())).toEqual([]);
  });

  test("README's Architecture diagram and table are the ones the layer table renders", () => {
    const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
    // On a difference: npx tsx tools/architecture/write-readme.ts
    expect(readmeSection(readme)).toBe(renderReadmeSection());
  });

  test('a bad import added to a real file is refused, naming the file and the import, and the cycle it closes', () => {
    const withLeak = new Map(sources);
    const codes = sources.get('pathway/codes.ts') ?? '';
    withLeak.set('pathway/codes.ts', `import { loadPatientData } from '../fhir/patient-data.js';\n${codes}`);
    expect(checkLayers(withLeak).problems.map(said)).toEqual([
      expect.stringMatching(/^pathway\/codes\.ts: '\.\.\/fhir\/patient-data\.js': pathway may not import fhir /),
      // fhir/ imports pathway/: the leak also closes a cycle.
      expect.stringMatching(
        /import cycle between folders: fhir -> pathway \(.*\), pathway -> fhir \(pathway\/codes\.ts imports '\.\.\/fhir\/patient-data\.js'\)$/,
      ),
    ]);
  });
});

describe('the layer check', () => {
  const layer = (imports: readonly string[], types: readonly string[] = []): Layer => ({
    group: 'flow',
    owns: '',
    imports,
    types,
  });
  /** top -> middle -> bottom, and top reads only types of bottom. */
  const table = { 'top.ts': layer(['middle']), middle: layer(['bottom']), bottom: layer([]) };
  const check = (files: Record<string, string>, t: Readonly<Record<string, Layer>> = table): string[] =>
    checkLayers(new Map(Object.entries(files)), t).problems.map(said);

  test('allows imports down the table and inside a folder', () => {
    expect(
      check({
        'top.ts': "import { m } from './middle/m.js';",
        'middle/m.ts': "import { b } from '../bottom/b.js';\nimport { n } from './n.js';",
        'middle/n.ts': "import { readFileSync } from 'node:fs';",
        'bottom/b.ts': '',
      }),
    ).toEqual([]);
  });

  test('refuses an import against the table, naming the file, the import and what is allowed', () => {
    expect(check({ 'bottom/b.ts': "import { m } from '../middle/m.js';", 'middle/m.ts': '' })).toEqual([
      "bottom/b.ts: '../middle/m.js': bottom may not import middle (allowed: nothing)",
    ]);
  });

  test('refuses a value import where only types are allowed, and accepts every type-only form', () => {
    const t = { ...table, middle: layer([], ['bottom']) };
    expect(
      check(
        {
          'middle/types.ts': [
            "import type { A } from '../bottom/a.js';",
            "import { type B, type C } from '../bottom/b.js';",
            "export type { D } from '../bottom/d.js';",
          ].join('\n'),
          'middle/values.ts': "import { e, type E } from '../bottom/e.js';\nconst f = await import('../bottom/f.js');",
        },
        t,
      ),
    ).toEqual([
      "middle/values.ts: '../bottom/e.js': middle may import only types from bottom (use `import type`)",
      "middle/values.ts: '../bottom/f.js': middle may import only types from bottom (use `import type`)",
    ]);
  });

  test('refuses a cycle between folders, naming each import of it, even when the table allows every edge', () => {
    const loose = { a: layer(['b']), b: layer(['c']), c: layer(['a']) };
    const problems = check(
      {
        'a/x.ts': "import '../b/y.js';",
        'b/y.ts': "export * from '../c/z.js';",
        'c/z.ts': "import type { X } from '../a/x.js';",
      },
      loose,
    );
    expect(problems).toEqual([
      "a/x.ts: '../b/y.js': import cycle between folders: a -> b (a/x.ts imports '../b/y.js'), " +
        "b -> c (b/y.ts imports '../c/z.js'), c -> a (c/z.ts imports '../a/x.js')",
    ]);
  });

  test('refuses a folder the table does not list, and an import from outside src/', () => {
    expect(check({ 'newfolder/x.ts': '', 'bottom/b.ts': "import { t } from '../../tools/t.js';" })).toEqual([
      "newfolder/x.ts: '': 'newfolder' is not in the layer table (tools/architecture/layers.ts)",
      "bottom/b.ts: '../../tools/t.js': imports from outside src/ (the service must not need tools/ or test/)",
    ]);
  });

  test('reads static imports, re-exports and import() calls, resolved to paths under the source root', () => {
    expect(
      importsOf(
        'hooks/x.ts',
        "import a from 'pkg';\nimport type { B } from './b.js';\nexport { c } from '../cql/c.js';\nawait import('../fhir/d.js');",
      ),
    ).toEqual([
      { specifier: 'pkg', target: undefined, typeOnly: false },
      { specifier: './b.js', target: 'hooks/b.ts', typeOnly: true },
      { specifier: '../cql/c.js', target: 'cql/c.ts', typeOnly: false },
      { specifier: '../fhir/d.js', target: 'fhir/d.ts', typeOnly: false },
    ]);
  });

  test('the real table lists every node it names', () => {
    const named = Object.values(LAYERS).flatMap((l) => [...l.imports, ...(l.types ?? [])]);
    expect(named.filter((n) => LAYERS[n] === undefined)).toEqual([]);
  });
});
