/**
 * Clinical QA, black-box over HTTP: PATHWAY.md §5 order-select / order-sign classification and safety rules on
 * mCODE-shaped histories (product-coded doxorubicin in mg, MedicationStatements, contained Medications in drafts).
 */
import type { FhirResource, Medication, MedicationRequest } from 'fhir/r4.js';
import type { Card } from '../../src/shared/cds-hooks.js';
import { testApp } from '../helpers/app.js';
import { CODES, McodePatient } from '../fixtures/mcode/resources.js';
import { NOW, ago, cardOf, draft, orders, topics } from '../fixtures/mcode/http.js';

const app = testApp({ PUBLIC_BASE_URL: 'https://cds.example.org' }, () => NOW);

const OVERRIDE_SYSTEM = 'http://sts-pathway-cds.org/fhir/CodeSystem/sts-override-reason';
const OVERRIDE_CODES = [
  'patient-preference',
  'clinical-trial',
  'contraindication',
  'prior-toxicity',
  'tumor-board',
  'data-incorrect',
  'other',
];
const CARDIAC = ['S-DOXO-LVEF', 'S-DOXO-CUMULATIVE', 'S-DOXO-LVEF-UNKNOWN', 'S-DOXO-CUMULATIVE-WARN', 'S-TRAB-LVEF'];

function metastatic(
  id: string,
  morph: [string, string],
  extra: (p: McodePatient) => FhirResource[] = () => [],
  icd10: [string, string] = CODES.thighIcd,
): FhirResource[] {
  const p = new McodePatient(id);
  return [
    p.patient('1962-12-12'),
    p.primary({ id: `${id}-dx`, icd10, extensionMorphology: morph, onset: ago(800) }),
    p.mCategory(`${id}-m`, ago(300), CODES.cM1),
    p.ecogInteger(`${id}-ecog`, ago(5), 1),
    p.lvef(`${id}-lvef`, ago(10), 62),
    ...extra(p),
  ];
}

/** §5: a blocking card offers the on-pathway options, each deleting the triggering draft and creating the option. */
function expectBlocking(card: Card, draftId: string, indicator: 'warning' | 'critical'): void {
  expect(card.indicator).toBe(indicator);
  const cardiac = CARDIAC.includes(card.source.topic?.code ?? '');
  expect(card.overrideReasons?.map((r) => r.code).sort()).toEqual(
    [...OVERRIDE_CODES, ...(cardiac ? ['cardio-oncology-cleared'] : [])].sort(),
  );
  expect(card.overrideReasons?.every((r) => r.system === OVERRIDE_SYSTEM)).toBe(true);
  expect(card.suggestions?.length).toBeGreaterThan(0);
  for (const s of card.suggestions ?? []) {
    // CDS Hooks 2.0: resourceId is one string; creates first, then one delete per draft (issue 16 item 3).
    expect(s.actions?.at(-1)).toMatchObject({ type: 'delete', resourceId: `MedicationRequest/${draftId}` });
    expect(
      s.actions?.slice(0, -1).every((a) => a.type === 'create' && a.resource?.resourceType === 'MedicationRequest'),
    ).toBe(true);
    expect(s).not.toHaveProperty('isRecommended');
  }
  expect(card.selectionBehavior).toBe('at-most-one');
}

