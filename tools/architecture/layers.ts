/**
 * The folders of src/ and which may import which: the single source of the layering (issue 19). The architecture test
 * (test/unit/architecture/layers.test.ts) reads every import of src/ against this table, and the README's
 * "Architecture" section is rendered from it (`npx tsx tools/architecture/write-readme.ts`).
 *
 * A node is a folder of src/ (`hooks`) or a file at its root (`config.ts`). An import from one node into another is
 * allowed when the target is in the importer's `imports`, or in its `types` and the import is type-only (a stage reads
 * the type of what the stage before it hands on, never calls it). Imports inside a node are free.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, posix, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

export type Group = 'entry' | 'flow' | 'pages' | 'stores' | 'infrastructure' | 'model';

export interface Layer {
  readonly group: Group;
  /** What the node owns, one line (rendered into the README). */
  readonly owns: string;
  /** Nodes it may import anything from. */
  readonly imports: readonly string[];
  /** Nodes it may import types from (`import type`), and nothing else. */
  readonly types?: readonly string[];
  /** Imported across the layers: the README diagram draws no arrows into it (the table lists them). */
  readonly base?: true;
}

/** In the order a request meets them, then what they stand on. */
export const LAYERS: Readonly<Record<string, Layer>> = {
  'server.ts': {
    group: 'entry',
    owns: 'process entry: config, logger, stores, embedded FHIR server, warm-up, then listen',
    imports: ['app.ts', 'config.ts', 'log.ts', 'lifecycle', 'embedded', 'adherence', 'shared-state', 'cql', 'hooks'],
  },
  'cluster.ts': {
    group: 'entry',
    owns: 'WORKERS > 1: forks server.ts per core, one /metrics for all',
    imports: ['server.ts', 'observability'],
  },
  'app.ts': {
    group: 'entry',
    owns: 'createApp: the Express app, middleware and routers in order (no listen)',
    imports: ['http', 'page', 'hooks', 'cql', 'security', 'observability', 'config.ts', 'log.ts'],
    types: ['lifecycle', 'adherence', 'shared-state'],
  },
  http: {
    group: 'flow',
    owns: 'HTTP: discovery, the hook and feedback routes, request validation, errors as OperationOutcomes',
    imports: ['hooks', 'fhir', 'adherence', 'security', 'pathway', 'shared', 'config.ts', 'errors.ts', 'log.ts'],
    types: ['cql'],
  },
  hooks: {
    group: 'flow',
    owns: 'one module per CDS hook (patient data -> engine -> cards); the registry drives discovery and routing',
    imports: ['fhir', 'cql', 'cards', 'pathway', 'shared', 'errors.ts'],
    types: ['adherence'],
  },
  fhir: {
    group: 'flow',
    owns: "patient data: prefetch, FHIR queries, Bundles, only this patient's resources, the shape-check port",
    imports: ['security', 'observability', 'pathway', 'shared', 'errors.ts'],
  },
  cql: {
    group: 'flow',
    owns: 'the engine: ELM and model info loaded once, interpreter or compiled code, typed facts and decisions',
    imports: ['engine', 'pathway', 'shared', 'errors.ts'],
    types: ['fhir'],
  },
  engine: {
    group: 'flow',
    owns: 'the CQL compiled to TypeScript (generated) and the runtime it calls',
    imports: [],
  },
  cards: {
    group: 'flow',
    owns: 'CDS cards from facts and decisions: the only place card words are assembled',
    imports: ['pathway', 'shared', 'errors.ts'],
    types: ['cql', 'fhir'],
  },
  page: {
    group: 'pages',
    owns: 'HTML: the pathway page and its browser code, GET /pathway (card source.url), the adherence view',
    imports: ['hooks', 'adherence', 'pathway', 'shared'],
  },
  adherence: {
    group: 'stores',
    owns: 'the record of shown cards, drafts and feedback (PostgreSQL or PGlite) and the adherence report',
    imports: ['pathway', 'shared', 'log.ts'],
    types: ['cql'],
  },
  'shared-state': {
    group: 'stores',
    owns: 'Redis: the JWT replay memory and result cache replicas share (adapters of security/ and cql/ ports)',
    imports: ['shared', 'errors.ts', 'log.ts'],
    types: ['cql', 'security'],
  },
  embedded: {
    group: 'stores',
    owns: 'the development FHIR server (Medplum in memory) with the demo patients',
    imports: ['shared'],
  },
  security: {
    group: 'infrastructure',
    owns: 'CDS client JWTs and replay memory, which FHIR servers may be called (SSRF)',
    imports: ['shared', 'errors.ts', 'log.ts'],
  },
  observability: {
    group: 'infrastructure',
    owns: 'the request context (ids, trace) and Prometheus metrics',
    imports: ['shared'],
  },
  lifecycle: {
    group: 'infrastructure',
    owns: 'the HTTP server around the app: timeouts, load shedding, graceful stop',
    imports: ['shared', 'errors.ts', 'log.ts'],
  },
  'config.ts': {
    group: 'infrastructure',
    owns: "the typed configuration, read once (each folder's own part from its config.ts)",
    imports: ['security', 'adherence', 'lifecycle', 'shared-state', 'pathway', 'shared'],
  },
  'log.ts': {
    group: 'infrastructure',
    owns: 'the logger (request id on every line, secrets redacted)',
    imports: ['observability'],
    base: true,
  },
  'errors.ts': {
    group: 'infrastructure',
    owns: 'CdsError and the OperationOutcome factories: each error case once',
    imports: [],
    base: true,
  },
  pathway: {
    group: 'model',
    owns: 'the pathway model from PATHWAY.md: codes, node ids, rules, thresholds, drugs, evidence, words',
    imports: [],
    base: true,
  },
  shared: {
    group: 'model',
    owns: 'helpers for every layer: JSON guards, the FHIR id, the CDS Hooks wire shapes, the env reader',
    imports: [],
    base: true,
  },
};

