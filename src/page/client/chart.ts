/**
 * Highlights, in the server-rendered SVG, the nodes a patient reached (card topics) and the path from the entry box.
 */
import type { PageData } from './page-data.js';

const cssId = (id: string): string => CSS.escape(id);

/** Shortest path (box ids and edge ids) from any root to `target`, by breadth-first search. */
export function pathTo(data: PageData, target: string): { boxes: string[]; edges: string[] } | undefined {
  const prev = new Map<string, { box: string; edge: string } | null>();
  const queue: string[] = [];
  for (const r of data.roots) {
    prev.set(r, null);
    queue.push(r);
  }
  while (queue.length > 0) {
    const at = queue.shift() ?? '';
    if (at === target) break;
    for (const e of data.edges) {
      if (e.from !== at || prev.has(e.to)) continue;
      prev.set(e.to, { box: at, edge: e.id });
      queue.push(e.to);
    }
  }
  if (!prev.has(target)) return undefined;
  const boxes: string[] = [];
  const edges: string[] = [];
  for (let step = prev.get(target); step; step = prev.get(step.box)) {
    boxes.push(step.box);
    edges.push(step.edge);
  }
  return { boxes, edges };
}

/** Removes every highlight. */
export function clearHighlights(svgRoot: ParentNode): void {
  svgRoot.querySelectorAll('.reached, .on-path').forEach((n) => n.classList.remove('reached', 'on-path'));
}

/** Marks the topics reached (node boxes, rule chips and rule list items) and the path to each node; returns what was found. */
export function highlight(svgRoot: ParentNode, data: PageData, topics: readonly string[]): string[] {
  const found: string[] = [];
  for (const topic of topics) {
    const nodes = svgRoot.querySelectorAll(`[data-node-id="${cssId(topic)}"], [data-rule-id="${cssId(topic)}"]`);
    if (nodes.length === 0) continue;
    found.push(topic);
    nodes.forEach((n) => n.classList.add('reached'));
    const boxId = svgRoot.querySelector(`[data-node-id="${cssId(topic)}"]`) ? topic : undefined;
    const path = boxId ? pathTo(data, boxId) : undefined;
    for (const b of path?.boxes ?? []) {
      svgRoot.querySelector(`[data-node-id="${cssId(b)}"], [data-step-id="${cssId(b)}"]`)?.classList.add('on-path');
    }
    for (const e of path?.edges ?? []) svgRoot.querySelector(`[data-edge-id="${cssId(e)}"]`)?.classList.add('on-path');
  }
  return found;
}
