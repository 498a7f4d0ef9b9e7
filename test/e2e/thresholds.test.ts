/**
 * PATHWAY.md §9, end to end: every threshold set in the environment (as production sets it: `loadConfig` of the
 * variable) moves the decision to the new boundary and every sentence that states it. For each threshold: a patient just
 * inside the new boundary gets the decision, one just outside does not, one between the new and the default boundary is
 * decided by the new value (the default app decides it the other way), and no card text of these responses states the
 * default. The patients are read from the real FHIR test server (`fhirServer`, no prefetch).
 */
import type { Express } from 'express';
import type { Bundle, FhirResource, MedicationRequest } from 'fhir/r4.js';
import request from 'supertest';
import type { CdsResponse } from '../../src/shared/cds-hooks.js';
import { DEFAULT_THRESHOLDS, THRESHOLDS, THRESHOLD_NAMES, type ThresholdName } from '../../src/pathway/index.js';
import { testApp } from '../helpers/app.js';
import { responseProblems } from '../helpers/card-checks.js';
import { useTestFhirServer } from '../helpers/fhir-server.js';
import { CODES, McodePatient, SYS } from '../fixtures/mcode/resources.js';
import { NOW, ago, cardOf, draft, expectCardMechanics, factsOf, patientView, topics } from '../fixtures/mcode/http.js';

const fhir = useTestFhirServer();

const apps = new Map<string, Express>();
/** The app configured with `env` (production defaults otherwise), one per configuration. */
function appWith(env: Record<string, string>): Express {
  const key = JSON.stringify(env);
  let app = apps.get(key);
  if (!app) {
    app = testApp({ PUBLIC_BASE_URL: 'https://cds.example.org', ...env }, () => NOW);
    apps.set(key, app);
  }
  return app;
}

/** The app with one threshold set through its environment variable. */
const appSetting = (name: ThresholdName, value: string): Express => appWith({ [THRESHOLDS[name].env]: value });
const defaultApp = (): Express => appWith({});

const transaction = (resources: readonly FhirResource[]): Bundle => ({
  resourceType: 'Bundle',
  type: 'transaction',
  entry: resources.map((resource) => ({
    resource,
    request: { method: 'PUT', url: `${resource.resourceType}/${resource.id ?? ''}` },
  })),
});

const loaded = new Set<string>();
async function load(resources: readonly FhirResource[]): Promise<string> {
  const patient = resources.find((r) => r.resourceType === 'Patient');
  if (!patient?.id) throw new Error('scenario without a Patient');
  if (!loaded.has(patient.id)) {
    await fhir().load(transaction(resources));
    loaded.add(patient.id);
  }
  return patient.id;
}

/** patient-view, the patient read from the FHIR server. */
async function view(app: Express, resources: readonly FhirResource[]): Promise<CdsResponse> {
  await load(resources);
  return patientView(app, resources, fhir().url);
}

/** order-sign of `drafts`, the patient read from the FHIR server. */
async function sign(
  app: Express,
  resources: readonly FhirResource[],
  drafts: readonly MedicationRequest[],
): Promise<CdsResponse> {
  const patientId = await load(resources);
  const res = await request(app)
    .post('/cds-services/sts-pathway-order-sign')
    .set('content-type', 'application/json')
    .send({
      hook: 'order-sign',
      hookInstance: 'c8c3e4f2-9f5a-4b6d-9c7b-3e3f6f9c2d03',
      fhirServer: fhir().url,
      context: {
        userId: 'Practitioner/reviewer',
        patientId,
        draftOrders: { resourceType: 'Bundle', type: 'collection', entry: drafts.map((resource) => ({ resource })) },
      },
    });
  if (res.status !== 200) throw new Error(`HTTP ${res.status}: ${JSON.stringify(res.body).slice(0, 400)}`);
  const body = res.body as CdsResponse;
  expect(responseProblems(body)).toEqual([]);
  for (const card of body.cards) expectCardMechanics(card, patientId, true);
  return body;
}

/** Every string of a response (summaries, details, facts, suggestion labels, dosage texts). */
function textsOf(body: CdsResponse): string[] {
  const out: string[] = [];
  const walk = (v: unknown): void => {
    if (typeof v === 'string') out.push(v);
    else if (Array.isArray(v)) v.forEach(walk);
    else if (typeof v === 'object' && v !== null) Object.values(v).forEach(walk);
  };
  walk(body.cards);
  return out;
}
const allText = (body: CdsResponse): string => textsOf(body).join('\n');

