/**
 * `npm run build:cql`: regenerates cql/StsCodes.cql from src/pathway/ and translates every cql/*.cql to
 * cql/<Name>.elm.json. Any translator error or warning fails the build with file:line:col.
 * `npm run build:cql -- --check`: builds in memory and exits 1 if a committed output is stale (for CI).
 * `npm run build:cql -- StsDiagnosis StsCommon`: only those libraries (while another library is being edited).
 */
import { unlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildCql, formatMessage, staleOutputs } from '../tools/cql-build/build.js';
import { CompileError } from '../tools/elm-compiler/compile.js';
import { compiledOutputs } from '../tools/elm-compiler/outputs.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const cqlDir = join(root, 'cql');
const check = process.argv.includes('--check');
const only = process.argv.slice(2).filter((a) => !a.startsWith('--'));

let result = buildCql(cqlDir, only);
if (result.messages.length > 0) {
  for (const m of result.messages) console.error(formatMessage(relative(root, cqlDir), m));
  console.error(`build:cql failed: ${result.messages.length} translator message(s)`);
  process.exit(1);
}

// The compiled engine (src/engine/compiled/): every library's ELM compiled to TypeScript (full builds only: the
// compiler needs every library). A node the compiler cannot compile fails the build with library, define and locator.
if (only.length === 0) {
  const elmTexts = result.outputs.filter((o) => o.path.endsWith('.elm.json')).map((o) => o.text);
  try {
    result = {
      ...result,
      outputs: [...result.outputs, ...compiledOutputs(elmTexts, join(root, 'src', 'engine', 'compiled'))],
    };
  } catch (err) {
    if (!(err instanceof CompileError)) throw err;
    console.error(err.message);
    console.error('build:cql failed: the ELM compiler cannot compile this library (tools/elm-compiler/README.md)');
    process.exit(1);
  }
}

const stale = staleOutputs(cqlDir, result, only.length === 0);
if (check) {
  if (stale.length > 0) {
    for (const p of stale) console.error(`stale: ${relative(root, p)}`);
    console.error('build:cql --check: outputs are stale; run `npm run build:cql` and commit the result');
    process.exit(1);
  }
  console.error(`build:cql --check: ${result.outputs.length} outputs up to date`);
} else {
  const produced = new Set(result.outputs.map((o) => o.path));
  for (const out of result.outputs) if (stale.includes(out.path)) writeFileSync(out.path, out.text);
  // An .elm.json whose .cql was removed would still be loaded by the engine: delete it (full builds only).
  if (only.length === 0) for (const p of stale) if (!produced.has(p)) unlinkSync(p);
  console.error(`build:cql: ${result.outputs.length} outputs, ${stale.length} updated`);
}
