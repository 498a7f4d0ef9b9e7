/**
 * GET /pathway: a human-readable page of every node and rule, the target of each card's `source.url`
 * (`<baseUrl>/pathway#<id>`). Rendered once from src/pathway, so it never drifts from the cards.
 */
import { Router } from 'express';
import {
  DRUGS,
  EVIDENCE,
  NODES,
  NODE_IDS,
  RULES,
  RULE_IDS,
  scheduleText,
  shownText,
  CARD_TEXTS,
  DEFAULT_THRESHOLDS,
  SOURCE_LABEL,
  nodeTitle,
  evidenceUrl,
  type EvidenceKey,
  type NodeId,
  type Thresholds,
} from '../pathway/index.js';

const escapeHtml = (s: string): string =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

function evidenceHtml(keys: readonly EvidenceKey[]): string {
  if (keys.length === 0) return '';
  const items = keys.map((k) => {
    const url = evidenceUrl(k);
    const cite = escapeHtml(EVIDENCE[k].citation);
    return url !== undefined ? `<li><a href="${escapeHtml(url)}">${cite}</a></li>` : `<li>${cite}</li>`;
  });
  return `<p>Evidence:</p><ul>${items.join('')}</ul>`;
}

function nodeHtml(id: NodeId, t: Thresholds): string {
  const n = NODES[id];
  const drugs = n.drugs.map((d) => {
    const schedule = scheduleText(id, d, t);
    return `<li>${escapeHtml(DRUGS[d].name)}${schedule !== undefined ? `: ${escapeHtml(schedule)}` : ''}</li>`;
  });
  const service = n.service
    ? `<p>Orders: ${escapeHtml(n.service.text ?? Object.values(n.service.textBySite ?? {})[0] ?? n.service.code.display ?? n.service.code.code)}</p>`
    : '';
  const next =
    n.next === 'line3'
      ? 'the later-line options for the histology not yet received'
      : n.next.map((x) => nodeTitle(x, t)).join('; ');
  return [
    `<section id="${escapeHtml(id)}"><h3>${escapeHtml(nodeTitle(id, t))}</h3>`,
    `<p><code>${escapeHtml(id)}</code>: ${escapeHtml(n.kind)}, indicator ${escapeHtml(n.indicator)}</p>`,
    n.when !== undefined ? `<p>When: ${escapeHtml(n.when)}</p>` : '',
    // The page shows what cards show: §4.5 template or note, never a sentence marked "(to verify)".
    `<p>${escapeHtml(shownText(n.note === '§4.5' ? (CARD_TEXTS[id] ?? '') : n.note))}</p>`,
    drugs.length > 0 ? `<p>Drugs:</p><ul>${drugs.join('')}</ul>` : '',
    service,
    next !== '' ? `<p>Next: ${escapeHtml(next)}</p>` : '',
    evidenceHtml(n.evidence),
    '</section>',
  ].join('');
}

/** The whole pathway page as HTML, with the §9 values its titles and order texts state as configured. */
export function renderPathwayDoc(t: Thresholds = DEFAULT_THRESHOLDS): string {
  const nodes = NODE_IDS.map((id) => nodeHtml(id, t)).join('\n');
  const rules = RULE_IDS.map((id) => {
    const r = RULES[id];
    return [
      `<section id="${escapeHtml(id)}"><h3>${escapeHtml(r.title)}</h3>`,
      `<p><code>${escapeHtml(id)}</code>: ${r.kind}, order-time indicator ${r.indicator}</p>`,
      `<p>${escapeHtml(r.text)}</p><p>At patient-view: ${escapeHtml(r.patientViewEffect)}</p>`,
      evidenceHtml(r.evidence),
      '</section>',
    ].join('');
  }).join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(SOURCE_LABEL)}</title></head>
<body><h1>${escapeHtml(SOURCE_LABEL)}: soft tissue sarcoma treatment pathway</h1>
<p>Decision support, not a directive: every recommendation is for review by the treating team.</p>
<h2>Nodes</h2>
${nodes}
<h2>Safety rules</h2>
${rules}
</body></html>
`;
}

/** Router serving GET /pathway. */
export function pathwayDocRouter(t: Thresholds = DEFAULT_THRESHOLDS): Router {
  const router = Router();
  const page = renderPathwayDoc(t);
  router.get('/pathway', (_req, res) => {
    res.type('text/html; charset=utf-8').send(page);
  });
  return router;
}
