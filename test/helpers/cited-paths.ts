/**
 * What comments and docs cite must be openable from the repository (issue 19): a repo path such as `src/x.ts`,
 * `test/...`, `docs/...` or `cql/...` that does not exist, and anything outside the repo (`../shared`, STYLE.md,
 * TOOLCHAIN.md, the research notes) is reported with its file and line. Comments are read in TypeScript, JavaScript,
 * CSS and CQL files (`//`, `/*`, ` *` lines); Markdown is read whole.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { extname, join } from 'node:path';

/** One citation that cannot be opened from the repository. */
export interface BadCitation {
  readonly file: string;
  readonly line: number;
  readonly cited: string;
  readonly why: 'not in the repository' | 'outside the repository';
}

/** The folders whose comments and docs are read, and the Markdown files at the root. */
export const CITING_ROOTS = ['src', 'test', 'tools', 'scripts', 'bench', 'cql', 'docs', 'demo', 'deploy', 'README.md'];

/** Top-level folders a repo path starts with. */
const REPO_PATH = /(?<![\w.@:/-])((?:src|test|tools|scripts|bench|cql|docs|cards|demo|deploy)\/[\w./-]*\w)/g;

/** Files outside the repository that comments used to cite (the shared notes of the project's authors). */
const OUTSIDE =
  /(?<![\w/])(\.\.\/shared\b[\w./-]*|\.\.\/research\b[\w./-]*|research\/[\w./-]+|STYLE\.md|TOOLCHAIN\.md|style-anchors\.md|\/work\/[\w./-]+)/g;

/**
 * Files exempt from the outside check, with why: the spec-copy test compares docs/PATHWAY.md with the upstream spec
 * beside the clone (when present), so it names that file.
 */
const OUTSIDE_ALLOWED: ReadonlySet<string> = new Set(['test/unit/pathway/spec-copy.test.ts']);

/** The checker and its test, which name bad citations on purpose. */
const SELF: ReadonlySet<string> = new Set(['test/helpers/cited-paths.ts', 'test/unit/repo/cited-paths.test.ts']);

/** Files never read: the spec copy is byte-identical to its source (its paths are the spec's), generated code. */
const SKIPPED = [/^docs\/PATHWAY\.md$/, /^src\/engine\/compiled\//, /\.elm\.json$/];

const COMMENTED = new Set(['.ts', '.js', '.mjs', '.css', '.cql']);

/** The commented part of a source line: after `//` or `/*`, or a ` * ` continuation line; undefined when none. */
function commentOf(line: string): string | undefined {
  const block = /^\s*(?:\/\*+|\*)(.*)$/.exec(line);
  if (block !== null) return block[1];
  const at = line.indexOf('//');
  // `://` is a URL inside a string or a comment's URL, not the start of a comment.
  if (at < 0) return undefined;
  const first = line.slice(at).search(/(?<!:)\/\//);
  return first < 0 ? undefined : line.slice(at + first + 2);
}

/** Patterns of .gitignore: generated outputs a comment may name (test/artifacts/, bench/results-*.json). */
function ignoredPatterns(root: string): RegExp[] {
  const path = join(root, '.gitignore');
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'))
    .map(
      (l) =>
        new RegExp(
          `^${l
            .replace(/[.+?^${}()|[\]\\]/g, '\\$&')
            .replace(/\*/g, '[^/]*')
            .replace(/\/$/, '(/.*)?')}$`,
        ),
    );
}

/** Whether a cited repo path can be opened: it exists, names a CQL library (`cql/StsPathway`), or is a generated output. */
function resolves(root: string, cited: string, ignored: readonly RegExp[]): boolean {
  const path = cited.replace(/\/$/, '');
  if (existsSync(join(root, path))) return true;
  if (/^cql\/\w+$/.test(path) && existsSync(join(root, `${path}.cql`))) return true;
  return ignored.some((p) => p.test(path) || p.test(`${path}/`));
}

/** The bad citations in one file's text (`file` relative to `root`). */
export function badCitations(root: string, file: string, text: string): BadCitation[] {
  const ignored = ignoredPatterns(root);
  const markdown = extname(file) === '.md';
  if (!markdown && !COMMENTED.has(extname(file))) return [];
  const out: BadCitation[] = [];
  text.split('\n').forEach((line, i) => {
    const words = markdown ? line : commentOf(line);
    if (words === undefined) return;
    for (const m of words.matchAll(REPO_PATH)) {
      const cited = m[1] ?? '';
      if (!resolves(root, cited, ignored)) out.push({ file, line: i + 1, cited, why: 'not in the repository' });
    }
    if (OUTSIDE_ALLOWED.has(file)) return;
    for (const m of words.matchAll(OUTSIDE)) {
      out.push({ file, line: i + 1, cited: m[1] ?? '', why: 'outside the repository' });
    }
  });
  return out;
}

/** Every file under CITING_ROOTS that is read (repo-relative, forward slashes). */
export function citingFiles(root: string): string[] {
  const out: string[] = [];
  const walk = (rel: string): void => {
    for (const e of readdirSync(join(root, rel), { withFileTypes: true })) {
      const path = `${rel}/${e.name}`;
      if (e.isDirectory()) {
        if (e.name !== 'node_modules' && e.name !== 'artifacts') walk(path);
      } else if (!SKIPPED.some((s) => s.test(path)) && !SELF.has(path)) out.push(path);
    }
  };
  for (const r of CITING_ROOTS) {
    if (!existsSync(join(root, r))) continue;
    if (r.endsWith('.md')) out.push(r);
    else walk(r);
  }
  return out;
}

/** Every bad citation of the repository at `root`. */
export function repoBadCitations(root: string): BadCitation[] {
  return citingFiles(root).flatMap((f) => badCitations(root, f, readFileSync(join(root, f), 'utf8')));
}
