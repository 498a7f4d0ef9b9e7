/**
 * PATHWAY.md F7 item 8 and §5 `S-DOXO-CUMULATIVE-WARN` at order time, black-box over HTTP: the drafted dose is never
 * added to N; the card says where the order would bring the total ("after this order: [at least] N + d mg/m²", or
 * "dose of this order not convertible (<why>)"), and each of the four summary variants is reached (first that applies)
 * and just missed. Doses in the draft's `doseAndRate` (quantity or range), in mg/m² or in mg over the BSA of now (height
 * and weight), administrations' `dosage.dose`; doxorubicin and epirubicin drafts (R2-1: every anthracycline draft).
 */
import type { Dosage, FhirResource, MedicationRequest } from 'fhir/r4.js';
import type { CdsResponse } from '../../src/shared/cds-hooks.js';
import { RULE_DETAILS } from '../../src/pathway/index.js';
import { testApp } from '../helpers/app.js';
import { CODES, McodePatient } from '../fixtures/mcode/resources.js';
import { NOW, ago, cardOf, draft, fact, orders, topics } from '../fixtures/mcode/http.js';

const app = testApp({ PUBLIC_BASE_URL: 'https://cds.example.org' }, () => NOW);

type DoseAndRate = NonNullable<Dosage['doseAndRate']>[number];

const mgM2 = (value: number): DoseAndRate => ({
  doseQuantity: { value, unit: 'mg/m2', system: 'http://unitsofmeasure.org', code: 'mg/m2' },
});
const mgOnly = (value: number): DoseAndRate => ({
  doseQuantity: { value, unit: 'mg', system: 'http://unitsofmeasure.org', code: 'mg' },
});

/** A drafted anthracycline with its dose in `dosageInstruction[0].doseAndRate[0]` (or none). */
function dosed(
  id: string,
  patientId: string,
  drug: 'doxorubicin' | 'epirubicin',
  dose?: DoseAndRate,
): MedicationRequest {
  // Epirubicin by name only: PATHWAY.md §6 lists no RxNorm code for it.
  const [rx, name] = drug === 'doxorubicin' ? CODES.rxDoxo : [undefined, 'epirubicin'];
  return draft(
    id,
    patientId,
    name,
    rx,
    dose ? { dosageInstruction: [{ text: 'IV day 1 every 21 days', doseAndRate: [dose] }] } : {},
  );
}

/**
 * A metastatic synovial sarcoma at line 1 with doxorubicin administrations of the given mg/m² (`dosage.dose`), every
 * 21 days up to 36 days ago, and a recent LVEF (62 %, after the last dose), plus `extra`.
 */
function patient(
  id: string,
  doses: readonly number[],
  extra: (p: McodePatient) => FhirResource[] = () => [],
): FhirResource[] {
  const p = new McodePatient(id);
  const first = 36 + 21 * (doses.length - 1);
  return [
    p.patient('1970-03-03'),
    p.primary({ id: `${id}-dx`, icd10: CODES.thighIcd, extensionMorphology: CODES.synovial, onset: ago(400) }),
    p.mCategory(`${id}-m`, ago(300), CODES.cM1),
    p.ecogInteger(`${id}-ecog`, ago(5), 1),
    p.lvef(`${id}-lvef`, ago(10), 62),
    ...doses.map((d, i) => p.admin(`${id}-a${i}`, ago(first - 21 * i), CODES.rxDoxo, { doseMgM2: d })),
    ...extra(p),
  ];
}

/** N = 400 (5 x 80 mg/m²), N = 375 and N = 374, N = 300 and N = 299, N = 100. */
const N400 = [80, 80, 80, 80, 80];
const N375 = [75, 75, 75, 75, 75];
const N374 = [75, 75, 75, 75, 74];
const N300 = [75, 75, 75, 75];
const N299 = [75, 75, 75, 74];

/** An old doxorubicin order never followed by an administration (F7 item 2d: unconfirmed), with a dose or not. */
const unconfirmedOrder = (p: McodePatient, id: string, dose?: number): MedicationRequest => ({
  ...p.request(id, ago(500), CODES.rxDoxo, { status: 'completed' }),
  ...(dose !== undefined ? { dosageInstruction: [{ doseAndRate: [mgM2(dose)] }] } : {}),
});

const WARN = 'S-DOXO-CUMULATIVE-WARN';
const warnSummary = (body: CdsResponse): string => cardOf(body, WARN).summary;