describe('order time on pathway', () => {
  test('LMS line 1: doxorubicin + trabectedin drafts share one info card on M-LMS-1L-DOXO-TRAB, no override reasons', async () => {
    const res = metastatic('qa-o-lms', CODES.lms);
    const body = await orders(app, res, [
      draft('d1', 'qa-o-lms', 'doxorubicin', '3639'),
      draft('d2', 'qa-o-lms', 'Yondelis'),
    ]);
    expect(topics(body)).toEqual(['M-LMS-1L-DOXO-TRAB']);
    const card = cardOf(body, 'M-LMS-1L-DOXO-TRAB');
    expect(card.indicator).toBe('info');
    expect(card.summary).toMatch(/^On the STS pathway: LMS first line/);
  });

  test('a draft whose drug is in a contained Medication (medicationReference) is recognized: trabectedin alone is part of the LMS combination', async () => {
    const res = metastatic('qa-o-cont', CODES.lms);
    const medication: Medication = {
      resourceType: 'Medication',
      id: 'm1',
      code: { text: 'trabectedin 1 mg powder for solution' },
    };
    const contained: MedicationRequest = {
      resourceType: 'MedicationRequest',
      id: 'd-cont',
      status: 'draft',
      intent: 'order',
      subject: { reference: 'Patient/qa-o-cont' },
      contained: [medication],
      medicationReference: { reference: '#m1' },
    };
    const body = await orders(app, res, [contained], ['MedicationRequest/d-cont']);
    expect(topics(body)).toEqual(['M-LMS-1L-DOXO-TRAB']);
    expect(cardOf(body, 'M-LMS-1L-DOXO-TRAB').detail).toMatch(/part of/i);
  });

  test('doxorubicin + ifosfamide at line 1 with ECOG 2, age 63: on pathway under M-1L-DOXO plus S-COMBO-ECOG and S-COMBO-AGE (info)', async () => {
    const res = metastatic('qa-o-combo', CODES.synovial, (p) => [p.ecogInteger('qa-o-combo-e2', ago(1), 2)]);
    const body = await orders(app, res, [
      draft('d1', 'qa-o-combo', 'doxorubicin', '3639'),
      draft('d2', 'qa-o-combo', 'ifosfamide', '5657'),
      draft('d3', 'qa-o-combo', 'mesna'),
    ]);
    expect(topics(body).sort()).toEqual(['M-1L-DOXO', 'S-COMBO-AGE', 'S-COMBO-ECOG']);
    expect(cardOf(body, 'S-COMBO-AGE').indicator).toBe('info');
    expect(cardOf(body, 'S-COMBO-AGE').summary).toBe(
      'Doxorubicin + ifosfamide at age 63: the EORTC 62012 trial enrolled ages 18-60',
    );
    expect(cardOf(body, 'M-1L-DOXO').indicator).toBe('info');
    expect(cardOf(body, 'S-COMBO-ECOG').indicator).toBe('warning');
    expect(cardOf(body, 'S-COMBO-ECOG').suggestions ?? []).toEqual([]);
  });

  test('gemcitabine + docetaxel while on doxorubicin: next step ordered early', async () => {
    const res = metastatic('qa-o-early', CODES.synovial, (p) => [p.doxoProductAdmin('qa-o-early-d', ago(14), 130)]);
    const body = await orders(app, res, [
      draft('d1', 'qa-o-early', 'gemcitabine', '12574'),
      draft('d2', 'qa-o-early', 'docetaxel', '72962'),
    ]);
    expect(topics(body)).toEqual(['M-2L-GEM-DOCE']);
    // §5 step 5 names the current regimen ("<current>"), not a generic phrase.
    expect(cardOf(body, 'M-2L-GEM-DOCE').summary).toMatch(
      /^Next step ordered while (First line: doxorubicin|doxorubicin) is ongoing: confirm progression or intolerance/,
    );
  });

  test('eribulin for an LPS at line 2: info card on the later-line node saying gemcitabine + docetaxel come first', async () => {
    const res = metastatic(
      'qa-o-eri',
      CODES.lpsDediff,
      (p) => [p.doxoProductAdmin('qa-o-eri-d', ago(200), 130)],
      CODES.retroIcd,
    );
    const body = await orders(app, res, [draft('d1', 'qa-o-eri', 'Halaven (eribulin mesylate)')]);
    expect(topics(body)).toEqual(['M-3L-ERIBULIN']);
    const card = cardOf(body, 'M-3L-ERIBULIN');
    expect(card.indicator).toBe('info');
    expect(card.detail).toMatch(/gemcitabine \+ docetaxel/);
  });
});

