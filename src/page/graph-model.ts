/**
 * The pathway flowchart as data: every node of src/pathway (NODES), the §3 decision steps that lead to them, the
 * `next` edges of §4.2, and each safety rule (RULES) attached to the nodes it guards. Node ids are typed, and a test
 * checks every node and rule appears, so the chart cannot drift from the pathway module.
 */
import {
  DRUGS,
  DRUG_KEYS,
  NODES,
  NODE_IDS,
  RULES,
  RULE_IDS,
  type DrugKey,
  type NodeId,
  type RuleId,
} from '../pathway/index.js';

/** A box of the chart: a pathway node, or a §3 decision step (not a node of the pathway). */
export interface ChartBox {
  /** Graph-unique id: the NodeId for pathway nodes, `step:<name>` for steps. */
  readonly id: string;
  readonly nodeId?: NodeId;
  readonly title: string;
  /** The group (compound box) it sits in, if any. */
  readonly group?: GroupId;
  /** Safety rules guarding it (chips on the box). */
  readonly rules: readonly RuleId[];
}

/** Compound boxes: the branches and lines of therapy. */
export type GroupId = 'localized' | 'metastatic' | 'line1' | 'line2' | 'line3' | 'order';

export interface ChartGroup {
  readonly id: GroupId;
  readonly title: string;
  readonly parent?: GroupId;
}

/** `flow`: a §3 decision; `next`: §4.2 next line; `replaced`: the node is replaced when the rule holds. */
export type EdgeKind = 'flow' | 'next' | 'replaced' | 'alternative';

export interface ChartEdge {
  readonly id: string;
  readonly from: string;
  readonly to: string;
  readonly label?: string;
  readonly kind: EdgeKind;
}

export interface ChartModel {
  readonly groups: readonly ChartGroup[];
  readonly boxes: readonly ChartBox[];
  readonly edges: readonly ChartEdge[];
  /** The box every path starts from. */
  readonly entry: string;
}

export const GROUPS: readonly ChartGroup[] = [
  { id: 'localized', title: 'Localized disease' },
  { id: 'metastatic', title: 'Metastatic disease' },
  { id: 'line1', title: 'Line 1', parent: 'metastatic' },
  { id: 'line2', title: 'Line 2', parent: 'metastatic' },
  { id: 'line3', title: 'Line 3 and later (options not yet received, in any order)', parent: 'metastatic' },
  { id: 'order', title: 'Order time (order-select, order-sign)' },
];

const STEP = {
  entry: 'step:entry',
  histology: 'step:histology',
  extent: 'step:extent',
  localized: 'step:localized',
  metastatic: 'step:metastatic',
  order: 'step:order',
} as const;

const STEPS: readonly Omit<ChartBox, 'rules'>[] = [
  { id: STEP.entry, title: 'Patient with an STS Condition' },
  { id: STEP.histology, title: 'Histology class' },
  { id: STEP.extent, title: 'Extent of disease' },
  { id: STEP.localized, title: 'Site and local therapy done', group: 'localized' },
  { id: STEP.metastatic, title: 'Current regimen and line of therapy', group: 'metastatic' },
  { id: STEP.order, title: 'A drafted anticancer drug', group: 'order' },
];

/** A non-supportive drug of a node. */
const activeDrugs = (id: NodeId): readonly DrugKey[] => NODES[id].drugs.filter((d) => !DRUGS[d].supportive);

const wordIn = (word: string, text: string): boolean =>
  new RegExp(`(?<![\\p{L}\\p{N}])${word}(?![\\p{L}\\p{N}])`, 'iu').test(text);

/**
 * The nodes a §5 rule guards, read from its text: "any regimen" guards every regimen node; a "combination" rule the
 * multi-drug nodes made of drugs it names; otherwise every node with a drug it names.
 */