/** One import of a source file, resolved to a path relative to the source root (posix separators). */
export interface SourceImport {
  readonly specifier: string;
  /** Resolved path relative to src/, e.g. `hooks/registry.ts`; undefined for a package import. */
  readonly target: string | undefined;
  readonly typeOnly: boolean;
}

/** An import the table does not allow, or a cycle between nodes. */
export interface LayerProblem {
  readonly file: string;
  readonly specifier: string;
  readonly message: string;
}

/** The node of a path relative to the source root: its first folder, or the file itself at the root. */
export function nodeOf(path: string): string {
  const slash = path.indexOf('/');
  return slash === -1 ? path : path.slice(0, slash);
}

/** Every `.ts` file under `dir` (posix paths relative to it) with its text. */
export function readSources(dir: string): Map<string, string> {
  const files = new Map<string, string>();
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.ts')) continue;
    const path = join(entry.parentPath, entry.name);
    files.set(relative(dir, path).split(sep).join('/'), readFileSync(path, 'utf8'));
  }
  return files;
}

/** The static imports, re-exports and `import()` calls of one file. */
export function importsOf(path: string, text: string): SourceImport[] {
  const source = ts.createSourceFile(path, text, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  const out: SourceImport[] = [];
  const add = (specifier: string, typeOnly: boolean): void => {
    const target = specifier.startsWith('.')
      ? posix.normalize(posix.join(posix.dirname(path), specifier)).replace(/\.js$/, '.ts')
      : undefined;
    out.push({ specifier, target, typeOnly });
  };
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const clause = node.importClause;
      const named = clause?.namedBindings;
      const allNamedTypes =
        named !== undefined && ts.isNamedImports(named) && named.elements.every((e) => e.isTypeOnly);
      const typeOnly = clause !== undefined && (clause.isTypeOnly || (clause.name === undefined && allNamedTypes));
      add(node.moduleSpecifier.text, typeOnly);
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      const clause = node.exportClause;
      const allNamedTypes =
        clause !== undefined && ts.isNamedExports(clause) && clause.elements.every((e) => e.isTypeOnly);
      add(node.moduleSpecifier.text, node.isTypeOnly || allNamedTypes);
    } else if (
      ts.isCallExpression(node) &&
      node.expression.kind === ts.SyntaxKind.ImportKeyword &&
      node.arguments[0] !== undefined &&
      ts.isStringLiteralLike(node.arguments[0])
    ) {
      add(node.arguments[0].text, false);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return out;
}

/** The import edges between nodes: from -> to -> the imports that make it (file and specifier). */
export type NodeGraph = Map<string, Map<string, { file: string; specifier: string }[]>>;

/**
 * Checks every import of `files` (path relative to the source root -> text) against `layers`: each node must be in the
 * table, each import between nodes allowed, none may leave the source root, and no nodes may import each other in a
 * cycle. Returns the problems, each naming the file and the import.
 */
export function checkLayers(
  files: ReadonlyMap<string, string>,
  layers: Readonly<Record<string, Layer>> = LAYERS,
): { problems: LayerProblem[]; graph: NodeGraph } {
  const problems: LayerProblem[] = [];
  const graph: NodeGraph = new Map();
  for (const [file, text] of files) {
    const from = nodeOf(file);
    const layer = layers[from];
    if (layer === undefined) {
      problems.push({
        file,
        specifier: '',
        message: `'${from}' is not in the layer table (tools/architecture/layers.ts)`,
      });
      continue;
    }
    for (const { specifier, target, typeOnly } of importsOf(file, text)) {
      if (target === undefined) continue;
      if (target.startsWith('../')) {
        problems.push({
          file,
          specifier,
          message: 'imports from outside src/ (the service must not need tools/ or test/)',
        });
        continue;
      }
      const to = nodeOf(target);
      if (to === from) continue;
      const edges = graph.get(from) ?? new Map<string, { file: string; specifier: string }[]>();
      graph.set(from, edges);
      edges.set(to, [...(edges.get(to) ?? []), { file, specifier }]);
      if (layer.imports.includes(to)) continue;
      if (typeOnly && layer.types?.includes(to)) continue;
      const typesOnly = layer.types?.includes(to) === true;
      problems.push({
        file,
        specifier,
        message: typesOnly
          ? `${from} may import only types from ${to} (use \`import type\`)`
          : `${from} may not import ${to} (allowed: ${[...layer.imports, ...(layer.types ?? []).map((t) => `types of ${t}`)].join(', ') || 'nothing'})`,
      });
    }
  }
  for (const cycle of nodeCycles(graph)) {
    const steps = cycle.map((from, i) => {
      const to = cycle[(i + 1) % cycle.length] ?? from;
      const first = graph.get(from)?.get(to)?.[0];
      return `${from} -> ${to} (${first?.file ?? '?'} imports '${first?.specifier ?? '?'}')`;
    });
    const start = graph.get(cycle[0] ?? '')?.get(cycle[1 % cycle.length] ?? '')?.[0];
    problems.push({
      file: start?.file ?? '',
      specifier: start?.specifier ?? '',
      message: `import cycle between folders: ${steps.join(', ')}`,
    });
  }
  return { problems, graph };
}

/** Imports the table allows that no file makes: the table (and the README drawn from it) must say what the code does. */
export function unusedAllowances(graph: NodeGraph, layers: Readonly<Record<string, Layer>> = LAYERS): string[] {
  return Object.entries(layers).flatMap(([from, layer]) =>
    [...layer.imports, ...(layer.types ?? [])]
      .filter((to) => graph.get(from)?.has(to) !== true)
      .map(
        (to) =>
          `the table lets ${from} import ${to}, but nothing in ${from} does: remove it from tools/architecture/layers.ts`,
      ),
  );
}

/** One cycle per strongly connected component of more than one node (Tarjan), as the nodes in order. */
export function nodeCycles(graph: NodeGraph): string[][] {
  const adjacency = new Map<string, string[]>();
  for (const [from, edges] of graph) adjacency.set(from, [...edges.keys()]);
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  let next = 0;
  const connect = (v: string): void => {
    index.set(v, next);
    low.set(v, next);
    next++;
    stack.push(v);
    onStack.add(v);
    for (const w of adjacency.get(v) ?? []) {
      if (!index.has(w)) {
        connect(w);
        low.set(v, Math.min(low.get(v) ?? 0, low.get(w) ?? 0));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v) ?? 0, index.get(w) ?? 0));
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      for (let w = stack.pop(); w !== undefined; w = w === v ? undefined : stack.pop()) {
        onStack.delete(w);
        component.push(w);
      }
      if (component.length > 1) components.push(component);
    }
  };
  for (const v of adjacency.keys()) if (!index.has(v)) connect(v);
  return components.map((component) => cyclePath(component, adjacency));
}

