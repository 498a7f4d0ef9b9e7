/**
 * The adherence view (GET /adherence/view): filters and the charts of GET /adherence, drawn in the browser with
 * Chart.js (client/adherence.ts). Node and rule names come from src/pathway; no inline script or style.
 */
import { CLASSIFICATIONS, CLASSIFICATION_LABELS } from '../adherence/classify.js';
import { HOOK_SERVICES } from '../hooks/registry.js';
import { NODES, NODE_IDS, RULES, RULE_IDS, SOURCE_LABEL } from '../pathway/index.js';
import { escapeXml } from './graph-svg.js';

const scriptJson = (v: unknown): string => JSON.stringify(v).replace(/</g, '\\u003c');

const option = (value: string, label: string): string =>
  `<option value="${escapeXml(value)}">${escapeXml(label)}</option>`;

function topicOptions(): string {
  const nodes = NODE_IDS.map((id) => option(`node:${id}`, `${id}: ${NODES[id].title}`)).join('');
  const rules = RULE_IDS.map((id) => option(`rule:${id}`, `${id}: ${RULES[id].title}`)).join('');
  return `<option value="">All nodes and rules</option><optgroup label="Nodes">${nodes}</optgroup><optgroup label="Safety rules">${rules}</optgroup>`;
}

const chartPanel = (id: string, title: string, note: string): string =>
  `<section class="panel chart-panel" aria-labelledby="${id}-h"><h2 id="${id}-h">${escapeXml(title)}</h2><p class="note">${escapeXml(note)}</p>` +
  `<div class="canvas-box"><canvas id="${id}-chart" role="img" aria-label="${escapeXml(title)}"></canvas></div>` +
  `<details><summary>Table</summary><div id="${id}-table"></div></details></section>`;

/** The view's HTML. */
export function renderAdherencePage(): string {
  const services = HOOK_SERVICES.map((s) => option(s.definition.id, s.definition.id)).join('');
  const labels = Object.fromEntries(CLASSIFICATIONS.map((c) => [c, CLASSIFICATION_LABELS[c]]));
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>STS pathway: adherence</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/page/page.css">
<script type="module" src="/page/adherence.js"></script>
</head>
<body class="adherence">
<header class="top"><h1>Pathway adherence</h1><p>${escapeXml(SOURCE_LABEL)} · cards shown, orders signed, suggestions accepted and overrides, from the adherence store · <a href="/">pathway page</a></p></header>
<form id="filters" class="filters panel">
<div><label for="from">From</label><input type="date" id="from" name="from"></div>
<div><label for="to">To</label><input type="date" id="to" name="to"></div>
<div><label for="service">Service</label><select id="service" name="service"><option value="">All services</option>${services}</select></div>
<div class="wide"><label for="topic">Node or rule</label><select id="topic" name="topic">${topicOptions()}</select></div>
<div class="token" id="token-box" hidden><label for="token">Admin token (ADHERENCE_ADMIN_TOKEN)</label><input type="password" id="token" autocomplete="off"></div>
<div><button type="submit">Show</button></div>
</form>
<p class="status" id="status" role="status"></p>
<section class="tiles" id="tiles" aria-label="Totals"></section>
<main class="charts">
${chartPanel('weekly', 'Signed anticancer drugs per week', 'Drafted drugs at order-sign, by how the pathway classified them; the line is the share on the pathway.')}
${chartPanel('reasons', 'Overrides by reason', 'Override reasons given in CDS Hooks feedback (PATHWAY.md §5 reasons).')}
${chartPanel('topics', 'Overrides by node or rule', 'Cards overridden, per pathway node or safety rule, out of the cards shown.')}
${chartPanel('acceptance', 'Suggestions accepted, per node', 'Share of the cards with suggestions whose suggestion was accepted.')}
${chartPanel('drugs', 'Off-pathway drugs most often signed', 'Drafted drugs classified off the pathway at order-sign.')}
${chartPanel('rules', 'Safety rules: fired and overridden', 'Rule cards shown at order time and how many were overridden.')}
</main>
<script type="application/json" id="adherence-data">${scriptJson({ labels })}</script>
</body>
</html>
`;
}
