/**
 * The CQL build: generate cql/StsCodes.cql from src/pathway/, translate every cql/*.cql to cql/<Name>.elm.json, and
 * compare the committed outputs with fresh ones (`--check`). Pure of process I/O so tests can run it in memory.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateStsCodesCql, STS_CODES_LIBRARY } from './codes-cql.js';
import { withThresholdBlock } from './threshold-cql.js';
import { createTranslatorSession, type CqlMessage } from './translate.js';

/** One file the build produces, with its text. */
export interface BuildOutput {
  readonly path: string;
  readonly text: string;
}

/** Result of a build: the files to write, and the translator's messages (any message fails the build). */
export interface BuildResult {
  readonly outputs: readonly BuildOutput[];
  readonly messages: readonly CqlMessage[];
}

/** Serialises ELM the one way the build writes it (keys already sorted by the translator session). */
export function formatElm(elm: unknown): string {
  return `${JSON.stringify(elm, null, 2)}\n`;
}

/** Library name declared by a CQL text (`library Name version '...'`), else undefined. */
export function libraryNameOf(cql: string): string | undefined {
  return /^\s*library\s+"?([A-Za-z][A-Za-z0-9_]*)"?/m.exec(cql)?.[1];
}

/**
 * Translates every library of `cqlDir` (StsCodes regenerated in memory first), or only the libraries named in `only`
 * (their includes are still read from source).
 */
export function buildCql(cqlDir: string, only?: readonly string[]): BuildResult {
  const sources = new Map<string, string>();
  const files = new Map<string, string>();
  const codesText = generateStsCodesCql();
  const outputs: BuildOutput[] = [{ path: join(cqlDir, `${STS_CODES_LIBRARY.name}.cql`), text: codesText }];
  for (const file of readdirSync(cqlDir)
    .filter((f) => f.endsWith('.cql'))
    .sort()) {
    if (file === `${STS_CODES_LIBRARY.name}.cql`) continue;
    const committed = readFileSync(join(cqlDir, file), 'utf8');
    const name = libraryNameOf(committed);
    if (name === undefined) throw new Error(`${file}: no library declaration`);
    if (`${name}.cql` !== file)
      throw new Error(`${file}: declares library ${name}; the file must be named ${name}.cql`);
    // The §9 threshold declarations are generated into the library (tools/cql-build/threshold-cql.ts).
    const text = withThresholdBlock(file, committed);
    if (text !== committed) outputs.push({ path: join(cqlDir, file), text });
    sources.set(name, text);
    files.set(name, file);
  }
  sources.set(STS_CODES_LIBRARY.name, codesText);
  files.set(STS_CODES_LIBRARY.name, `${STS_CODES_LIBRARY.name}.cql`);

  const session = createTranslatorSession(sources);
  const messages: CqlMessage[] = [];
  const seen = new Set<string>();
  const names = [...sources.keys()].sort().filter((n) => only === undefined || only.length === 0 || only.includes(n));
  for (const name of names) {
    const result = session.translate(name);
    for (const m of result.messages) {
      // An error in an included library is reported once per including library: keep the first.
      const key = `${m.library}:${m.line}:${m.column}:${m.message}`;
      if (seen.has(key)) continue;
      seen.add(key);
      messages.push({ ...m, library: files.get(m.library) ?? m.library });
    }
    outputs.push({ path: join(cqlDir, `${name}.elm.json`), text: formatElm(result.elm) });
  }
  return { outputs, messages };
}

/** `file:line:col: severity: message`, the form editors and CI logs link to. */
export function formatMessage(cqlDir: string, m: CqlMessage): string {
  const file = m.library.endsWith('.cql') ? join(cqlDir, m.library) : m.library;
  return `${file}:${m.line ?? 0}:${m.column ?? 0}: ${m.severity}: ${m.message}`;
}

/** Paths whose committed text differs from the build's (missing files count), plus stale `.elm.json` without source. */
export function staleOutputs(cqlDir: string, result: BuildResult, full = true): string[] {
  const stale: string[] = [];
  for (const out of result.outputs) {
    let committed: string | undefined;
    try {
      committed = readFileSync(out.path, 'utf8');
    } catch {
      committed = undefined;
    }
    if (committed !== out.text) stale.push(out.path);
  }
  const produced = new Set(result.outputs.map((o) => o.path));
  for (const f of !full ? [] : readdirSync(cqlDir).filter((f) => f.endsWith('.elm.json'))) {
    if (!produced.has(join(cqlDir, f))) stale.push(join(cqlDir, f));
  }
  return stale;
}
