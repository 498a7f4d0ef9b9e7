/**
 * The adherence view in the browser: reads the filters, fetches GET /adherence (with the admin token when the
 * service asks for one) and draws the report with Chart.js. All text goes through the DOM builder (dom.ts).
 */
import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  Legend,
  LineController,
  LineElement,
  LinearScale,
  PointElement,
  Tooltip,
  type ChartConfiguration,
} from 'chart.js';
import { byId, el, isRecord, setStatus } from './dom.js';

Chart.register(
  BarController,
  BarElement,
  CategoryScale,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Legend,
  Tooltip,
);

const CLASS_COLORS: Readonly<Record<string, string>> = {
  'on-pathway': '#2e7d32',
  'later-line-early': '#e0a800',
  'position-unknown': '#8a94a3',
  'off-pathway': '#e06c00',
  unsafe: '#c62828',
};
const BLUE = '#1f5fbf';
const RED = '#c62828';
const TOKEN_KEY = 'adherence-admin-token';

interface Row {
  readonly [k: string]: unknown;
}
type Report = Record<string, unknown>;

const pageData = JSON.parse(byId('adherence-data', HTMLScriptElement).textContent ?? '{}') as {
  labels: Record<string, string>;
};
const labels = pageData.labels;
const charts: Chart[] = [];
const statusLine = byId('status', HTMLParagraphElement);
const form = byId('filters', HTMLFormElement);
const tokenBox = byId('token-box', HTMLDivElement);
const tokenInput = byId('token', HTMLInputElement);
const fields = {
  from: byId('from', HTMLInputElement),
  to: byId('to', HTMLInputElement),
  service: byId('service', HTMLSelectElement),
  topic: byId('topic', HTMLSelectElement),
};

const rows = (v: unknown): Row[] => (Array.isArray(v) ? v.filter(isRecord) : []);
const num = (v: unknown): number => (typeof v === 'number' ? v : 0);
// The report's cells are strings and numbers; anything else (absent, or a shape this page does not know) shows empty.
const text = (v: unknown): string =>
  typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : '';
const pct = (v: unknown): string => (typeof v === 'number' ? `${Math.round(v * 100)} %` : '—');

/** A table of the chart's numbers (the same data for screen readers and for copying). */
function table(id: string, head: readonly string[], body: readonly (readonly string[])[]): void {
  const box = byId(`${id}-table`, HTMLDivElement);
  box.replaceChildren(
    body.length === 0
      ? el('p', { class: 'empty' }, 'No data for these filters.')
      : el(
          'table',
          {},
          el('thead', {}, el('tr', {}, ...head.map((h) => el('th', { scope: 'col' }, h)))),
          el('tbody', {}, ...body.map((r) => el('tr', {}, ...r.map((c) => el('td', {}, c))))),
        ),
  );
}

/** Draws one chart (or says there is nothing to draw); the box grows with the number of bars. */
function draw(id: string, config: ChartConfiguration, count: number, perRow = 0): void {
  const canvas = byId(`${id}-chart`, HTMLCanvasElement);
  const box = canvas.parentElement;
  box?.classList.toggle('empty-chart', count === 0);
  if (box && perRow > 0) box.style.height = `${Math.max(160, 60 + perRow * count)}px`;
  if (count === 0) return;
  charts.push(new Chart(canvas, config));
}

const horizontal = (title: string, max?: number): ChartConfiguration['options'] => ({
  indexAxis: 'y',
  animation: false,
  maintainAspectRatio: false,
  plugins: { legend: { position: 'bottom' } },
  scales: {
    x: {
      beginAtZero: true,
      ...(max !== undefined ? { max } : {}),
      title: { display: true, text: title },
      ticks: { precision: 0 },
    },
  },
});

/** One bar series: its legend, its value per row, its colour. */
type Series = readonly [string, (r: Row) => number, string];