describe('S-DOXO-CUMULATIVE-WARN variant (2): N plus the drafted dose reaches the critical value', () => {
  test('N = 400 with a 75 mg/m² doxorubicin draft (doseQuantity): "This dose would bring ... to 475 mg/m²"', async () => {
    const body = await orders(app, patient('cw-400', N400), [dosed('d1', 'cw-400', 'doxorubicin', mgM2(75))]);
    expect(warnSummary(body)).toBe('This dose would bring cumulative doxorubicin to 475 mg/m² (limit 450 mg/m²)');
    const card = cardOf(body, WARN);
    expect(card.indicator).toBe('warning');
    expect(card.overrideReasons?.map((r) => r.code)).toContain('cardio-oncology-cleared');
    expect(card.detail).toContain(RULE_DETAILS['S-DOXO-CUMULATIVE-WARN']);
    expect(card.detail).not.toContain(RULE_DETAILS.otherAnthracyclines);
    // F7 item 8: N itself is unchanged; the fact says where this order would bring it.
    expect(fact(card, 'Cumulative doxorubicin')).toMatch(
      /^400 mg\/m² as recorded in this record \(5 administrations, .*\); after this order: 475 mg\/m²$/,
    );
    expect(topics(body)).not.toContain('S-DOXO-CUMULATIVE');
  });

  test('N = 375 with a 75 mg/m² draft reaches 450 exactly: variant (2)', async () => {
    const body = await orders(app, patient('cw-375', N375), [dosed('d1', 'cw-375', 'doxorubicin', mgM2(75))]);
    expect(warnSummary(body)).toBe('This dose would bring cumulative doxorubicin to 450 mg/m² (limit 450 mg/m²)');
  });

  test('just missed: N = 374 with a 75 mg/m² draft (449): variant (4), N at or above the warning threshold', async () => {
    const body = await orders(app, patient('cw-374', N374), [dosed('d1', 'cw-374', 'doxorubicin', mgM2(75))]);
    expect(warnSummary(body)).toBe('Cumulative doxorubicin 374 mg/m² (≥ 300): reassess LVEF before this dose');
    expect(fact(cardOf(body, WARN), 'Cumulative doxorubicin')).toMatch(/; after this order: 449 mg\/m²$/);
  });

  test('a doseRange counts its high value (60-75 mg/m²): N = 375 reaches 450', async () => {
    const range: DoseAndRate = {
      doseRange: {
        low: { value: 60, unit: 'mg/m2', system: 'http://unitsofmeasure.org', code: 'mg/m2' },
        high: { value: 75, unit: 'mg/m2', system: 'http://unitsofmeasure.org', code: 'mg/m2' },
      },
    };
    const body = await orders(app, patient('cw-range', N375), [dosed('d1', 'cw-range', 'doxorubicin', range)]);
    expect(warnSummary(body)).toBe('This dose would bring cumulative doxorubicin to 450 mg/m² (limit 450 mg/m²)');
  });

  test('a dose in mg over the BSA of now (180 cm, 80 kg: 2 m²): 150 mg is 75 mg/m², so N = 375 reaches 450', async () => {
    const res = patient('cw-mg', N375, (p) => [
      p.height('cw-mg-h', ago(200), 180, 'cm'),
      p.weight('cw-mg-w', ago(3), 80, 'kg'),
    ]);
    const body = await orders(app, res, [dosed('d1', 'cw-mg', 'doxorubicin', mgOnly(150))]);
    expect(warnSummary(body)).toBe('This dose would bring cumulative doxorubicin to 450 mg/m² (limit 450 mg/m²)');
    expect(fact(cardOf(body, WARN), 'Cumulative doxorubicin')).toMatch(/; after this order: 450 mg\/m²$/);
  });

  test('the same in [lb_av]/[in_i] (70.87 in, 176.37 lb: 2 m²) and 148 mg: 74 mg/m², so N = 375 reaches 449 no more: variant (4)', async () => {
    const res = patient('cw-lb', N375, (p) => [
      p.height('cw-lb-h', ago(200), 70.866, '[in_i]'),
      p.weight('cw-lb-w', ago(3), 176.37, '[lb_av]'),
    ]);
    const body = await orders(app, res, [dosed('d1', 'cw-lb', 'doxorubicin', mgOnly(148))]);
    expect(warnSummary(body)).toBe('Cumulative doxorubicin 375 mg/m² (≥ 300): reassess LVEF before this dose');
    expect(fact(cardOf(body, WARN), 'Cumulative doxorubicin')).toMatch(/; after this order: 449 mg\/m²$/);
  });

  test('just missed: a dose in mg with no weight within the BSA window is not convertible (no BSA): variant (4)', async () => {
    const res = patient('cw-nobsa', N400, (p) => [
      p.height('cw-nobsa-h', ago(200), 180, 'cm'),
      p.weight('cw-nobsa-w', ago(60), 80, 'kg'),
    ]);
    const body = await orders(app, res, [dosed('d1', 'cw-nobsa', 'doxorubicin', mgOnly(150))]);
    expect(warnSummary(body)).toBe('Cumulative doxorubicin 400 mg/m² (≥ 300): reassess LVEF before this dose');
    expect(fact(cardOf(body, WARN), 'Cumulative doxorubicin')).toMatch(
      /; dose of this order not convertible \(no BSA\)$/,
    );
  });

  test('just missed: a draft with no dose, or a dose in mL, is "not convertible" and adds nothing', async () => {
    const none = await orders(app, patient('cw-none', N400), [dosed('d1', 'cw-none', 'doxorubicin')]);
    expect(warnSummary(none)).toBe('Cumulative doxorubicin 400 mg/m² (≥ 300): reassess LVEF before this dose');
    expect(fact(cardOf(none, WARN), 'Cumulative doxorubicin')).toMatch(
      /; dose of this order not convertible \(no dose\)$/,
    );
    const ml: DoseAndRate = {
      doseQuantity: { value: 37.5, unit: 'mL', system: 'http://unitsofmeasure.org', code: 'mL' },
    };
    const inMl = await orders(app, patient('cw-ml', N400), [dosed('d1', 'cw-ml', 'doxorubicin', ml)]);
    expect(fact(cardOf(inMl, WARN), 'Cumulative doxorubicin')).toMatch(
      /; dose of this order not convertible \(unit mL not convertible\)$/,
    );
  });

  test('a malformed dose (a string value) is "not convertible", never a 400 that would hide the safety cards', async () => {
    const bad = { doseQuantity: { value: '75', unit: 'mg/m2' } } as unknown as DoseAndRate;
    const body = await orders(app, patient('cw-bad', N400), [dosed('d1', 'cw-bad', 'doxorubicin', bad)]);
    expect(fact(cardOf(body, WARN), 'Cumulative doxorubicin')).toMatch(
      /; dose of this order not convertible \(no dose\)$/,
    );
  });

  test('two doxorubicin drafts of 37.5 mg/m² (a split dose) count together: N = 375 reaches 450, "after these orders"', async () => {
    const body = await orders(app, patient('cw-split', N375), [
      dosed('d1', 'cw-split', 'doxorubicin', mgM2(37.5)),
      dosed('d2', 'cw-split', 'doxorubicin', mgM2(37.5)),
    ]);
    expect(warnSummary(body)).toBe('This dose would bring cumulative doxorubicin to 450 mg/m² (limit 450 mg/m²)');
    expect(fact(cardOf(body, WARN), 'Cumulative doxorubicin')).toMatch(/; after these orders: 450 mg\/m²$/);
  });

  test('order-select: the selected doxorubicin draft gets the same variant (2) card', async () => {
    const body = await orders(
      app,
      patient('cw-sel', N400),
      [dosed('d1', 'cw-sel', 'doxorubicin', mgM2(75))],
      ['MedicationRequest/d1'],
    );
    expect(warnSummary(body)).toBe('This dose would bring cumulative doxorubicin to 475 mg/m² (limit 450 mg/m²)');
  });
});

