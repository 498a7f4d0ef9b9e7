/**
 * Lays the chart model out with elkjs (layered, top to bottom, groups as compound nodes) once, server side.
 * Box sizes come from wrapped text estimated at a fixed character width, so the SVG needs no browser measurement.
 */
import elkModule from 'elkjs/lib/elk.bundled.js';
import type { ElkExtendedEdge, ElkNode } from 'elkjs/lib/elk-api.js';
import type { ChartBox, ChartEdge, ChartGroup, ChartModel, GroupId } from './graph-model.js';

// module.exports is the constructor and also its own `default`; the typings only know `default`.
const ELK = elkModule.default;

/** Text metrics the SVG renderer shares (px). */
export const METRICS = {
  boxWidth: 250,
  stepWidth: 190,
  padX: 10,
  idLine: 16,
  titleLine: 16,
  titleChars: 31,
  stepChars: 24,
  chipHeight: 17,
  chipGap: 4,
  chipCharWidth: 6.4,
  labelCharWidth: 6.2,
  labelHeight: 15,
  groupTitle: 26,
} as const;

export interface Point {
  readonly x: number;
  readonly y: number;
}

export interface Chip {
  readonly rule: string;
  readonly x: number;
  readonly y: number;
  readonly width: number;
}

export interface PlacedBox extends ChartBox {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
  readonly lines: readonly string[];
  /** Chip positions relative to the box. */
  readonly chips: readonly Chip[];
}

export interface PlacedGroup extends ChartGroup {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

export interface PlacedEdge extends ChartEdge {
  readonly points: readonly Point[];
  readonly labelBox?: { readonly x: number; readonly y: number; readonly width: number; readonly height: number };
}

export interface ChartLayout {
  readonly width: number;
  readonly height: number;
  readonly groups: readonly PlacedGroup[];
  readonly boxes: readonly PlacedBox[];
  readonly edges: readonly PlacedEdge[];
}

/** Greedy word wrap at `max` characters (a longer word gets its own line). */
export function wrapText(text: string, max: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter((w) => w !== '')) {
    if (line === '') line = word;
    else if (line.length + 1 + word.length <= max) line += ` ${word}`;
    else {
      lines.push(line);
      line = word;
    }
  }
  if (line !== '') lines.push(line);
  return lines;
}

interface Sized {
  readonly width: number;
  readonly height: number;
  readonly lines: readonly string[];
  readonly chips: readonly Chip[];
}

function sizeBox(box: ChartBox): Sized {
  const isStep = box.nodeId === undefined;
  const width = isStep ? METRICS.stepWidth : METRICS.boxWidth;
  const lines = wrapText(box.title, isStep ? METRICS.stepChars : METRICS.titleChars);
  let y = 8 + (isStep ? 0 : METRICS.idLine) + lines.length * METRICS.titleLine + 6;
  const chips: Chip[] = [];
  let x = METRICS.padX;
  for (const rule of box.rules) {
    const w = Math.ceil(rule.length * METRICS.chipCharWidth + 12);
    if (x + w > width - METRICS.padX && x > METRICS.padX) {
      x = METRICS.padX;
      y += METRICS.chipHeight + METRICS.chipGap;
    }
    chips.push({ rule, x, y, width: w });
    x += w + METRICS.chipGap;
  }
  if (chips.length > 0) y += METRICS.chipHeight + 8;
  return { width, height: Math.max(y, isStep ? 40 : 48), lines, chips };
}

const ROOT_OPTIONS = {
  'elk.algorithm': 'layered',
  'elk.direction': 'DOWN',
  'elk.hierarchyHandling': 'INCLUDE_CHILDREN',
  'elk.edgeRouting': 'ORTHOGONAL',
  'elk.spacing.nodeNode': '28',
  'elk.layered.spacing.nodeNodeBetweenLayers': '36',
  'elk.edgeLabels.placement': 'HEAD',
  'elk.spacing.edgeLabel': '4',
  'elk.spacing.edgeNode': '16',
  'elk.layered.nodePlacement.strategy': 'NETWORK_SIMPLEX',
  'elk.layered.crossingMinimization.semiInteractive': 'false',
  'elk.json.edgeCoords': 'ROOT',
  'elk.json.shapeCoords': 'ROOT',
  'elk.padding': '[top=12,left=12,bottom=12,right=12]',
};