/** A cycle through the first node of a strongly connected component (breadth-first back to it). */
function cyclePath(component: readonly string[], adjacency: ReadonlyMap<string, readonly string[]>): string[] {
  const inside = new Set(component);
  const start = [...component].sort()[0] ?? '';
  const cameFrom = new Map<string, string>();
  const queue = [start];
  for (let v = queue.shift(); v !== undefined; v = queue.shift()) {
    for (const w of adjacency.get(v) ?? []) {
      if (!inside.has(w)) continue;
      if (w === start) {
        const path = [v];
        for (let p = cameFrom.get(v); p !== undefined; p = cameFrom.get(p)) path.unshift(p);
        return path;
      }
      if (!cameFrom.has(w) && w !== start) {
        cameFrom.set(w, v);
        queue.push(w);
      }
    }
  }
  return [start];
}

/** The table's own edges (every allowed import), for checking that the table itself has no cycle. */
export function tableGraph(layers: Readonly<Record<string, Layer>> = LAYERS): NodeGraph {
  const graph: NodeGraph = new Map();
  for (const [from, layer] of Object.entries(layers)) {
    graph.set(
      from,
      new Map(
        [...layer.imports, ...(layer.types ?? [])].map((to) => [
          to,
          [{ file: 'tools/architecture/layers.ts', specifier: to }],
        ]),
      ),
    );
  }
  return graph;
}

/** The repository root (this file is tools/architecture/layers.ts). */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