/** A horizontal bar chart, one bar per series for each row. */
function bars(
  id: string,
  list: readonly Row[],
  labelOf: (r: Row) => string,
  series: readonly Series[],
  axis: string,
  max?: number,
): void {
  draw(
    id,
    {
      type: 'bar',
      data: {
        labels: list.map(labelOf),
        datasets: series.map(([label, value, color]) => ({ label, data: list.map(value), backgroundColor: color })),
      },
      options: horizontal(axis, max),
    },
    list.length,
    24 + 10 * series.length,
  );
}

function render(report: Report): void {
  for (const c of charts.splice(0)) c.destroy();
  const totals = isRecord(report.totals) ? report.totals : {};
  const recorder = isRecord(report.recorder) ? report.recorder : {};
  const weekly = rows(report.weekly);
  const signed = weekly.reduce((n, w) => n + num(w.signed), 0);
  const on = weekly.reduce((n, w) => n + num(w.onPathway), 0);
  const tiles: [string, string][] = [
    ['On the pathway (signed)', signed > 0 ? `${Math.round((on / signed) * 100)} %` : '—'],
    ['Signed anticancer drugs', String(signed)],
    ['Hook responses', String(num(totals.responses))],
    ['Patients (pseudonyms)', String(num(totals.patients))],
    ['Cards shown', String(num(totals.cards))],
    ['Feedback entries', String(num(totals.feedback))],
    ['Feedback for unknown cards', String(num(totals.unmatchedFeedback))],
    ['Card records dropped', String(num(recorder.dropped))],
  ];
  byId('tiles', HTMLElement).replaceChildren(
    ...tiles.map(([k, v]) =>
      el('div', { class: 'tile' }, el('span', { class: 'v' }, v), el('span', { class: 'k' }, k)),
    ),
  );

  const weeks = weekly.map((w) => text(w.week));
  const classes = Object.keys(labels);
  draw(
    'weekly',
    {
      type: 'bar',
      data: {
        labels: weeks,
        datasets: [
          {
            type: 'line',
            label: 'Share on the pathway (%)',
            yAxisID: 'share',
            borderColor: '#1d2430',
            backgroundColor: '#1d2430',
            data: weekly.map((w) => (typeof w.share === 'number' ? Math.round(w.share * 100) : null)),
            tension: 0.2,
          },
          ...classes.map((c) => ({
            type: 'bar' as const,
            label: labels[c] ?? c,
            stack: 'drugs',
            backgroundColor: CLASS_COLORS[c] ?? BLUE,
            data: weekly.map((w) => (isRecord(w.byClassification) ? num(w.byClassification[c]) : 0)),
          })),
        ],
      },
      options: {
        animation: false,
        maintainAspectRatio: false,
        plugins: { legend: { position: 'bottom' } },
        scales: {
          x: { stacked: true, title: { display: true, text: 'Week starting (UTC)' } },
          y: {
            stacked: true,
            beginAtZero: true,
            title: { display: true, text: 'Drafted drugs signed' },
            ticks: { precision: 0 },
          },
          share: {
            position: 'right',
            min: 0,
            max: 100,
            grid: { drawOnChartArea: false },
            title: { display: true, text: '% on the pathway' },
          },
        },
      },
    },
    weekly.length,
  );
  table(
    'weekly',
    ['Week', 'Signed', 'On the pathway', 'Share', ...classes.map((c) => labels[c] ?? c)],
    weekly.map((w) => [
      text(w.week),
      text(w.signed),
      text(w.onPathway),
      pct(w.share),
      ...classes.map((c) => text(isRecord(w.byClassification) ? w.byClassification[c] : 0)),
    ]),
  );

  const reasons = rows(report.overridesByReason);
  bars('reasons', reasons, (r) => text(r.display), [['Overrides', (r) => num(r.count), BLUE]], 'Overrides');
  table(
    'reasons',
    ['Reason', 'Code', 'Overrides'],
    reasons.map((r) => [text(r.display), text(r.code), text(r.count)]),
  );

  const topics = rows(report.overridesByTopic);
  bars(
    'topics',
    topics,
    (t) => text(t.topic),
    [
      ['Cards shown', (t) => num(t.shown), '#b9c4d3'],
      ['Overridden', (t) => num(t.overridden), RED],
    ],
    'Cards',
  );
  table(
    'topics',
    ['Node or rule', 'Title', 'Shown', 'Overridden', 'Rate'],
    topics.map((t) => [text(t.topic), text(t.title), text(t.shown), text(t.overridden), pct(t.rate)]),
  );

  const acceptance = rows(report.acceptance);
  bars(
    'acceptance',
    acceptance,
    (a) => text(a.node),
    [['Accepted (%)', (a) => Math.round(num(a.rate) * 100), '#2e7d32']],
    '% of cards with suggestions whose suggestion was accepted',
    100,
  );
  table(
    'acceptance',
    ['Node', 'Title', 'Cards with suggestions', 'Accepted', 'Rate'],
    acceptance.map((a) => [text(a.node), text(a.title), text(a.withSuggestions), text(a.accepted), pct(a.rate)]),
  );

  const drugs = rows(report.offPathwayDrugs);
  bars(
    'drugs',
    drugs,
    (d) => text(d.drug),
    [['Signed off the pathway', (d) => num(d.count), CLASS_COLORS['off-pathway'] ?? RED]],
    'Drafted drugs signed',
  );
  table(
    'drugs',
    ['Drug', 'Signed off the pathway'],
    drugs.map((d) => [text(d.drug), text(d.count)]),
  );

  const rules = rows(report.safetyRules);
  bars(
    'rules',
    rules,
    (r) => text(r.rule),
    [
      ['Fired', (r) => num(r.fired), '#e0a800'],
      ['Overridden', (r) => num(r.overridden), RED],
    ],
    'Rule cards',
  );
  table(
    'rules',
    ['Rule', 'Title', 'Fired', 'Overridden', 'Rate'],
    rules.map((r) => [text(r.rule), text(r.title), text(r.fired), text(r.overridden), pct(r.rate)]),
  );
}

