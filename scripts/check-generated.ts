/**
 * `npm run check`: runs every generator whose output is committed, then fails (exit 1) if any output differs from
 * what is in the working tree, naming the files and the generator to run. The working tree is restored afterwards,
 * pass or fail, so the check never rewrites a file (review with `npm run <generator>` then `git diff`).
 * Generators, in dependency order (card fixtures are made from the demo patients and the ELM):
 * - `npm run demo:build` (demo/build-demo.ts): demo/*.json and demo/index.json;
 * - `npm run build:cql` (scripts/build-cql.ts): cql/*.elm.json, cql/StsCodes.cql, src/engine/compiled/*.ts;
 * - `npm run cards:update` (scripts/update-card-fixtures.ts): cards/patient-view, cards/order-select, cards/order-sign.
 * The page bundle (scripts/build-page.ts) is written to dist/, which is not committed: it is only built in memory
 * here, so a client file that no longer bundles fails the check.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CLIENT_ENTRIES, buildClientBundle, type ClientEntry } from '../src/page/client-bundle.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

interface Generator {
  readonly script: string;
  /** Folders (relative to the repository root) whose files this generator writes. */
  readonly dirs: readonly string[];
}

const GENERATORS: readonly Generator[] = [
  { script: 'demo:build', dirs: ['demo'] },
  { script: 'build:cql', dirs: ['cql', 'src/engine/compiled'] },
  { script: 'cards:update', dirs: ['cards'] },
];

/** Every file under `dir` (recursively), path -> content. */
function readTree(dir: string, into = new Map<string, Buffer>()): Map<string, Buffer> {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) readTree(p, into);
    else if (e.isFile()) into.set(p, readFileSync(p));
  }
  return into;
}

function snapshot(): Map<string, Buffer> {
  const all = new Map<string, Buffer>();
  for (const g of GENERATORS) for (const d of g.dirs) readTree(join(root, d), all);
  return all;
}

/** Files added, removed or changed between two snapshots. */
function changed(before: ReadonlyMap<string, Buffer>, after: ReadonlyMap<string, Buffer>): string[] {
  const paths = new Set([...before.keys(), ...after.keys()]);
  return [...paths]
    .filter((p) => {
      const a = before.get(p);
      const b = after.get(p);
      return a === undefined || b === undefined || !a.equals(b);
    })
    .sort();
}

/** Puts the tree back as it was: files a generator added are removed, the others rewritten. */
function restore(before: ReadonlyMap<string, Buffer>): void {
  const now = snapshot();
  for (const p of changed(before, now)) {
    const content = before.get(p);
    if (content === undefined) rmSync(p);
    else writeFileSync(p, content);
  }
}

const before = snapshot();
const stale: { script: string; files: string[] }[] = [];
let failed: string | undefined;
try {
  let last = before;
  for (const g of GENERATORS) {
    const run = spawnSync('npm', ['run', '--silent', g.script], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
    if (run.status !== 0) {
      failed = `npm run ${g.script} failed (exit ${run.status ?? run.signal})`;
      break;
    }
    const now = snapshot();
    // Against the previous step, so each file is blamed on the generator that rewrote it.
    const files = changed(last, now);
    if (files.length > 0) stale.push({ script: g.script, files });
    last = now;
  }
  if (failed === undefined) {
    try {
      for (const entry of Object.keys(CLIENT_ENTRIES) as ClientEntry[]) await buildClientBundle(true, entry);
    } catch (err) {
      failed = `the page bundle (scripts/build-page.ts) does not build: ${err instanceof Error ? err.message : String(err)}`;
    }
  }
} finally {
  restore(before);
}

if (failed !== undefined) {
  console.error(`check: ${failed}`);
  process.exit(1);
}
if (stale.length > 0) {
  for (const { script, files } of stale) {
    for (const f of files) console.error(`stale: ${relative(root, f)}`);
    console.error(
      `check: the files above differ from what \`npm run ${script}\` makes: run it, review \`git diff\`, commit`,
    );
  }
  process.exit(1);
}
console.error(`check: every generated file is up to date (${GENERATORS.map((g) => g.script).join(', ')}, page bundle)`);