describe('order time: safety rules and off pathway', () => {
  test('olaratumab: S-OLARATUMAB critical with override reasons and the on-pathway options', async () => {
    const res = metastatic('qa-o-ola', CODES.lms);
    const body = await orders(app, res, [draft('d-ola', 'qa-o-ola', 'Lartruvo')]);
    expect(topics(body)).toEqual(['S-OLARATUMAB']);
    expectBlocking(cardOf(body, 'S-OLARATUMAB'), 'd-ola', 'critical');
  });

  test('pazopanib for a dedifferentiated LPS: S-PAZO-ADIPOCYTIC critical', async () => {
    const res = metastatic('qa-o-pazo', CODES.lpsDediff, () => [], CODES.retroIcd);
    const body = await orders(app, res, [draft('d-pazo', 'qa-o-pazo', 'pazopanib', '714438')]);
    expect(topics(body)).toEqual(['S-PAZO-ADIPOCYTIC']);
    expectBlocking(cardOf(body, 'S-PAZO-ADIPOCYTIC'), 'd-pazo', 'critical');
    expect(
      cardOf(body, 'S-PAZO-ADIPOCYTIC')
        .links?.map((l) => l.url)
        .filter((u) => !u.includes('#patient=')),
    ).toEqual(['https://doi.org/10.1016/S0140-6736(12)60651-5']);
  });

  test('trabectedin for UPS: S-TRABECTEDIN-HISTOLOGY warning', async () => {
    const res = metastatic('qa-o-trab', CODES.ups);
    const body = await orders(app, res, [draft('d-trab', 'qa-o-trab', 'trabectedin')]);
    expect(topics(body)).toEqual(['S-TRABECTEDIN-HISTOLOGY']);
    expectBlocking(cardOf(body, 'S-TRABECTEDIN-HISTOLOGY'), 'd-trab', 'warning');
  });

  test('pembrolizumab for metastatic LMS: S-PEMBRO-SETTING warning', async () => {
    const res = metastatic('qa-o-pembro', CODES.lms);
    const body = await orders(app, res, [draft('d-pem', 'qa-o-pembro', 'Keytruda')]);
    expect(topics(body)).toEqual(['S-PEMBRO-SETTING']);
    expectBlocking(cardOf(body, 'S-PEMBRO-SETTING'), 'd-pem', 'warning');
  });

  test('doxorubicin with LVEF 45 %: S-DOXO-LVEF critical naming the LVEF Observation', async () => {
    const res = metastatic('qa-o-lvef', CODES.synovial, (p) => [p.lvef('qa-o-lvef-low', ago(2), 45)]);
    const body = await orders(app, res, [draft('d-dox', 'qa-o-lvef', 'doxorubicin', '3639')]);
    expect(topics(body)).toEqual(['S-DOXO-LVEF']);
    const card = cardOf(body, 'S-DOXO-LVEF');
    expectBlocking(card, 'd-dox', 'critical');
    expect(card.detail).toMatch(/Observation\/qa-o-lvef-low/);
  });

  test('doxorubicin after seven 130 mg product-coded doses (about 515 mg/m2 by Mosteller from [in_i]/[lb_av]): S-DOXO-CUMULATIVE critical', async () => {
    const res = metastatic('qa-o-cum', CODES.synovial, (p) => [
      p.height('qa-o-cum-h', ago(400), 65, '[in_i]'),
      // F7: a weight within 30 days of each dose (the weight of each cycle).
      ...Array.from({ length: 7 }, (_, i) => p.weight(`qa-o-cum-w${i}`, ago(300 - 21 * i), 150, '[lb_av]')),
      ...Array.from({ length: 7 }, (_, i) => p.doxoProductAdmin(`qa-o-cum-d${i}`, ago(300 - 21 * i), 130)),
    ]);
    const body = await orders(app, res, [
      draft('d-dox', 'qa-o-cum', '10 ML doxorubicin hydrochloride 2 MG/ML Injection'),
    ]);
    expect(topics(body)).toEqual(['S-DOXO-CUMULATIVE']);
    expectBlocking(cardOf(body, 'S-DOXO-CUMULATIVE'), 'd-dox', 'critical');
  });

  test('doxorubicin after six such doses (441.6 mg/m2): S-DOXO-CUMULATIVE-WARN beside the classification card', async () => {
    const res = metastatic('qa-o-warn', CODES.synovial, (p) => [
      p.height('qa-o-warn-h', ago(400), 65, '[in_i]'),
      ...Array.from({ length: 6 }, (_, i) => p.weight(`qa-o-warn-w${i}`, ago(300 - 21 * i), 150, '[lb_av]')),
      ...Array.from({ length: 6 }, (_, i) => p.doxoProductAdmin(`qa-o-warn-d${i}`, ago(300 - 21 * i), 130)),
    ]);
    const body = await orders(app, res, [draft('d-dox', 'qa-o-warn', 'doxorubicin', '3639')]);
    expect(topics(body)).toContain('S-DOXO-CUMULATIVE-WARN');
    const warn = cardOf(body, 'S-DOXO-CUMULATIVE-WARN');
    expect(warn.indicator).toBe('warning');
    expect(warn.detail).toMatch(/44[12](\.\d+)? mg\/m(2|²)/);
    // Line 2 (anthracycline-pretreated): doxorubicin is not a node of the position, so it is judged as well.
    expect(topics(body).filter((t) => t !== 'S-DOXO-CUMULATIVE-WARN')).toHaveLength(1);
  });

  test('doxorubicin when the only prior doxorubicin is a MedicationStatement: total unknown, S-DOXO-CUMULATIVE-WARN', async () => {
    const res = metastatic('qa-o-unk', CODES.synovial, (p) => [
      p.statement('qa-o-unk-s', ago(20), 'doxorubicin', { status: 'active' }),
    ]);
    const body = await orders(app, res, [draft('d-dox', 'qa-o-unk', 'doxorubicin', '3639')]);
    const warn = cardOf(body, 'S-DOXO-CUMULATIVE-WARN');
    expect(warn.summary).toBe(
      'Cumulative anthracycline dose incomplete (at least 0 mg/m² as recorded): verify before ordering',
    );
  });

  test('imatinib for LMS: OFF-PATHWAY warning offering the line 1 options', async () => {
    const res = metastatic('qa-o-off', CODES.lms);
    const body = await orders(app, res, [draft('d-ima', 'qa-o-off', 'imatinib', '282388')]);
    expect(topics(body)).toEqual(['OFF-PATHWAY']);
    const card = cardOf(body, 'OFF-PATHWAY');
    expectBlocking(card, 'd-ima', 'warning');
    const groups = (card.suggestions ?? []).map(
      (s) => (s.actions?.[0]?.resource as MedicationRequest | undefined)?.groupIdentifier?.value?.split('/')[0],
    );
    expect(groups.sort()).toEqual(['M-1L-DOXO', 'M-LMS-1L-DOXO-TRAB']);
  });

  test('liposomal doxorubicin (Doxil) at LMS line 1 is off pathway', async () => {
    const res = metastatic('qa-o-doxil', CODES.lms);
    const body = await orders(app, res, [draft('d-doxil', 'qa-o-doxil', 'Doxil (doxorubicin HCl liposome) 2 mg/mL')]);
    expect(topics(body)).toEqual(['OFF-PATHWAY']);
  });

  test('gemcitabine + docetaxel again at line 3 after gemcitabine + docetaxel: S-REPEAT info', async () => {
    const res = metastatic('qa-o-rep', CODES.lms, (p) => [
      p.doxoProductAdmin('qa-o-rep-d', ago(400), 130),
      p.admin('qa-o-rep-g', ago(200), CODES.rxGem),
      p.admin('qa-o-rep-t', ago(200), CODES.rxDoce),
    ]);
    const body = await orders(app, res, [
      draft('d1', 'qa-o-rep', 'gemcitabine', '12574'),
      draft('d2', 'qa-o-rep', 'docetaxel', '72962'),
    ]);
    expect(topics(body)).toContain('S-REPEAT');
    expect(cardOf(body, 'S-REPEAT').indicator).toBe('info');
    expect(cardOf(body, 'S-REPEAT').overrideReasons ?? []).toEqual([]);
  });

  test('a draft whose id equals an active request of the history is not an exposure of itself', async () => {
    const p = new McodePatient('qa-o-self');
    const res = [...metastatic('qa-o-self', CODES.lms), p.request('d-self', ago(0), CODES.rxDoxo)];
    const body = await orders(app, res, [draft('d-self', 'qa-o-self', 'doxorubicin', '3639')]);
    expect(topics(body)).toEqual(['M-1L-DOXO']);
  });
});

