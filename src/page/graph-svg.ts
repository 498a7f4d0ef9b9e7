/**
 * Renders the laid-out chart as an SVG string. Every text is escaped; styling is by class (page.css), so the page's
 * Content-Security-Policy needs no inline styles. Pathway nodes carry `data-node-id`, rule chips `data-rule-id`,
 * edges `data-edge-from`/`data-edge-to`: the browser code highlights by these attributes.
 */
import { NODES, RULES } from '../pathway/index.js';
import { METRICS, type ChartLayout, type PlacedBox, type PlacedEdge, type PlacedGroup } from './graph-layout.js';

/** Escapes text for HTML and SVG (element content and attribute values). */
export const escapeXml = (s: string): string =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

const n = (v: number): string => String(Math.round(v * 10) / 10);

function groupSvg(g: PlacedGroup): string {
  return [
    `<g class="group group-${escapeXml(g.id)}" data-group-id="${escapeXml(g.id)}">`,
    `<rect x="${n(g.x)}" y="${n(g.y)}" width="${n(g.width)}" height="${n(g.height)}" rx="10"/>`,
    `<text class="group-title" x="${n(g.x + 12)}" y="${n(g.y + 20)}">${escapeXml(g.title)}</text>`,
    '</g>',
  ].join('');
}

function boxSvg(b: PlacedBox): string {
  const isStep = b.nodeId === undefined;
  const node = b.nodeId ? NODES[b.nodeId] : undefined;
  const classes = isStep ? 'box step' : `box node kind-${node?.kind ?? 'info'} ind-${node?.indicator ?? 'info'}`;
  const attrs = b.nodeId
    ? ` data-node-id="${escapeXml(b.nodeId)}" role="group" aria-label="${escapeXml(`${b.nodeId}: ${b.title}`)}"`
    : ` data-step-id="${escapeXml(b.id)}"`;
  const parts = [`<g class="${classes}"${attrs} transform="translate(${n(b.x)},${n(b.y)})">`];
  parts.push(
    `<title>${escapeXml(node ? `${b.nodeId}: ${b.title} (${node.kind}, ${node.indicator})` : b.title)}</title>`,
  );
  parts.push(`<rect class="frame" width="${n(b.width)}" height="${n(b.height)}" rx="${isStep ? 20 : 6}"/>`);
  if (!isStep) parts.push(`<rect class="stripe" width="5" height="${n(b.height)}" rx="2"/>`);
  let y = 8;
  if (b.nodeId) {
    parts.push(`<text class="node-id" x="${METRICS.padX}" y="${y + 11}">${escapeXml(b.nodeId)}</text>`);
    y += METRICS.idLine;
  }
  for (const line of b.lines) {
    const x = isStep ? b.width / 2 : METRICS.padX;
    const anchor = isStep ? ' text-anchor="middle"' : '';
    parts.push(`<text class="node-title" x="${n(x)}" y="${y + 12}"${anchor}>${escapeXml(line)}</text>`);
    y += METRICS.titleLine;
  }
  for (const chip of b.chips) {
    const rule = RULES[chip.rule as keyof typeof RULES];
    const cls = rule ? `chip rule-${rule.kind} ind-${rule.indicator}` : 'chip';
    parts.push(
      `<g class="${cls}" data-rule-id="${escapeXml(chip.rule)}" transform="translate(${n(chip.x)},${n(chip.y)})">`,
      `<title>${escapeXml(rule ? `${chip.rule} (${rule.kind}): ${rule.text}` : chip.rule)}</title>`,
      `<rect width="${n(chip.width)}" height="${METRICS.chipHeight}" rx="8"/>`,
      `<text x="6" y="12">${escapeXml(chip.rule)}</text>`,
      '</g>',
    );
  }
  parts.push('</g>');
  return parts.join('');
}

function edgeSvg(e: PlacedEdge): string {
  if (e.points.length < 2) return '';
  const d = e.points.map((p, i) => `${i === 0 ? 'M' : 'L'}${n(p.x)},${n(p.y)}`).join(' ');
  const label = e.labelBox
    ? `<rect class="edge-label-bg" x="${n(e.labelBox.x - 2)}" y="${n(e.labelBox.y)}" width="${n(e.labelBox.width + 4)}" height="${n(e.labelBox.height)}" rx="3"/>` +
      `<text class="edge-label" x="${n(e.labelBox.x + 4)}" y="${n(e.labelBox.y + 11)}">${escapeXml(e.label ?? '')}</text>`
    : '';
  return (
    `<g class="edge edge-${e.kind}" data-edge-id="${escapeXml(e.id)}" data-edge-from="${escapeXml(e.from)}" data-edge-to="${escapeXml(e.to)}">` +
    `<path d="${d}" marker-end="url(#arrow)"/>${label}</g>`
  );
}

/** The whole chart as an inline `<svg>` element. */
export function renderChartSvg(layout: ChartLayout): string {
  const defs =
    '<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">' +
    '<path d="M0,0 L10,5 L0,10 z" class="arrow-head"/></marker></defs>';
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" class="chart" width="${layout.width}" height="${layout.height}" viewBox="0 0 ${layout.width} ${layout.height}" role="img" aria-labelledby="chart-title">`,
    '<title id="chart-title">Soft tissue sarcoma treatment pathway flowchart</title>',
    defs,
    ...layout.groups.map(groupSvg),
    // Edges under boxes, labels above edges: boxes are opaque so lines never cross text.
    ...layout.edges.map(edgeSvg),
    ...layout.boxes.map(boxSvg),
    '</svg>',
  ].join('\n');
}
