/**
 * The README's "Architecture" diagram and table, rendered from the layer table (tools/architecture/layers.ts), so the
 * picture cannot drift from what the architecture test enforces.
 */
import { LAYERS, type Group, type Layer } from './layers.js';

/** Where the rendered part of README.md starts and ends. */
export const README_BEGIN =
  '<!-- architecture: rendered from tools/architecture/layers.ts by `npx tsx tools/architecture/write-readme.ts` -->';
export const README_END = '<!-- /architecture -->';

const GROUP_TITLES: Readonly<Record<Group, string>> = {
  entry: 'entry points',
  flow: 'request flow',
  pages: 'pages',
  stores: 'stores',
  infrastructure: 'infrastructure',
  model: 'model and helpers',
};

const mermaidId = (node: string): string => node.replace(/[^A-Za-z0-9]/g, '_');
const label = (node: string): string => (node.endsWith('.ts') ? node : `${node}/`);

/** Every allowed import (from, to, types only?). */
function allowed(layers: Readonly<Record<string, Layer>>): { from: string; to: string; typesOnly: boolean }[] {
  return Object.entries(layers).flatMap(([from, layer]) => [
    ...layer.imports.map((to) => ({ from, to, typesOnly: false })),
    ...(layer.types ?? []).map((to) => ({ from, to, typesOnly: true })),
  ]);
}

/**
 * True when `to` is reachable from `from` without the direct edge from -> to; for an edge that may import values
 * (`typesOnly` false), only through such edges (a path through a types-only edge does not stand for it).
 */
function reachableOtherwise(
  edges: readonly { from: string; to: string; typesOnly: boolean }[],
  from: string,
  to: string,
  typesOnly: boolean,
): boolean {
  const seen = new Set<string>([from]);
  const stack = [from];
  for (let v = stack.pop(); v !== undefined; v = stack.pop()) {
    for (const e of edges) {
      if (e.from !== v || (e.from === from && e.to === to) || seen.has(e.to)) continue;
      if (!typesOnly && e.typesOnly) continue;
      if (e.to === to) return true;
      seen.add(e.to);
      stack.push(e.to);
    }
  }
  return false;
}

/**
 * The Mermaid flowchart: one box per node in its group, an arrow per allowed import (dotted: types only), except those
 * a longer path implies and those into a `base` node.
 */
export function renderDiagram(layers: Readonly<Record<string, Layer>> = LAYERS): string {
  const lines = ['```mermaid', 'flowchart TD'];
  for (const group of Object.keys(GROUP_TITLES) as Group[]) {
    const nodes = Object.keys(layers).filter((n) => layers[n]?.group === group);
    if (nodes.length === 0) continue;
    lines.push(`  subgraph ${group} ["${GROUP_TITLES[group]}"]`);
    for (const n of nodes) lines.push(`    ${mermaidId(n)}["${label(n)}"]`);
    lines.push('  end');
  }
  const edges = allowed(layers);
  for (const e of edges) {
    if (layers[e.to]?.base === true || reachableOtherwise(edges, e.from, e.to, e.typesOnly)) continue;
    lines.push(`  ${mermaidId(e.from)} ${e.typesOnly ? '-.->' : '-->'} ${mermaidId(e.to)}`);
  }
  lines.push('```');
  return lines.join('\n');
}

/** The table: each node, what it owns, what it may import. */
export function renderTable(layers: Readonly<Record<string, Layer>> = LAYERS): string {
  const code = (nodes: readonly string[]): string => nodes.map((n) => `\`${label(n)}\``).join(', ');
  return [
    '| folder | owns | may import | only types from |',
    '|---|---|---|---|',
    ...Object.entries(layers).map(
      ([node, l]) => `| \`${label(node)}\` | ${l.owns} | ${code(l.imports)} | ${code(l.types ?? [])} |`,
    ),
  ].join('\n');
}

/** The whole rendered part of README.md, markers included. */
export function renderReadmeSection(layers: Readonly<Record<string, Layer>> = LAYERS): string {
  return [README_BEGIN, renderDiagram(layers), '', renderTable(layers), README_END].join('\n');
}

/** The rendered part of a README text (markers included), or undefined when the markers are missing. */
export function readmeSection(readme: string): string | undefined {
  const begin = readme.indexOf(README_BEGIN);
  const end = readme.indexOf(README_END, begin);
  return begin === -1 || end === -1 ? undefined : readme.slice(begin, end + README_END.length);
}