export function guardedNodes(rule: RuleId): readonly NodeId[] {
  const text = RULES[rule].text;
  const named = new Set(DRUG_KEYS.filter((d) => wordIn(DRUGS[d].name, text)));
  const regimens = NODE_IDS.filter((id) => NODES[id].kind === 'regimen');
  if (/\bany regimen\b/i.test(text)) return regimens;
  if (/\bcombination\b/i.test(text)) {
    return regimens.filter((id) => activeDrugs(id).length >= 2 && activeDrugs(id).every((d) => named.has(d)));
  }
  return NODE_IDS.filter((id) => activeDrugs(id).some((d) => named.has(d)));
}

/** The line of therapy of a metastatic regimen node: from its id (`M-2L-...`), else line 1 when its next is line 2. */
export function lineOf(id: NodeId): 1 | 2 | 3 | undefined {
  const m = /(?:^|-)([123])L(?:-|$)/.exec(id);
  if (m?.[1]) return Number(m[1]) as 1 | 2 | 3;
  const next = NODES[id].next;
  if (id.startsWith('M-') && NODES[id].kind === 'regimen' && next !== 'line3' && next.some((n) => lineOf(n) === 2))
    return 1;
  return undefined;
}

/** The qualifier of a node title, used as an edge condition: "(LMS, LPS)" at the end, or "LMS first line: ...". */
export function titleCondition(id: NodeId): string | undefined {
  const title = NODES[id].title;
  const paren = /\(([^)]+)\)\s*$/.exec(title);
  if (paren?.[1]) return paren[1];
  const prefix = /^([A-Z]{3})\b/.exec(title);
  return prefix?.[1];
}

const GROUP_OF: Partial<Record<NodeId, GroupId>> = {
  'OFF-PATHWAY': 'order',
  'POSITION-UNKNOWN': 'order',
  'HISTOLOGY-SPECIFIC-OPTION': 'order',
  'CURRENT-OFF-PATHWAY': 'metastatic',
  'M-TRIAL': 'metastatic',
};

function groupOf(id: NodeId): GroupId | undefined {
  const line = lineOf(id);
  if (line !== undefined && id.startsWith('M-')) return `line${line}`;
  if (id.startsWith('L-')) return 'localized';
  return GROUP_OF[id];
}

/** §3 decisions, written with typed ids (the logic itself lives in the CQL). */
function decisionEdges(): readonly Omit<ChartEdge, 'id'>[] {
  const f = (from: string, to: string, label?: string): Omit<ChartEdge, 'id'> => ({
    from,
    to,
    kind: 'flow',
    ...(label ? { label } : {}),
  });
  const localizedSite: readonly [NodeId, string][] = [
    ['L-RT-EXTREMITY', 'extremity'],
    ['L-RT-TRUNK', 'trunk wall, head and neck'],
    ['L-RT-RETROPERITONEAL', 'retroperitoneal'],
    ['L-NEOADJ-UPS-PEMBRO-RT', `${titleCondition('L-NEOADJ-UPS-PEMBRO-RT') ?? 'UPS'}, extremity`],
    ['L-NEOADJ-DOXO-IFOS', 'extremity or trunk, grade not 1'],
  ];
  return [
    f(STEP.entry, 'D-DATA-UNAVAILABLE', 'Conditions unreadable'),
    f(STEP.entry, 'X-PEDIATRIC', 'age under 18'),
    f(STEP.entry, 'D-UNCONFIRMED', 'not confirmed'),
    f(STEP.entry, STEP.histology, 'adult, confirmed'),
    f(STEP.histology, 'X-SPECIALTY', 'own pathway'),
    f(STEP.histology, 'X-UNCOVERED', 'not covered'),
    f(STEP.histology, 'D-MISSING-HISTOLOGY', 'not found'),
    f(STEP.histology, 'D-HISTOLOGY-CONFLICT', 'conflicting'),
    f(STEP.histology, STEP.extent, 'LMS, LPS, UPS, other STS'),
    f(STEP.extent, 'D-MISSING-EXTENT', 'unknown'),
    f(STEP.extent, STEP.localized, 'localized'),
    f(STEP.extent, STEP.metastatic, 'metastatic'),
    f(STEP.localized, 'L-OTHER-SITE', 'site outside soft tissue'),
    f(STEP.localized, 'L-POST-RESECTION', 'resected'),
    f(STEP.localized, 'L-SURGERY', 'not resected'),
    ...localizedSite.map(([to, label]) => f('L-SURGERY', to, label)),
    f(STEP.metastatic, 'M-LMS-1L-DOXO-TRAB', `${titleCondition('M-LMS-1L-DOXO-TRAB') ?? 'LMS'}, line 1`),
    f(STEP.metastatic, 'M-1L-DOXO', 'LPS, UPS, other, line 1'),
    { from: 'M-LMS-1L-DOXO-TRAB', to: 'M-1L-DOXO', kind: 'alternative', label: 'alternative' },
    f('M-LMS-1L-DOXO-TRAB', 'M-LMS-TRAB-MAINT', 'after the combination, no progression'),
    f(STEP.metastatic, 'CURRENT-OFF-PATHWAY', 'current regimen is no node'),
    f(STEP.metastatic, 'M-TRIAL', 'every line'),
    f(STEP.order, 'OFF-PATHWAY', 'no node output now'),
    f(STEP.order, 'POSITION-UNKNOWN', 'no pathway position'),
    f(STEP.order, 'HISTOLOGY-SPECIFIC-OPTION', 'histology-specific drug'),
  ];
}