/** How each default would be written in a sentence that states the threshold. */
const DEFAULT_WORDS: { readonly [K in ThresholdName]: RegExp } = {
  lvefMinPercent: /\b50(\.0+)? ?%/,
  lvefRecencyDays: /\b90 days\b|\b3 months\b/,
  cumulativeDoxoWarnMgM2: /\b300 ?mg\/m[²2]/,
  cumulativeDoxoCriticalMgM2: /\b450 ?mg\/m[²2]/,
  currentRegimenWindowDays: /\b42 days\b|\b6 weeks\b/,
  combinationWindowDays: /\b7 days\b|\bone week\b/,
  maintenanceMaxDays: /\b365 days\b|\b1 year\b|\bone year\b|\b12 months\b/,
  maintenanceMaxCycles: /\b17 (maintenance )?(cycles|exposure|dates)\b/,
  ecogRecencyDays: /\b60 days\b|\b2 months\b/,
  bsaWeightWindowDays: /\b30 days\b/,
  coverGapDays: /\b28 days\b|\b4 weeks\b/,
  labRecencyDays: /\b30 days\b/,
  fhirMaxPages: /\b10 pages\b/,
  completedRequestsAreAdministrations: /completedRequestsAreAdministrations|COMPLETED_REQUESTS_ARE_ADMINISTRATIONS/,
  comboMaxTrialAge: /\babove 60\b|\b60 years\b|\bover 60\b/,
  doxoSingleEventMaxMgM2: /\b90 ?mg\/m[²2]/,
};

/**
 * Sentences that name a default's number as a fact of a label or a trial, not as the configured threshold: they stay
 * true whatever the site configures (PATHWAY.md §5 details, §4.2 notes, §6 schedule texts).
 */
const SOURCE_FACTS: readonly RegExp[] = [
  /the cumulative dose exceeds 300 mg\/m²/,
  /who have received 300 mg\/m² of doxorubicin/,
];

/** Fails when any text of the responses states the threshold's default value. */
function expectNoDefault(name: ThresholdName, ...bodies: CdsResponse[]): void {
  const pattern = DEFAULT_WORDS[name];
  for (const body of bodies) {
    for (const text of textsOf(body)) {
      const stripped = SOURCE_FACTS.reduce((t, f) => t.replace(f, ''), text);
      expect([name, String(DEFAULT_THRESHOLDS[name]), stripped.match(pattern)?.[0], text]).toEqual([
        name,
        String(DEFAULT_THRESHOLDS[name]),
        undefined,
        text,
      ]);
    }
  }
}

/** A metastatic STS (secondary Condition linked by condition-related) with the given treatment data. */
function metastatic(
  id: string,
  morph: [string, string],
  extra: (p: McodePatient) => FhirResource[] = () => [],
  o: { birthDate?: string; ecog?: boolean; lvef?: boolean } = {},
): FhirResource[] {
  const p = new McodePatient(id);
  return [
    p.patient(o.birthDate ?? '1962-12-12'),
    p.primary({ id: `${id}-dx`, icd10: CODES.thighIcd, extensionMorphology: morph, onset: ago(800) }),
    p.secondary({ id: `${id}-met`, primaryId: `${id}-dx`, onset: ago(400) }),
    ...(o.ecog === false ? [] : [p.ecogInteger(`${id}-ecog`, ago(5), 1)]),
    ...(o.lvef === false ? [] : [p.lvef(`${id}-lvef`, ago(1), 62)]),
    ...extra(p),
  ];
}

const doxoAdmins = (p: McodePatient, prefix: string, days: readonly number[], doseMgM2 = 75) =>
  days.map((d, i) => p.admin(`${prefix}-dox${i}`, ago(d), CODES.rxDoxo, { doseMgM2 }));
const trab = (p: McodePatient, id: string, day: number) => p.admin(id, ago(day), ['0', 'trabectedin']);
const every21 = (from: number, n: number): number[] => Array.from({ length: n }, (_, i) => from - 21 * i);
const doxoDraft = (patientId: string): MedicationRequest => draft('d-dox', patientId, 'doxorubicin', '3639');

/** One threshold's proof: run with the non-default value `value`. */
interface ThresholdCase {
  readonly value: string;
  readonly prove: (configured: Express, byDefault: Express) => Promise<void>;
}