describe('order time without a pathway position', () => {
  test('missing histology: gemcitabine gives POSITION-UNKNOWN, never OFF-PATHWAY; olaratumab is still blocked', async () => {
    const p = new McodePatient('qa-o-nohist');
    const res = [
      p.patient('1960-01-01'),
      p.primary({ id: 'qa-o-nohist-dx', icd10: CODES.thighIcd, onset: ago(100) }),
      p.mCategory('qa-o-nohist-m', ago(50), CODES.cM1),
    ];
    const gem = await orders(
      app,
      res,
      [draft('d-gem', 'qa-o-nohist', 'gemcitabine', '12574')],
      ['MedicationRequest/d-gem'],
    );
    expect(topics(gem)).toEqual(['POSITION-UNKNOWN']);
    expect(cardOf(gem, 'POSITION-UNKNOWN').summary).toMatch(
      /^Pathway position: Histology needed to place the patient on the pathway; no on-pathway regimen to compare/,
    );
    const ola = await orders(app, res, [draft('d-ola', 'qa-o-nohist', 'olaratumab')]);
    expect(topics(ola)).toEqual(['S-OLARATUMAB']);
  });

  test('GIST with imatinib: no card (the generic pathway does not judge specialty histologies)', async () => {
    const p = new McodePatient('qa-o-gist');
    const res = [
      p.patient('1960-01-01'),
      p.primary({
        id: 'qa-o-gist-dx',
        icd10: ['C49.A2', 'Gastrointestinal stromal tumor of stomach'],
        onset: ago(100),
      }),
      p.mCategory('qa-o-gist-m', ago(50), CODES.cM1),
    ];
    expect((await orders(app, res, [draft('d-ima', 'qa-o-gist', 'imatinib', '282388')])).cards).toEqual([]);
  });

  test('no STS Condition: no card even for olaratumab', async () => {
    const p = new McodePatient('qa-o-none');
    const res = [p.patient('1960-01-01'), p.primary({ id: 'qa-o-none-bc', icd10: CODES.breastIcd, onset: ago(100) })];
    expect((await orders(app, res, [draft('d-ola', 'qa-o-none', 'olaratumab')])).cards).toEqual([]);
  });
});