const GROUP_OPTIONS = { 'elk.padding': `[top=${METRICS.groupTitle + 10},left=14,bottom=14,right=14]` };

/** Computes the layout of the chart (a few hundred ms: call once and cache). */
export async function layoutChart(model: ChartModel): Promise<ChartLayout> {
  const sized = new Map(model.boxes.map((b) => [b.id, sizeBox(b)]));
  const elkNodes = new Map<string, ElkNode>();
  const root: ElkNode = { id: 'root', layoutOptions: ROOT_OPTIONS, children: [], edges: [] };
  const groupNode = (id: GroupId): ElkNode => {
    const existing = elkNodes.get(`group:${id}`);
    if (existing) return existing;
    const def = model.groups.find((g) => g.id === id);
    const node: ElkNode = { id: `group:${id}`, layoutOptions: GROUP_OPTIONS, children: [] };
    elkNodes.set(node.id, node);
    (def?.parent ? groupNode(def.parent) : root).children?.push(node);
    return node;
  };
  for (const g of model.groups) groupNode(g.id);
  for (const box of model.boxes) {
    const size = sized.get(box.id);
    const node: ElkNode = { id: box.id, width: size?.width ?? METRICS.boxWidth, height: size?.height ?? 48 };
    (box.group ? groupNode(box.group) : root).children?.push(node);
  }
  root.edges = model.edges.map((e): ElkExtendedEdge => ({
    id: e.id,
    sources: [e.from],
    targets: [e.to],
    labels: e.label
      ? [{ text: e.label, width: Math.ceil(e.label.length * METRICS.labelCharWidth + 8), height: METRICS.labelHeight }]
      : [],
  }));
  const out = await new ELK().layout(root);
  const placed = new Map<string, { x: number; y: number; width: number; height: number }>();
  const walk = (n: ElkNode): void => {
    placed.set(n.id, { x: n.x ?? 0, y: n.y ?? 0, width: n.width ?? 0, height: n.height ?? 0 });
    n.children?.forEach(walk);
  };
  walk(out);
  const at = (id: string): { x: number; y: number; width: number; height: number } =>
    placed.get(id) ?? { x: 0, y: 0, width: 0, height: 0 };
  const edgesOut = collectEdges(out);
  return {
    width: Math.ceil(out.width ?? 0),
    height: Math.ceil(out.height ?? 0),
    groups: model.groups.map((g) => ({ ...g, ...at(`group:${g.id}`) })),
    boxes: model.boxes.map((b) => {
      const size = sized.get(b.id);
      return { ...b, ...at(b.id), lines: size?.lines ?? [b.title], chips: size?.chips ?? [] };
    }),
    edges: model.edges.map((e) => {
      const laid = edgesOut.get(e.id);
      const section = laid?.sections?.[0];
      const points = section ? [section.startPoint, ...(section.bendPoints ?? []), section.endPoint] : [];
      const label = laid?.labels?.[0];
      return {
        ...e,
        points,
        ...(label && e.label
          ? { labelBox: { x: label.x ?? 0, y: label.y ?? 0, width: label.width ?? 0, height: label.height ?? 0 } }
          : {}),
      };
    }),
  };
}

function collectEdges(n: ElkNode, into = new Map<string, ElkExtendedEdge>()): Map<string, ElkExtendedEdge> {
  for (const e of n.edges ?? []) into.set(e.id, e);
  for (const c of n.children ?? []) collectEdges(c, into);
  return into;
}