describe('variant (2) on the history shapes EHRs send', () => {
  test('one order (doseAndRate 75 mg/m²) and five linked administrations without a dose (ordered dose): N = 375, a 75 mg/m² draft reaches 450', async () => {
    const res = patient('cw-course', [], (p) => {
      const order: MedicationRequest = {
        ...p.request('cw-course-rx', ago(130), CODES.rxDoxo, { status: 'completed' }),
        dosageInstruction: [
          { timing: { repeat: { boundsPeriod: { start: ago(130), end: ago(40) } } }, doseAndRate: [mgM2(75)] },
        ],
      };
      const admins = Array.from({ length: 5 }, (_, i) => ({
        ...p.admin(`cw-course-a${i}`, ago(120 - 21 * i), CODES.rxDoxo),
        request: { reference: 'MedicationRequest/cw-course-rx' },
      }));
      return [order, ...admins];
    });
    const body = await orders(app, res, [dosed('d1', 'cw-course', 'doxorubicin', mgM2(75))]);
    expect(warnSummary(body)).toBe('This dose would bring cumulative doxorubicin to 450 mg/m² (limit 450 mg/m²)');
    expect(fact(cardOf(body, WARN), 'Cumulative doxorubicin')).toMatch(
      /^375 mg\/m² as recorded in this record \(5 administrations.*\(ordered dose\).*; after this order: 450 mg\/m²$/,
    );
  });

  test('administrations in mg (150 mg, 2 m² from 180 cm and a weight at each dose): N = 375, a 150 mg draft (BSA of now) reaches 450', async () => {
    const res = patient('cw-hmg', [], (p) => [
      p.height('cw-hmg-h', ago(400), 180, 'cm'),
      p.weight('cw-hmg-wnow', ago(2), 80, 'kg'),
      ...Array.from({ length: 5 }, (_, i) => p.weight(`cw-hmg-w${i}`, ago(121 - 21 * i), 80, 'kg')),
      ...Array.from({ length: 5 }, (_, i) => p.doxoProductAdmin(`cw-hmg-a${i}`, ago(120 - 21 * i), 150)),
    ]);
    const body = await orders(app, res, [dosed('d1', 'cw-hmg', 'doxorubicin', mgOnly(150))]);
    expect(warnSummary(body)).toBe('This dose would bring cumulative doxorubicin to 450 mg/m² (limit 450 mg/m²)');
  });
});

describe('S-DOXO-CUMULATIVE-WARN variant (1): P, if the unconfirmed orders were given, reaches the critical value', () => {
  test('N = 400 and an unconfirmed 75 mg/m² order (P = 475): "may have reached 450 ... (at least 475 ...)", before variant (2)', async () => {
    const res = patient('cw-p', N400, (p) => [unconfirmedOrder(p, 'cw-p-old', 75)]);
    const body = await orders(app, res, [dosed('d1', 'cw-p', 'doxorubicin', mgM2(75))]);
    expect(warnSummary(body)).toBe(
      'Cumulative doxorubicin may have reached 450 mg/m² (at least 475 if the unconfirmed orders were given): verify before ordering',
    );
    // The total is "at least": so is the total after this order.
    expect(fact(cardOf(body, WARN), 'Cumulative doxorubicin')).toMatch(
      /^at least 400 mg\/m².*; after this order: at least 475 mg\/m²$/,
    );
  });

  test('just missed: an unconfirmed 40 mg/m² order (P = 440) and a draft with no dose: variant (3), the total is "at least"', async () => {
    const res = patient('cw-p440', N400, (p) => [unconfirmedOrder(p, 'cw-p440-old', 40)]);
    const body = await orders(app, res, [dosed('d1', 'cw-p440', 'doxorubicin')]);
    expect(warnSummary(body)).toBe(
      'Cumulative anthracycline dose incomplete (at least 400 mg/m² as recorded): verify before ordering',
    );
  });
});

describe('S-DOXO-CUMULATIVE-WARN variants (3) and (4), and no card', () => {
  test('(3): N = 100 with an unconfirmed order: "Cumulative anthracycline dose incomplete (at least 100 ...)"', async () => {
    const res = patient('cw-inc', [100], (p) => [unconfirmedOrder(p, 'cw-inc-old')]);
    const body = await orders(app, res, [dosed('d1', 'cw-inc', 'doxorubicin', mgM2(75))]);
    expect(warnSummary(body)).toBe(
      'Cumulative anthracycline dose incomplete (at least 100 mg/m² as recorded): verify before ordering',
    );
    expect(fact(cardOf(body, WARN), 'Cumulative doxorubicin')).toMatch(/; after this order: at least 175 mg\/m²$/);
  });

  test('(4): N = 300 (known) with a 75 mg/m² draft (375): "Cumulative doxorubicin 300 mg/m² (≥ 300)"', async () => {
    const body = await orders(app, patient('cw-300', N300), [dosed('d1', 'cw-300', 'doxorubicin', mgM2(75))]);
    expect(warnSummary(body)).toBe('Cumulative doxorubicin 300 mg/m² (≥ 300): reassess LVEF before this dose');
  });

  test('just missed: N = 299 (known) with a 75 mg/m² draft: no S-DOXO-CUMULATIVE-WARN; the classification card says 374 after this order', async () => {
    const body = await orders(app, patient('cw-299', N299), [dosed('d1', 'cw-299', 'doxorubicin', mgM2(75))]);
    expect(topics(body)).not.toContain(WARN);
    expect(body.cards).toHaveLength(1);
    expect(fact(body.cards[0]!, 'Cumulative doxorubicin')).toMatch(
      /^299 mg\/m² as recorded .*; after this order: 374 mg\/m²$/,
    );
  });

  test('N = 450: S-DOXO-CUMULATIVE blocks, and S-DOXO-CUMULATIVE-WARN is not output', async () => {
    const body = await orders(app, patient('cw-450', [75, 75, 75, 75, 75, 75]), [
      dosed('d1', 'cw-450', 'doxorubicin', mgM2(75)),
    ]);
    expect(topics(body)).toContain('S-DOXO-CUMULATIVE');
    expect(topics(body)).not.toContain(WARN);
    expect(fact(cardOf(body, 'S-DOXO-CUMULATIVE'), 'Cumulative doxorubicin')).toMatch(
      /; after this order: 525 mg\/m²$/,
    );
  });
});

describe('an epirubicin draft gets the cardiac rules too (R2-1), its dose added as its own mg/m²', () => {
  test('N = 400 with a 75 mg/m² epirubicin draft: variant (2), the F7 sentence on other anthracyclines', async () => {
    const body = await orders(app, patient('ce-400', N400), [dosed('e1', 'ce-400', 'epirubicin', mgM2(75))]);
    expect(warnSummary(body)).toBe('This dose would bring cumulative doxorubicin to 475 mg/m² (limit 450 mg/m²)');
    const card = cardOf(body, WARN);
    expect(card.detail).toContain(RULE_DETAILS.otherAnthracyclines);
    expect(fact(card, 'Cumulative doxorubicin')).toMatch(
      /; after this order: 475 mg\/m²; this order's epirubicin added as its own mg\/m² \(no conversion factor is applied here; the conversion is a clinician's decision\)$/,
    );
  });

  test('just missed: N = 374 with a 75 mg/m² epirubicin draft (449): variant (4)', async () => {
    const body = await orders(app, patient('ce-374', N374), [dosed('e1', 'ce-374', 'epirubicin', mgM2(75))]);
    expect(warnSummary(body)).toBe('Cumulative doxorubicin 374 mg/m² (≥ 300): reassess LVEF before this dose');
  });

  test('N = 100 with an epirubicin draft of no dose: no S-DOXO-CUMULATIVE-WARN; "dose of this order not convertible (no dose)"', async () => {
    const body = await orders(app, patient('ce-100', [100]), [dosed('e1', 'ce-100', 'epirubicin')]);
    expect(topics(body)).not.toContain(WARN);
    const withFact = body.cards.find((c) => fact(c, 'Cumulative doxorubicin') !== undefined);
    expect(withFact && fact(withFact, 'Cumulative doxorubicin')).toMatch(
      /; dose of this order not convertible \(no dose\)$/,
    );
  });

  test('epirubicin received before: the total is "at least" (variant (3)) and the card carries the F7 sentence', async () => {
    const res = patient('ce-prior', [100], (p) => [
      {
        ...p.admin('ce-prior-e', ago(400), CODES.rxDoxo, { doseMgM2: 90 }),
        medicationCodeableConcept: { text: 'epirubicin' },
      },
    ]);
    const body = await orders(app, res, [dosed('d1', 'ce-prior', 'doxorubicin', mgM2(75))]);
    expect(warnSummary(body)).toBe(
      'Cumulative anthracycline dose incomplete (at least 100 mg/m² as recorded): verify before ordering',
    );
    expect(cardOf(body, WARN).detail).toContain(RULE_DETAILS.otherAnthracyclines);
  });
});

describe('the critical value is the configured one (§9 cumulativeDoxoCriticalMgM2)', () => {
  const app400 = testApp(
    { PUBLIC_BASE_URL: 'https://cds.example.org', CUMULATIVE_DOXO_CRITICAL_MG_M2: '400' },
    () => NOW,
  );

  test('critical 400: N = 325 with a 75 mg/m² draft reaches it (variant (2) names 400); N = 324 just misses it', async () => {
    const reached = await orders(app400, patient('cc-325', [75, 75, 75, 100]), [
      dosed('d1', 'cc-325', 'doxorubicin', mgM2(75)),
    ]);
    expect(warnSummary(reached)).toBe('This dose would bring cumulative doxorubicin to 400 mg/m² (limit 400 mg/m²)');
    const missed = await orders(app400, patient('cc-324', [75, 75, 75, 99]), [
      dosed('d1', 'cc-324', 'doxorubicin', mgM2(75)),
    ]);
    expect(warnSummary(missed)).toBe('Cumulative doxorubicin 324 mg/m² (≥ 300): reassess LVEF before this dose');
  });
});
