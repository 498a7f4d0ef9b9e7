/**
 * A CQL test library for a library's own tests (cql/README.md): translated with the real translator against the
 * committed sources of the libraries it includes, loaded with their committed ELM, and evaluated by the service's
 * engine. The library under test is then called directly, define by define.
 */
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCqlEngine, DEFAULT_ELM_DIR, type CqlEngine } from '../../src/cql/engine.js';
import { formatElm } from '../../tools/cql-build/build.js';
import { createTranslatorSession } from '../../tools/cql-build/translate.js';

/** An engine that holds the test library and the committed libraries it includes. */
export interface TestLibrary {
  readonly engine: CqlEngine;
  /** Removes the temporary ELM directory. */
  readonly remove: () => void;
}

/**
 * Translates `source` (a library named `name`) with `includes` (committed library names, e.g. FHIRHelpers, StsCodes,
 * StsCommon) and builds an engine in `timeZone` over it; fails the test when the translator reports anything.
 */
export function loadTestLibrary(
  name: string,
  source: string,
  includes: readonly string[],
  timeZone = 'UTC',
): TestLibrary {
  const dir = mkdtempSync(join(tmpdir(), `cql-${name}-`));
  const sources = new Map<string, string>([[name, source]]);
  for (const lib of includes) {
    sources.set(lib, readFileSync(join(DEFAULT_ELM_DIR, `${lib}.cql`), 'utf8'));
    copyFileSync(join(DEFAULT_ELM_DIR, `${lib}.elm.json`), join(dir, `${lib}.elm.json`));
  }
  const result = createTranslatorSession(sources).translate(name);
  expect(result.messages).toEqual([]);
  writeFileSync(join(dir, `${name}.elm.json`), formatElm(result.elm));
  return {
    engine: createCqlEngine({ elmDir: dir, timeZone }),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