/** The report query of the form's fields. */
function query(): URLSearchParams {
  const q = new URLSearchParams();
  if (fields.from.value) q.set('from', fields.from.value);
  if (fields.to.value) q.set('to', fields.to.value);
  if (fields.service.value) q.set('service', fields.service.value);
  const [kind, id] = fields.topic.value.split(':');
  if ((kind === 'node' || kind === 'rule') && id) q.set(kind, id);
  return q;
}

async function load(): Promise<void> {
  setStatus(statusLine, 'Loading the report…');
  const token = tokenInput.value || sessionStorage.getItem(TOKEN_KEY) || '';
  const res = await fetch(`/adherence?${query().toString()}`, {
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });
  const body: unknown = await res.json().catch(() => undefined);
  if (res.status === 401 || res.status === 403) {
    tokenBox.hidden = false;
    sessionStorage.removeItem(TOKEN_KEY);
    const why =
      isRecord(body) && Array.isArray(body.issue) && isRecord(body.issue[0]) ? text(body.issue[0].diagnostics) : '';
    setStatus(statusLine, `The report needs the admin token. ${why}`, 'error');
    return;
  }
  if (!res.ok || !isRecord(body)) {
    const why =
      isRecord(body) && Array.isArray(body.issue) && isRecord(body.issue[0])
        ? text(body.issue[0].diagnostics)
        : `HTTP ${res.status}`;
    setStatus(statusLine, `The report could not be loaded: ${why}`, 'error');
    return;
  }
  if (token) sessionStorage.setItem(TOKEN_KEY, token);
  const period = isRecord(body.period) ? body.period : {};
  render(body);
  setStatus(
    statusLine,
    `Period ${text(period.from).slice(0, 10)} to ${text(period.to).slice(0, 10)} (end excluded)${body.topic ? `, ${text(body.topic)}` : ''}${body.service ? `, ${text(body.service)}` : ''}.`,
    'ok',
  );
}

form.addEventListener('submit', (e) => {
  e.preventDefault();
  void load();
});
void load();
