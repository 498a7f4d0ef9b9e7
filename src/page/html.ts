/**
 * The page shell: the flowchart SVG, the controls (real buttons, selects and labels), the rules list, and the page
 * data the browser code needs, all rendered from src/pathway. No inline script or style (the CSP forbids them).
 */
import { DRUGS, DRUG_KEYS, NODES, RULES, RULE_IDS, SOURCE_LABEL, SYSTEMS, type DrugRole } from '../pathway/index.js';
import { escapeXml } from './graph-svg.js';
import type { ChartModel } from './graph-model.js';

/** Hook service ids the page calls (src/hooks/registry.ts). */
export const PAGE_SERVICES = {
  patientView: 'sts-pathway-patient-view',
  orderSelect: 'sts-pathway-order-select',
} as const;

/** JSON for a `<script type="application/json">`: `<` escaped so no text can close the element. */
const scriptJson = (v: unknown): string => JSON.stringify(v).replace(/</g, '\\u003c');

/** The data embedded for the browser (see client/page-data.ts). */
export function pageData(model: ChartModel): Record<string, unknown> {
  const targets = new Set(model.edges.map((e) => e.to));
  const roots = [
    model.entry,
    ...model.boxes
      .map((b) => b.id)
      .filter((id) => id !== model.entry && !targets.has(id) && model.edges.some((e) => e.from === id)),
  ];
  const drugs = Object.fromEntries(
    DRUG_KEYS.map((k) => {
      const rx = DRUGS[k].rxnorm;
      // Codes marked "(to verify)" are never emitted (PATHWAY.md): such a draft is coded by text only.
      return [
        k,
        {
          name: DRUGS[k].name,
          ...(rx && !rx.toVerify ? { rxnorm: { system: rx.system, code: rx.code, display: rx.display } } : {}),
        },
      ];
    }),
  );
  return {
    roots,
    edges: model.edges.map(({ id, from, to }) => ({ id, from, to })),
    factsExtension: SYSTEMS.factsExtension,
    topicSystem: SYSTEMS.pathwayNode,
    services: PAGE_SERVICES,
    drugs,
  };
}

const ROLE_GROUPS: readonly [DrugRole, string][] = [
  ['pathway', 'Pathway drugs'],
  ['supportive', 'Supportive'],
  ['anthracycline-only', 'Other anthracyclines'],
  ['non-pathway', 'Other pathways (specialty histologies)'],
  ['never', 'Never recommended'],
];

function drugOptions(): string {
  const groups = ROLE_GROUPS.map(([role, label]) => {
    const options = DRUG_KEYS.filter((k) => DRUGS[k].role === role).map((k) => {
      const brands = DRUGS[k].names.length > 0 ? ` (${DRUGS[k].names.join(', ')})` : '';
      return `<option value="${escapeXml(k)}">${escapeXml(DRUGS[k].name + brands)}</option>`;
    });
    return options.length > 0 ? `<optgroup label="${escapeXml(label)}">${options.join('')}</optgroup>` : '';
  });
  return `<option value="">Typed name below…</option>${groups.join('')}`;
}

function rulesList(): string {
  return RULE_IDS.map((id) => {
    const r = RULES[id];
    return `<li data-rule-id="${escapeXml(id)}"><code>${escapeXml(id)}</code> (${escapeXml(r.kind)}, ${escapeXml(r.indicator)} at order time): ${escapeXml(r.text)}. Patient view: ${escapeXml(r.patientViewEffect)}</li>`;
  }).join('');
}

/** The whole page. */
export function renderPage(svg: string, model: ChartModel): string {
  const nodeCount = Object.keys(NODES).length;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>STS pathway: flowchart and CDS Hooks demo</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/page/page.css">
<script type="module" src="/page/app.js"></script>
</head>
<body>
<header class="top"><h1>Soft tissue sarcoma treatment pathway</h1><p>${escapeXml(SOURCE_LABEL)} · ${nodeCount} nodes, ${RULE_IDS.length} safety rules · CDS Hooks demo page · <a href="/adherence/view">adherence</a></p></header>
<main>
<div class="col-chart">
<section class="panel" aria-labelledby="chart-h">
<h2 id="chart-h">Pathway flowchart</h2>
<div class="chart-tools"><button type="button" id="fit-toggle" class="secondary" aria-pressed="false">Fit to width</button><span id="reached-summary" role="status"></span></div>
<div class="chart-wrap" id="chart-wrap" tabindex="0" aria-label="Flowchart, scrollable">
${svg}
</div>
<div class="legend" aria-hidden="true"><span class="l-reached">reached by the patient</span><span class="l-path">path that led there</span><span class="l-rule">safety rule guarding a node</span></div>
<details><summary>Safety rules (PATHWAY.md §5)</summary><ul class="rules">${rulesList()}</ul></details>
</section>
</div>
<div class="col-side">
<section class="panel" aria-labelledby="patient-h">
<h2 id="patient-h">Patient</h2>
<label for="patient-select">Demo patient (from the FHIR server at /fhir)</label>
<select id="patient-select"><option value="">Loading patients…</option></select>
<label class="check"><input type="checkbox" id="use-fhir-server"> Let the service read /fhir itself (fhirServer) instead of sending prefetch</label>
<div class="row"><button type="button" id="run-patient-view">Open patient (patient-view)</button></div>
<details id="paste-details"><summary>Or paste a patient Bundle</summary>
<label for="bundle-input">FHIR R4 Bundle (JSON) with a Patient and its resources</label>
<textarea id="bundle-input" spellcheck="false"></textarea>
<div class="row"><button type="button" id="run-bundle">Use pasted Bundle (patient-view)</button></div>
</details>
<p class="status" id="patient-status" role="status"></p>
</section>
<section class="panel" aria-labelledby="cards-h">
<h2 id="cards-h">Cards (patient-view)</h2>
<div id="patient-cards" class="cards"><p class="empty">Open a patient to see the cards an EHR would show.</p></div>
</section>
<section class="panel" aria-labelledby="facts-h">
<h2 id="facts-h">Facts behind the cards</h2>
<div id="facts"><p class="empty">No patient open.</p></div>
</section>
<section class="panel" aria-labelledby="order-h">
<h2 id="order-h">Draft an order (order-select)</h2>
<label for="drug-select">Drug (PATHWAY.md §6)</label>
<select id="drug-select">${drugOptions()}</select>
<label for="drug-text">Or type a medication name</label>
<input type="text" id="drug-text" autocomplete="off">
<div class="row"><button type="button" id="draft-order">Draft order</button><button type="button" id="clear-drafts" class="secondary">Clear drafts</button></div>
<p class="status" id="order-status" role="status"></p>
<h3>Draft orders</h3>
<ul id="drafts" class="drafts"></ul>
<h3>Order cards</h3>
<div id="order-cards" class="cards"></div>
</section>
</div>
</main>
<script type="application/json" id="page-data">${scriptJson(pageData(model))}</script>
</body>
</html>
`;
}