/** §4.2 `next` columns; 'line3' expands to the line-3 nodes (a later-line node's own 'line3' is the group itself). */
function nextEdges(): readonly Omit<ChartEdge, 'id'>[] {
  const line3 = NODE_IDS.filter((id) => lineOf(id) === 3);
  return NODE_IDS.flatMap((from) => {
    const next = NODES[from].next;
    if (next === 'line3') {
      if (lineOf(from) === 3) return [];
      return line3.map((to) => ({ from, to, kind: 'next' as const, ...labelled(titleCondition(to)) }));
    }
    return next.map((to) => ({ from, to, kind: 'next' as const }));
  });
}

const labelled = (label: string | undefined): { label?: string } => (label ? { label } : {});

/** Nodes with an anthracycline are replaced by D-ANTHRACYCLINE-CONTRAINDICATED, whose alternative is its `next`-like line 2. */
function contraindicationEdges(): readonly Omit<ChartEdge, 'id'>[] {
  const target: NodeId = 'D-ANTHRACYCLINE-CONTRAINDICATED';
  const doxoNodes = NODE_IDS.filter(
    (id) => NODES[id].kind === 'regimen' && NODES[id].drugs.some((d) => DRUGS[d].anthracycline),
  );
  const line2 = NODE_IDS.filter((id) => lineOf(id) === 2);
  return [
    ...doxoNodes.map((from) => ({ from, to: target, kind: 'replaced' as const, label: 'doxorubicin contraindicated' })),
    ...line2.map((to) => ({ from: target, to, kind: 'alternative' as const, label: 'anthracycline-free alternative' })),
  ];
}

/** Builds the chart model from src/pathway. */
export function buildChartModel(): ChartModel {
  const rulesByNode = new Map<string, RuleId[]>();
  for (const rule of RULE_IDS) {
    const nodes = guardedNodes(rule);
    // A rule that guards no node (olaratumab: never on the pathway) sits on the order-time step.
    for (const id of nodes.length > 0 ? nodes : [STEP.order])
      rulesByNode.set(id, [...(rulesByNode.get(id) ?? []), rule]);
  }
  const boxes: ChartBox[] = [
    ...STEPS.map((s) => ({ ...s, rules: rulesByNode.get(s.id) ?? [] })),
    ...NODE_IDS.map((id) => {
      const group = groupOf(id);
      return { id, nodeId: id, title: NODES[id].title, rules: rulesByNode.get(id) ?? [], ...(group ? { group } : {}) };
    }),
  ];
  const edges = [...decisionEdges(), ...nextEdges(), ...contraindicationEdges()].map((e, i) => ({ ...e, id: `e${i}` }));
  return { groups: GROUPS, boxes, edges, entry: STEP.entry };
}