const CASES: { readonly [K in ThresholdName]: ThresholdCase } = {
  lvefMinPercent: {
    value: '46',
    async prove(app, byDefault) {
      const lvef = (id: string, v: number) => metastatic(id, CODES.lpsDediff, (p) => [p.lvef(`${id}-low`, ago(0), v)]);
      const inside = await view(app, lvef('thr-lvef-45', 45));
      const outside = await view(app, lvef('thr-lvef-46', 46));
      const between = lvef('thr-lvef-48', 48);
      const movedView = await view(app, between);
      expect(topics(inside)).toEqual(['D-ANTHRACYCLINE-CONTRAINDICATED', 'M-2L-GEM-DOCE', 'M-TRIAL']);
      expect(cardOf(inside, 'D-ANTHRACYCLINE-CONTRAINDICATED').detail).toMatch(/is below 46 %/);
      expect(topics(outside)).toEqual(['M-1L-DOXO', 'M-TRIAL']);
      expect(topics(movedView)).toEqual(['M-1L-DOXO', 'M-TRIAL']);
      expect(topics(await view(byDefault, between))).toContain('D-ANTHRACYCLINE-CONTRAINDICATED');
      const order = await sign(app, lvef('thr-lvef-45', 45), [doxoDraft('thr-lvef-45')]);
      expect(cardOf(order, 'S-DOXO-LVEF').summary).toMatch(/LVEF 45 % \([\d-]+\) is below 46 %$/);
      const orderOutside = await sign(app, between, [doxoDraft('thr-lvef-48')]);
      expect(topics(orderOutside)).not.toContain('S-DOXO-LVEF');
      expectNoDefault('lvefMinPercent', inside, outside, movedView, order, orderOutside);
    },
  },
  lvefRecencyDays: {
    value: '30',
    async prove(app, byDefault) {
      const lvefAt = (id: string, day: number) =>
        metastatic(id, CODES.lpsDediff, (p) => [p.lvef(`${id}-l`, ago(day), 62)], { lvef: false });
      const inside = await view(app, lvefAt('thr-lrec-29', 29));
      const outside = await view(app, lvefAt('thr-lrec-31', 31));
      const between = lvefAt('thr-lrec-60', 60);
      const moved = await view(app, between);
      expect(allText(inside)).not.toMatch(/no usable LVEF/);
      expect(cardOf(outside, 'M-1L-DOXO').detail).toMatch(/no usable LVEF \(not recent\)/);
      expect(cardOf(moved, 'M-1L-DOXO').detail).toMatch(/no usable LVEF \(not recent\)/);
      expect(allText(await view(byDefault, between))).not.toMatch(/no usable LVEF/);
      const order = await sign(app, between, [doxoDraft('thr-lrec-60')]);
      expect(cardOf(order, 'S-DOXO-LVEF-UNKNOWN').summary).toMatch(/no usable LVEF \(not recent\)/);
      const orderInside = await sign(app, lvefAt('thr-lrec-29', 29), [doxoDraft('thr-lrec-29')]);
      expect(topics(orderInside)).not.toContain('S-DOXO-LVEF-UNKNOWN');
      expectNoDefault('lvefRecencyDays', inside, outside, moved, order, orderInside);
    },
  },
  cumulativeDoxoWarnMgM2: {
    value: '200',
    async prove(app, byDefault) {
      // On doxorubicin (75 mg/m² every 3 weeks, the latest 2 days ago); the LVEF was measured after the latest dose.
      const onDoxo = (id: string, n: number) =>
        metastatic(id, CODES.lpsDediff, (p) => doxoAdmins(p, id, every21(2 + 21 * (n - 1), n)));
      const inside = await sign(app, onDoxo('thr-warn-225', 3), [doxoDraft('thr-warn-225')]);
      const outside = await sign(app, onDoxo('thr-warn-150', 2), [doxoDraft('thr-warn-150')]);
      expect(cardOf(inside, 'S-DOXO-CUMULATIVE-WARN').summary).toMatch(
        /^Cumulative doxorubicin 225 mg\/m² \(≥ 200\): reassess LVEF before this dose$/,
      );
      expect(topics(outside)).not.toContain('S-DOXO-CUMULATIVE-WARN');
      // 225 mg/m² is below the default 300: only the configured value decides.
      expect(topics(await sign(byDefault, onDoxo('thr-warn-225', 3), [doxoDraft('thr-warn-225')]))).not.toContain(
        'S-DOXO-CUMULATIVE-WARN',
      );
      // F7: once N has reached the warning value, the LVEF must be dated after the latest anthracycline dose.
      const lvefBefore = metastatic(
        'thr-warn-lvef',
        CODES.lpsDediff,
        (p) => [p.lvef('thr-warn-lvef-l', ago(30), 62), ...doxoAdmins(p, 'thr-warn-lvef', every21(44, 3))],
        { lvef: false },
      );
      const pv = await view(app, lvefBefore);
      expect(allText(pv)).toMatch(/no usable LVEF \(not since the last anthracycline dose\)/);
      expect(allText(await view(byDefault, lvefBefore))).not.toMatch(/no usable LVEF/);
      expectNoDefault('cumulativeDoxoWarnMgM2', inside, outside, pv);
    },
  },
  cumulativeDoxoCriticalMgM2: {
    value: '400',
    async prove(app, byDefault) {
      const onDoxo = (id: string, dose: number, n: number) =>
        metastatic(id, CODES.lpsDediff, (p) => doxoAdmins(p, id, every21(2 + 21 * (n - 1), n), dose));
      const at420 = onDoxo('thr-crit-420', 70, 6);
      const inside = await view(app, at420);
      const outside = await view(app, onDoxo('thr-crit-375', 75, 5));
      const current = cardOf(inside, 'M-1L-DOXO');
      expect(current.indicator).toBe('warning');
      expect(current.detail).toMatch(
        /No further doxorubicin: the cumulative dose as recorded has reached 420 mg\/m² \(limit 400 mg\/m²\)/,
      );
      expect(allText(outside)).not.toMatch(/No further doxorubicin/);
      expect(allText(await view(byDefault, at420))).not.toMatch(/No further doxorubicin/);
      const order = await sign(app, at420, [doxoDraft('thr-crit-420')]);
      expect(cardOf(order, 'S-DOXO-CUMULATIVE').summary).toBe(
        'Doxorubicin not recommended: cumulative doxorubicin 420 mg/m² as recorded has reached 400 mg/m²',
      );
      const orderOutside = await sign(app, onDoxo('thr-crit-375', 75, 5), [doxoDraft('thr-crit-375')]);
      expect(topics(orderOutside)).not.toContain('S-DOXO-CUMULATIVE');
      expect(topics(await sign(byDefault, at420, [doxoDraft('thr-crit-420')]))).not.toContain('S-DOXO-CUMULATIVE');
      expectNoDefault('cumulativeDoxoCriticalMgM2', inside, outside, order, orderOutside);
    },
  },
  currentRegimenWindowDays: {
    value: '28',
    async prove(app, byDefault) {
      // Three cycles of doxorubicin, the latest `last` days ago.
      const lastGiven = (id: string, last: number) =>
        metastatic(id, CODES.lpsDediff, (p) => doxoAdmins(p, id, every21(last + 42, 3)));
      const inside = await view(app, lastGiven('thr-cur-27', 27));
      const outside = await view(app, lastGiven('thr-cur-29', 29));
      const between = lastGiven('thr-cur-35', 35);
      const moved = await view(app, between);
      expect(cardOf(inside, 'M-1L-DOXO').summary).toMatch(/^Current/);
      expect(topics(outside)).toEqual(['M-2L-GEM-DOCE', 'M-TRIAL']);
      expect(topics(moved)).toEqual(['M-2L-GEM-DOCE', 'M-TRIAL']);
      expect(cardOf(await view(byDefault, between), 'M-1L-DOXO').summary).toMatch(/^Current/);
      // F5: an active order is ongoing only when authored within the window (an older one is a prior exposure).
      const ordered = (id: string, age: number) =>
        metastatic(id, CODES.lpsDediff, (p) => [p.request(`${id}-rq`, ago(age), CODES.rxDoxo)]);
      const orderInside = await view(app, ordered('thr-cur-rq-27', 27));
      const orderOutside = await view(app, ordered('thr-cur-rq-35', 35));
      expect(cardOf(orderInside, 'M-1L-DOXO').summary).toMatch(/^Current/);
      expect(topics(orderOutside)).toEqual(['M-2L-GEM-DOCE', 'M-TRIAL']);
      expect(cardOf(await view(byDefault, ordered('thr-cur-rq-35', 35)), 'M-1L-DOXO').summary).toMatch(/^Current/);
      // F5: the run gap is the same window: doses 35 days apart are two runs, and the current one starts at the later.
      const gapped = metastatic('thr-cur-gap', CODES.lpsDediff, (p) => doxoAdmins(p, 'thr-cur-gap', [72, 37, 2]));
      const runStart = (body: CdsResponse) =>
        factsOf(cardOf(body, 'M-1L-DOXO')).find((f) => f.fact === 'Current regimen')?.date;
      expect(runStart(await view(app, gapped))).toBe(ago(2));
      expect(runStart(await view(byDefault, gapped))).toBe(ago(72));
      expectNoDefault('currentRegimenWindowDays', inside, outside, moved, orderInside, orderOutside);
    },
  },
  combinationWindowDays: {
    value: '3',
    async prove(app, byDefault) {
      // §3 step 7 (a): six cycles of doxorubicin with trabectedin `apart` days later count as the combination when the
      // two are within the window; then maintenance trabectedin (LMS-04) is the current node.
      const apart = (id: string, days: number) =>
        metastatic(id, CODES.lms, (p) => [
          ...every21(226, 6).flatMap((d, i) => [
            p.admin(`${id}-d${i}`, ago(d), CODES.rxDoxo, { doseMgM2: 60 }),
            trab(p, `${id}-t${i}`, d - days),
          ]),
          ...every21(100, 4).map((d, i) => trab(p, `${id}-m${i}`, d)),
        ]);
      const inside = await view(app, apart('thr-comb-3', 3));
      const outside = await view(app, apart('thr-comb-4', 4));
      const between = apart('thr-comb-6', 6);
      const moved = await view(app, between);
      expect(topics(inside)[0]).toBe('M-LMS-TRAB-MAINT');
      expect(topics(outside)).not.toContain('M-LMS-TRAB-MAINT');
      expect(topics(moved)).not.toContain('M-LMS-TRAB-MAINT');
      expect(topics(await view(byDefault, between))[0]).toBe('M-LMS-TRAB-MAINT');
      expectNoDefault('combinationWindowDays', inside, outside, moved);
    },
  },
  maintenanceMaxDays: {
    value: '200',
    async prove(app, byDefault) {
      // Six cycles of doxorubicin + trabectedin, then maintenance trabectedin every 3 weeks from `first` days ago.
      const maintenance = (id: string, first: number, n: number) =>
        metastatic(id, CODES.lms, (p) => [
          ...every21(first + 126, 6).flatMap((d, i) => [
            p.admin(`${id}-d${i}`, ago(d), CODES.rxDoxo, { doseMgM2: 60 }),
            trab(p, `${id}-t${i}`, d),
          ]),
          ...every21(first, n).map((d, i) => trab(p, `${id}-m${i}`, d)),
        ]);
      const inside = await view(app, maintenance('thr-mday-199', 199, 9));
      const outside = await view(app, maintenance('thr-mday-201', 201, 9));
      const between = maintenance('thr-mday-300', 300, 9);
      const moved = await view(app, between);
      expect(topics(inside)[0]).toBe('M-LMS-TRAB-MAINT');
      expect(topics(outside)).not.toContain('M-LMS-TRAB-MAINT');
      expect(topics(moved)).not.toContain('M-LMS-TRAB-MAINT');
      expect(topics(await view(byDefault, between))[0]).toBe('M-LMS-TRAB-MAINT');
      // The §4.2 title and the §6 order text state the configured period.
      const card = cardOf(inside, 'M-LMS-TRAB-MAINT');
      expect(card.summary).toBe('Current: LMS: maintenance trabectedin, up to 200 days');
      expect(card.source.topic?.display).toBe('LMS: maintenance trabectedin, up to 200 days');
      expect(allText(inside)).toMatch(
        /for up to 17 cycles or 200 days after up to 6 cycles of doxorubicin \+ trabectedin/,
      );
      // The pathway page the card links to (source.url) states the configured period too.
      const page = (await request(app).get('/pathway').expect(200)).text;
      const section = page.slice(
        page.indexOf('<section id="M-LMS-TRAB-MAINT">'),
        page.indexOf('</section>', page.indexOf('<section id="M-LMS-TRAB-MAINT">')),
      );
      expect(section).toContain('LMS: maintenance trabectedin, up to 200 days');
      expect(section).toContain('for up to 17 cycles or 200 days after');
      expect(section).not.toMatch(DEFAULT_WORDS.maintenanceMaxDays);
      // §3 step 7: the card opens with the period's end, 200 days after the first maintenance date.
      expect(card.detail).toContain(
        `Maintenance trabectedin (LMS-04): 9 of at most 17 cycles given since ${ago(199)}; continue every 3 weeks until progression, toxicity, 17 cycles or ${ago(-1)}, whichever comes first.`,
      );
      expectNoDefault('maintenanceMaxDays', inside, outside, moved);
    },
  },
  maintenanceMaxCycles: {
    value: '5',
    async prove(app, byDefault) {
      const maintenance = (id: string, n: number) =>
        metastatic(id, CODES.lms, (p) => [
          ...every21(226, 6).flatMap((d, i) => [
            p.admin(`${id}-d${i}`, ago(d), CODES.rxDoxo, { doseMgM2: 60 }),
            trab(p, `${id}-t${i}`, d),
          ]),
          ...every21(100, n).map((d, i) => trab(p, `${id}-m${i}`, d)),
        ]);
      const inside = await view(app, maintenance('thr-mcyc-4', 4));
      const outside = await view(app, maintenance('thr-mcyc-5', 5));
      expect(topics(inside)[0]).toBe('M-LMS-TRAB-MAINT');
      expect(topics(outside)).not.toContain('M-LMS-TRAB-MAINT');
      expect(topics(await view(byDefault, maintenance('thr-mcyc-5', 5)))[0]).toBe('M-LMS-TRAB-MAINT');
      expect(allText(inside)).toMatch(
        /for up to 5 cycles or 1 year after up to 6 cycles of doxorubicin \+ trabectedin/,
      );
      expect(cardOf(inside, 'M-LMS-TRAB-MAINT').detail).toContain(
        `Maintenance trabectedin (LMS-04): 4 of at most 5 cycles given since ${ago(100)}; continue every 3 weeks until progression, toxicity, 5 cycles or ${ago(100 - 365)}, whichever comes first.`,
      );
      expectNoDefault('maintenanceMaxCycles', inside, outside);
    },
  },
  ecogRecencyDays: {
    value: '20',
    async prove(app, byDefault) {
      const ecogAt = (id: string, day: number) =>
        metastatic(id, CODES.lpsDediff, (p) => [p.ecogInteger(`${id}-e`, ago(day), 1)], { ecog: false });
      const inside = await view(app, ecogAt('thr-ecog-20', 20));
      const outside = await view(app, ecogAt('thr-ecog-21', 21));
      const between = ecogAt('thr-ecog-40', 40);
      const moved = await view(app, between);
      expect(allText(inside)).not.toMatch(/not recent: reassess performance status/);
      expect(cardOf(outside, 'M-1L-DOXO').detail).toMatch(
        /ECOG 1 on [\d-]+ \(not recent: reassess performance status\)/,
      );
      expect(allText(moved)).toMatch(/not recent: reassess performance status/);
      expect(allText(await view(byDefault, between))).not.toMatch(/not recent: reassess performance status/);
      expectNoDefault('ecogRecencyDays', inside, outside, moved);
    },
  },
  bsaWeightWindowDays: {
    value: '10',
    async prove(app, byDefault) {
      // One doxorubicin dose of 130 mg, 100 days ago; the height long known, the weight `before` days before the dose.
      const weighed = (id: string, before: number) =>
        metastatic(id, CODES.lpsDediff, (p) => [
          p.height(`${id}-h`, ago(300), 165, 'cm'),
          p.weight(`${id}-w`, ago(100 + before), 68, 'kg'),
          p.doxoProductAdmin(`${id}-dox`, ago(100), 130),
        ]);
      const inside = await view(app, weighed('thr-bsa-10', 10));
      const outside = await view(app, weighed('thr-bsa-11', 11));
      const between = weighed('thr-bsa-20', 20);
      const moved = await view(app, between);
      // 130 mg / sqrt(165 cm x 68 kg / 3600) = 73.6 mg/m².
      expect(allText(inside)).toMatch(/73\.6 mg\/m² as recorded in this record/);
      expect(allText(outside)).toMatch(/at least 0 mg\/m² as recorded in this record/);
      expect(allText(moved)).toMatch(/at least 0 mg\/m² as recorded in this record/);
      expect(allText(await view(byDefault, between))).toMatch(/73\.6 mg\/m² as recorded in this record/);
      expectNoDefault('bsaWeightWindowDays', inside, outside, moved);
    },
  },
  coverGapDays: {
    value: '14',
    async prove(app, byDefault) {
      // A doxorubicin order `age` days old, no administration yet: pending within coverGapDays, else unconfirmed.
      const ordered = (id: string, age: number) =>
        metastatic(id, CODES.lpsDediff, (p) => [p.request(`${id}-rq`, ago(age), CODES.rxDoxo)]);
      const inside = await view(app, ordered('thr-gap-14', 14));
      const outside = await view(app, ordered('thr-gap-15', 15));
      const between = ordered('thr-gap-20', 20);
      const moved = await view(app, between);
      expect(allText(inside)).toMatch(/not yet given/);
      expect(allText(outside)).toMatch(/not confirmed as given/);
      expect(allText(moved)).toMatch(/not confirmed as given/);
      expect(allText(await view(byDefault, between))).toMatch(/not yet given/);
      expectNoDefault('coverGapDays', inside, outside, moved);
    },
  },
  labRecencyDays: {
    value: '10',
    async prove(app, byDefault) {
      const bili = (id: string, day: number) =>
        metastatic(id, CODES.lpsDediff, (p) => [p.bilirubin(`${id}-b`, ago(day), 2.5, { high: 1.2 })]);
      const inside = await sign(app, bili('thr-lab-10', 10), [doxoDraft('thr-lab-10')]);
      const outside = await sign(app, bili('thr-lab-11', 11), [doxoDraft('thr-lab-11')]);
      const between = bili('thr-lab-20', 20);
      const moved = await sign(app, between, [doxoDraft('thr-lab-20')]);
      expect(cardOf(inside, 'S-BILIRUBIN-HIGH').summary).toMatch(/^Doxorubicin: bilirubin 2\.5 mg\/dL/);
      expect(topics(outside)).not.toContain('S-BILIRUBIN-HIGH');
      expect(topics(moved)).not.toContain('S-BILIRUBIN-HIGH');
      expect(topics(await sign(byDefault, between, [doxoDraft('thr-lab-20')]))).toContain('S-BILIRUBIN-HIGH');
      expectNoDefault('labRecencyDays', inside, outside, moved);
    },
  },
  fhirMaxPages: {
    value: '1',
    async prove(app, byDefault) {
      // The MedicationAdministration search pages by 100 (src/fhir/prefetch.ts): antiemetic administrations (no §6
      // drug) fill one page exactly, or spill onto a second page, which the configured service does not follow.
      const administrations = (id: string, total: number) =>
        metastatic(id, CODES.lpsDediff, (p) =>
          Array.from({ length: total }, (_, i) => ({
            resourceType: 'MedicationAdministration' as const,
            id: `${id}-a${i}`,
            status: 'completed' as const,
            subject: { reference: `Patient/${p.id}` },
            medicationCodeableConcept: { text: 'ondansetron' },
            effectiveDateTime: ago(300 + i),
          })),
        );
      const inside = await view(app, administrations('thr-pages-100', 100));
      const outside = await view(app, administrations('thr-pages-101', 101));
      expect(allText(inside)).not.toMatch(/treatment history unavailable/);
      expect(cardOf(inside, 'M-1L-DOXO').suggestions).toHaveLength(1);
      expect(allText(outside)).toMatch(/treatment history unavailable/);
      expect(allText(outside)).toMatch(/more than 1 pages?/);
      expect(cardOf(outside, 'M-1L-DOXO').suggestions ?? []).toEqual([]);
      expect(allText(await view(byDefault, administrations('thr-pages-101', 101)))).not.toMatch(
        /treatment history unavailable/,
      );
      // §2 rule 1: a truncated prefetch Bundle (its first page, one entry a page) is followed to fhirMaxPages pages in all.
      const doses = (id: string, n: number) =>
        metastatic(id, CODES.lpsDediff, (p) => doxoAdmins(p, id, every21(200, n)));
      const truncated = async (a: Express, resources: readonly FhirResource[]) => {
        const patientId = await load(resources);
        const first = (await (
          await fetch(`${fhir().url}/MedicationAdministration?patient=${patientId}&_count=1`)
        ).json()) as Bundle;
        const res = await request(a)
          .post('/cds-services/sts-pathway-patient-view')
          .set('content-type', 'application/json')
          .send({
            hook: 'patient-view',
            hookInstance: 'd9d4f5a3-0a6b-4c7e-8d8c-4f4a7a0d3e04',
            fhirServer: fhir().url,
            context: { userId: 'Practitioner/reviewer', patientId },
            prefetch: { medicationAdministrations: first },
          })
          .expect(200);
        return res.body as CdsResponse;
      };
      const onePage = await truncated(app, doses('thr-pages-pf-1', 1));
      const twoPages = await truncated(app, doses('thr-pages-pf-2', 2));
      expect(allText(onePage)).toMatch(/(?<!at least )75 mg\/m² as recorded in this record/);
      expect(allText(twoPages)).toMatch(/at least 75 mg\/m² as recorded in this record/);
      expect(allText(await truncated(byDefault, doses('thr-pages-pf-2', 2)))).toMatch(
        /(?<!at least )150 mg\/m² as recorded in this record/,
      );
      expectNoDefault('fhirMaxPages', inside, outside, onePage, twoPages);
    },
  },
  completedRequestsAreAdministrations: {
    value: 'true',
    async prove(app, byDefault) {
      // A completed doxorubicin order of 75 mg/m² never followed by an administration in this record.
      const completed = (id: string) =>
        metastatic(id, CODES.lpsDediff, (p) => [
          {
            ...p.request(`${id}-rq`, ago(100), CODES.rxDoxo, { status: 'completed' }),
            dosageInstruction: [
              { doseAndRate: [{ doseQuantity: { value: 75, unit: 'mg/m2', system: SYS.ucum, code: 'mg/m2' } }] },
            ],
          },
        ]);
      // The same dose as a completed statement (not an order): never counted as an administration.
      const stated = (id: string) =>
        metastatic(id, CODES.lpsDediff, (p) => [
          {
            ...p.statement(`${id}-st`, ago(100), 'doxorubicin', { end: ago(100) }),
            dosage: [
              { doseAndRate: [{ doseQuantity: { value: 75, unit: 'mg/m2', system: SYS.ucum, code: 'mg/m2' } }] },
            ],
          },
        ]);
      const inside = await view(app, completed('thr-cra-order'));
      const outside = await view(app, stated('thr-cra-statement'));
      expect(allText(inside)).toMatch(/(?<!at least )75 mg\/m² as recorded in this record/);
      expect(allText(outside)).toMatch(/at least 0 mg\/m² as recorded in this record/);
      expect(allText(await view(byDefault, completed('thr-cra-order')))).toMatch(
        /at least 0 mg\/m² as recorded in this record/,
      );
      expectNoDefault('completedRequestsAreAdministrations', inside, outside);
    },
  },
  comboMaxTrialAge: {
    value: '65',
    async prove(app, byDefault) {
      // Doxorubicin + ifosfamide (with mesna) signed at metastatic line 1, at 66 and at 65 (NOW is 2026-06-15).
      const aged = (id: string, birthDate: string) => metastatic(id, CODES.lpsDediff, () => [], { birthDate });
      const combo = (id: string) => [
        doxoDraft(id),
        draft('d-ifo', id, 'ifosfamide', '5657'),
        draft('d-mes', id, 'mesna'),
      ];
      const inside = await sign(app, aged('thr-age-66', '1960-06-01'), combo('thr-age-66'));
      const outside = await sign(app, aged('thr-age-65', '1961-06-01'), combo('thr-age-65'));
      const between = aged('thr-age-62', '1964-06-01');
      const moved = await sign(app, between, combo('thr-age-62'));
      expect(cardOf(inside, 'S-COMBO-AGE').summary).toMatch(/^Doxorubicin \+ ifosfamide at age 66/);
      expect(topics(outside)).not.toContain('S-COMBO-AGE');
      expect(topics(moved)).not.toContain('S-COMBO-AGE');
      expect(topics(await sign(byDefault, between, combo('thr-age-62')))).toContain('S-COMBO-AGE');
      // Localized: the bracketed age sentence of L-NEOADJ-DOXO-IFOS names the configured age.
      const localized = (id: string, birthDate: string) => {
        const p = new McodePatient(id);
        return [
          p.patient(birthDate),
          p.primary({ id: `${id}-dx`, icd10: CODES.thighIcd, extensionMorphology: CODES.synovial, onset: ago(60) }),
          p.mCategory(`${id}-m`, ago(50), CODES.cM0),
          p.grade(`${id}-g`, ago(55), CODES.grade3, `${id}-dx`),
          p.ecogInteger(`${id}-e`, ago(5), 1),
          p.lvef(`${id}-l`, ago(5), 62),
        ];
      };
      const older = await view(app, localized('thr-age-loc-66', '1960-06-01'));
      const younger = await view(app, localized('thr-age-loc-62', '1964-06-01'));
      expect(cardOf(older, 'L-NEOADJ-DOXO-IFOS').detail).toMatch(/Age above 65: the doxorubicin \+ ifosfamide trial/);
      expect(cardOf(younger, 'L-NEOADJ-DOXO-IFOS').detail).not.toMatch(/Age above/);
      expect(
        cardOf(await view(byDefault, localized('thr-age-loc-62', '1964-06-01')), 'L-NEOADJ-DOXO-IFOS').detail,
      ).toMatch(/Age above 60:/);
      expectNoDefault('comboMaxTrialAge', inside, outside, moved, older, younger);
    },
  },
  doxoSingleEventMaxMgM2: {
    value: '80',
    async prove(app, byDefault) {
      const dose = (id: string, mgM2: number) => metastatic(id, CODES.lpsDediff, (p) => doxoAdmins(p, id, [100], mgM2));
      const inside = await view(app, dose('thr-event-81', 81));
      const outside = await view(app, dose('thr-event-80', 80));
      const between = dose('thr-event-85', 85);
      const moved = await view(app, between);
      expect(allText(inside)).toMatch(/check dose/);
      expect(allText(outside)).not.toMatch(/check dose/);
      expect(allText(moved)).toMatch(/check dose/);
      expect(allText(await view(byDefault, between))).not.toMatch(/check dose/);
      expectNoDefault('doxoSingleEventMaxMgM2', inside, outside, moved);
    },
  },
};

describe('PATHWAY.md §9: each threshold set in the environment decides at its new value, and no card states the default', () => {
  test('every §9 threshold has a case here, each with a value other than its default', () => {
    expect(Object.keys(CASES).sort()).toEqual([...THRESHOLD_NAMES].sort());
    for (const name of THRESHOLD_NAMES)
      expect([name, CASES[name].value]).not.toEqual([name, String(DEFAULT_THRESHOLDS[name])]);
  });

  test.each([...THRESHOLD_NAMES])(
    '%s',
    async (name) => {
      const c = CASES[name];
      await c.prove(appSetting(name, c.value), defaultApp());
    },
    120_000,
  );
});
