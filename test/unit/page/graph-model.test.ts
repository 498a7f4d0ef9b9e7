import { describe, expect, test } from '@jest/globals';
import { buildChartModel, guardedNodes } from '../../../src/page/graph-model.js';
import { NODES, NODE_IDS, RULE_IDS } from '../../../src/pathway/index.js';

describe('pathway chart model', () => {
  const model = buildChartModel();
  const ids = new Set(model.boxes.map((b) => b.id));

  test('has a box for every node and places every rule on a box', () => {
    for (const id of NODE_IDS) expect(ids).toContain(id);
    expect(new Set(model.boxes.flatMap((b) => b.rules))).toEqual(new Set(RULE_IDS));
  });

  test('every edge joins two boxes, and every §4.2 next is an edge', () => {
    for (const e of model.edges) {
      expect(ids).toContain(e.from);
      expect(ids).toContain(e.to);
    }
    for (const id of NODE_IDS) {
      const next = NODES[id].next;
      if (next === 'line3') continue;
      for (const to of next) expect(model.edges.some((e) => e.from === id && e.to === to)).toBe(true);
    }
  });

  test('every node is reachable from the entry or the order-time step', () => {
    const seen = new Set([model.entry, 'step:order']);
    let grew = true;
    while (grew) {
      grew = false;
      for (const e of model.edges) if (seen.has(e.from) && !seen.has(e.to)) grew = seen.add(e.to).size > 0;
    }
    expect(NODE_IDS.filter((id) => !seen.has(id))).toEqual([]);
  });

  test('rules guard the nodes whose drugs they name', () => {
    expect(guardedNodes('S-PAZO-ADIPOCYTIC')).toEqual(['M-3L-PAZOPANIB']);
    expect(guardedNodes('S-DOXO-LVEF')).toEqual(
      expect.arrayContaining(['M-1L-DOXO', 'M-LMS-1L-DOXO-TRAB', 'L-NEOADJ-DOXO-IFOS']),
    );
    expect(guardedNodes('S-COMBO-ECOG')).not.toContain('M-1L-DOXO');
    expect(guardedNodes('S-OLARATUMAB')).toEqual([]);
  });
});
