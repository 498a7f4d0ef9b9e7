/**
 * StsTreatment (PATHWAY.md F5-F7, §9) through the compiled ELM and the engine the service uses, at the boundaries.
 */
import type { FhirResource, Medication, MedicationRequest } from 'fhir/r4.js';
import { DEFAULT_THRESHOLDS } from '../../../src/config.js';
import { createCqlEngine, type CqlEngine } from '../../../src/cql/engine.js';
import { thresholdParameters } from '../../../src/cql/parameters.js';
import {
  evaluateTreatment,
  toTreatmentFacts,
  TREATMENT_LIBRARY,
  type TreatmentFacts,
  type TreatmentOptions,
} from '../../helpers/treatment-facts.js';
import { type DRUGS, SYSTEMS } from '../../../src/pathway/index.js';
import {
  bundleOf,
  medicationAdministration as admin,
  medicationConcept,
  medicationRequest as request,
  medicationStatement as statement,
  observation,
  patient,
} from '../../fixtures/builders.js';

const NOW = new Date('2026-03-01T12:00:00Z');
const ago = (days: number): string => new Date(NOW.getTime() - days * 86_400_000).toISOString().slice(0, 10);

let engine: CqlEngine;
beforeAll(() => {
  engine = createCqlEngine();
});

const facts = (resources: readonly FhirResource[], opts: Partial<TreatmentOptions> = {}): Promise<TreatmentFacts> =>
  evaluateTreatment(engine, bundleOf([patient(), ...resources], 'collection'), { now: NOW, ...opts });

/** Six 3-weekly doxorubicin + trabectedin cycles, the last `lastDaysAgo` days ago. */
const combination = (lastDaysAgo: number, cycles = 6): FhirResource[] =>
  Array.from({ length: cycles }, (_, i) => lastDaysAgo + 21 * (cycles - 1 - i)).flatMap((d) => [
    admin({ drug: 'doxorubicin', date: ago(d), doseMgM2: 60 }),
    admin({ drug: 'trabectedin', date: ago(d) }),
  ]);

describe('F5 exposures and current regimen', () => {
  test('an active request authored 42 days ago is current; 43 days ago it counts as completed and prior', async () => {
    const current = await facts([request({ drug: 'gemcitabine', authoredOn: ago(42) })]);
    expect(current.currentRegimen).toMatchObject({ drugs: ['gemcitabine'], start: ago(42) });
    expect(current.exposures[0]).toMatchObject({ status: 'active', ongoing: true, kind: 'MedicationRequest' });

    const old = await facts([request({ drug: 'gemcitabine', authoredOn: ago(43) })]);
    expect(old.currentRegimen).toBeNull();
    expect(old.priorExposures).toEqual([
      expect.objectContaining({ drug: 'gemcitabine', status: 'completed', ongoing: false }),
    ]);
  });

  test('a run continues over a 42-day gap and restarts after a 43-day gap', async () => {
    const chained = await facts([
      admin({ drug: 'doxorubicin', date: ago(80) }),
      admin({ drug: 'doxorubicin', date: ago(38) }),
    ]);
    expect(chained.currentRegimen?.start).toBe(ago(80));
    expect(chained.priorExposures).toEqual([]);
    expect(chained.line.value).toBe(1);

    const broken = await facts([
      admin({ drug: 'doxorubicin', date: ago(81) }),
      admin({ drug: 'doxorubicin', date: ago(38) }),
    ]);
    expect(broken.currentRegimen?.start).toBe(ago(38));
    expect(broken.priorExposures.map((e) => e.date)).toEqual([ago(81)]);
    expect(broken.line.value).toBe(2);
  });

  test('the regimen start is the earliest run start, and lastDates name each drug', async () => {
    const f = await facts([
      admin({ drug: 'doxorubicin', date: ago(200) }),
      admin({ drug: 'gemcitabine', date: ago(30) }),
      admin({ drug: 'docetaxel', date: ago(23) }),
      admin({ drug: 'gemcitabine', date: ago(9) }),
    ]);
    expect(f.currentRegimen).toMatchObject({
      drugs: ['docetaxel', 'gemcitabine'],
      start: ago(30),
      lastDates: { gemcitabine: ago(9), docetaxel: ago(23) },
    });
    expect(f.line.value).toBe(2);
  });

  test('the current-regimen window is a parameter', async () => {
    const f = await facts([admin({ drug: 'doxorubicin', date: ago(30) })], {
      thresholds: { ...DEFAULT_THRESHOLDS, currentRegimenWindowDays: 21 },
    });
    expect(f.currentRegimen).toBeNull();
  });

  test('entered-in-error, cancelled, stopped requests, non-order intents and draft order ids are ignored', async () => {
    const f = await facts(
      [
        admin({ drug: 'doxorubicin', date: ago(100), status: 'entered-in-error' }),
        admin({ drug: 'doxorubicin', date: ago(100), status: 'not-done' }),
        request({ drug: 'doxorubicin', authoredOn: ago(100), status: 'cancelled' }),
        request({ drug: 'doxorubicin', authoredOn: ago(100), status: 'stopped' }),
        request({ drug: 'doxorubicin', authoredOn: ago(100), status: 'completed', intent: 'plan' }),
        request({ id: 'draft-1', drug: 'trabectedin', authoredOn: ago(0), status: 'active' }),
      ],
      { draftOrderIds: ['draft-1'] },
    );
    expect(f.exposures).toEqual([]);
    expect(f.line.value).toBe(1);
  });

  test('supportive drugs are never exposures', async () => {
    const f = await facts([admin({ drug: 'mesna', date: ago(5) }), admin({ drug: 'dexrazoxane', date: ago(5) })]);
    expect(f.exposures).toEqual([]);
  });

  test('text-only medications match by whole word, brand names included; liposomal brands are flagged', async () => {
    const f = await facts([
      admin({ drug: { text: 'GEMZAR 1000 mg in NS' }, date: ago(200) }),
      statement({ drug: { text: 'Doxil (pegylated liposomal doxorubicin)' }, date: ago(300) }),
      admin({ drug: { text: 'pseudogemcitabine' }, date: ago(200) }),
    ]);
    expect(f.exposures.map((e) => [e.drug, e.liposomal])).toEqual([
      ['doxorubicin', true],
      ['gemcitabine', false],
    ]);
  });

  test('a product code whose display names the ingredient matches', async () => {
    const product = {
      system: SYSTEMS.rxnorm,
      code: '1790099',
      display: '10 ML doxorubicin hydrochloride 2 MG/ML Injection',
    };
    const f = await facts([admin({ drug: { product }, date: ago(60) })]);
    expect(f.exposures).toEqual([expect.objectContaining({ drug: 'doxorubicin', liposomal: false })]);
  });

  test('contained and referenced Medications are read', async () => {
    const pazopanib: Medication = { resourceType: 'Medication', id: 'm1', code: medicationConcept('pazopanib') };
    const contained: MedicationRequest = {
      resourceType: 'MedicationRequest',
      id: 'with-contained',
      status: 'completed',
      intent: 'order',
      subject: { reference: 'Patient/test-patient' },
      authoredOn: ago(120),
      contained: [pazopanib],
      medicationReference: { reference: '#m1' },
    };
    const referenced: MedicationRequest = {
      ...contained,
      id: 'with-reference',
      contained: [],
      medicationReference: { reference: 'Medication/med-eribulin' },
    };
    const f = await facts([
      contained,
      referenced,
      { resourceType: 'Medication', id: 'med-eribulin', code: medicationConcept('eribulin') },
    ]);
    expect(f.exposures.map((e) => [e.drug, e.source])).toEqual([
      ['pazopanib', 'MedicationRequest/with-contained'],
      ['eribulin', 'MedicationRequest/with-reference'],
    ]);
    expect(f.exposures.map((e) => e.source)).toEqual([
      'MedicationRequest/with-contained',
      'MedicationRequest/with-reference',
    ]);
  });

  test('administrations coded only by an unknown RxNorm code without display are counted as not recognized', async () => {
    const bare = { system: SYSTEMS.rxnorm, code: '0000001' };
    const named = { system: SYSTEMS.rxnorm, code: '0000002', display: 'ondansetron 8 MG' };
    const f = await facts([
      admin({ id: 'bare', drug: { product: bare }, date: ago(10) }),
      admin({ drug: { product: named }, date: ago(10) }),
    ]);
    expect(f.unrecognizedCount).toBe(1);
    expect(f.unrecognizedSources).toEqual(['MedicationAdministration/bare']);
  });

  test('partial dates count at their first day for the start and their last day for the latest', async () => {
    const f = await facts([statement({ drug: 'ifosfamide', date: '2024-06' })]);
    expect(f.exposures[0]).toMatchObject({ date: '2024-06-01', lastDate: '2024-06-30' });
  });

  test('a dateTime with a time and an offset counts on its own calendar day, first and last alike', async () => {
    const late = await facts([
      admin({ drug: 'doxorubicin', date: '2026-02-20T23:30:00-05:00' }),
      observation.lvef(55, '2026-02-20T23:45:00-05:00'),
    ]);
    expect(late.exposures[0]).toMatchObject({ date: '2026-02-20', lastDate: '2026-02-20' });
    expect(late.lvef).toMatchObject({ value: 55, date: '2026-02-20' });
    const year = await facts([statement({ drug: 'ifosfamide', date: '2024' })]);
    expect(year.exposures[0]).toMatchObject({ date: '2024-01-01', lastDate: '2024-12-31' });
  });
});

describe('F5 metastatic line', () => {
  const prior = (...drugs: (keyof typeof DRUGS)[]): FhirResource[] =>
    drugs.map((drug) => admin({ drug, date: ago(200) }));

  test('no prior exposure, or ifosfamide, pembrolizumab or gemcitabine alone: line 1', async () => {
    expect((await facts([])).line.value).toBe(1);
    expect((await facts(prior('gemcitabine', 'ifosfamide', 'pembrolizumab'))).line.value).toBe(1);
    expect((await facts(prior('docetaxel'))).line.value).toBe(1);
  });

  test('an anthracycline without gemcitabine + docetaxel: line 2', async () => {
    expect((await facts(prior('doxorubicin', 'gemcitabine'))).line).toMatchObject({
      value: 2,
      anthracyclineFree: false,
    });
    expect((await facts(prior('epirubicin'))).line.value).toBe(2);
  });

  test('an anthracycline and gemcitabine + docetaxel: line 3+', async () => {
    expect((await facts(prior('doxorubicin', 'gemcitabine', 'docetaxel'))).line).toMatchObject({
      value: 3,
      anthracyclineFree: false,
    });
  });

  test('gemcitabine + docetaxel without an anthracycline: line 3+, anthracycline-free', async () => {
    expect((await facts(prior('gemcitabine', 'docetaxel'))).line).toMatchObject({ value: 3, anthracyclineFree: true });
  });

  test.each(['trabectedin', 'pazopanib', 'eribulin'] as const)(
    '%s without an anthracycline: line 2, not re-offered',
    async (drug) => {
      expect((await facts(prior(drug))).line).toEqual(expect.objectContaining({ value: 2, notReoffered: [drug] }));
    },
  );

  test('the setting of a prior anthracycline comes from the earliest metastatic date', async () => {
    const doxo = [admin({ id: 'adj', drug: 'doxorubicin', date: '2024-03-01' })];
    const before = await facts(doxo, { earliestMetastaticDate: '2025-01' });
    expect(before.anthracyclineBeforeMetastatic).toEqual({ value: true, sources: ['MedicationAdministration/adj'] });
    expect((await facts(doxo, { earliestMetastaticDate: '2024-02-15' })).anthracyclineBeforeMetastatic.value).toBe(
      false,
    );
    expect((await facts(doxo)).anthracyclineBeforeMetastatic.value).toBeNull();
    expect((await facts([], { earliestMetastaticDate: '2024-02-15' })).anthracyclineBeforeMetastatic.value).toBe(false);
  });
});

describe('LMS maintenance conditions (§3 step 7)', () => {
  test('first maintenance trabectedin 364 days ago is within the year; 366 days ago is not', async () => {
    const within = await facts([...combination(385), admin({ drug: 'trabectedin', date: ago(364) })]);
    expect(within.maintenance).toMatchObject({ eligible: true, anchorDate: ago(364), maintenanceDates: [ago(364)] });
    const over = await facts([...combination(387), admin({ drug: 'trabectedin', date: ago(366) })]);
    expect(over.maintenance).toMatchObject({
      eligible: false,
      withinPeriod: false,
      combinationGiven: true,
      phaseOver: true,
    });
  });

  test('16 maintenance dates are under the cycle limit; 17 are not', async () => {
    const maintenance = (n: number): FhirResource[] =>
      Array.from({ length: n }, (_, i) => admin({ drug: 'trabectedin', date: ago(340 - 20 * i) }));
    expect((await facts([...combination(361), ...maintenance(16)])).maintenance).toMatchObject({
      eligible: true,
      underCycleLimit: true,
    });
    expect((await facts([...combination(361), ...maintenance(17)])).maintenance).toMatchObject({
      eligible: false,
      underCycleLimit: false,
    });
  });

  test('doxorubicin on 6 distinct dates ends the combination phase; 5 with one in the last 42 days do not', async () => {
    const six = await facts(combination(21, 6));
    expect(six.maintenance).toMatchObject({
      eligible: true,
      phaseOver: true,
      anchorDate: ago(21),
      maintenanceDates: [],
    });
    const five = await facts(combination(21, 5));
    expect(five.maintenance).toMatchObject({ eligible: false, phaseOver: false, combinationGiven: true });
  });

  test('doxorubicin and trabectedin 8 days apart are not a combination; a gemcitabine exposure ends eligibility', async () => {
    const apart = await facts([
      admin({ drug: 'doxorubicin', date: ago(100) }),
      admin({ drug: 'trabectedin', date: ago(92) }),
    ]);
    expect(apart.maintenance.combinationGiven).toBe(false);
    const gem = await facts([...combination(60), admin({ drug: 'gemcitabine', date: ago(10) })]);
    expect(gem.maintenance).toMatchObject({ eligible: false, noGemcitabineOrDocetaxel: false });
  });
});

describe('F6 performance status', () => {
  test.each([
    [1, 2],
    [2, 3],
  ])('the latest ECOG wins (%i then %i)', async (older, latest) => {
    const f = await facts([observation.ecog(older, ago(30)), observation.ecog(latest, ago(3), { id: 'ecog-latest' })]);
    expect(f.ecog).toEqual({ value: latest, date: ago(3), source: 'Observation/ecog-latest' });
  });

  test('on a tie the highest ECOG counts; a coded value is read from its display; preliminary ones do not count', async () => {
    const coded = observation.ecog(0, ago(3));
    const codedValue = {
      ...coded,
      valueInteger: undefined,
      valueCodeableConcept: { coding: [{ display: '3 - In bed > 50% of the time' }] },
    };
    const f = await facts([
      observation.ecog(2, ago(3)),
      codedValue,
      observation.ecog(4, ago(1), { status: 'preliminary' }),
    ]);
    expect(f.ecog?.value).toBe(3);
  });
});

describe('F7 LVEF', () => {
  test('50 % is not low, 49 % is; the threshold is a parameter', async () => {
    expect((await facts([observation.lvef(50, ago(10))])).lvef).toMatchObject({ value: 50, low: false, recent: true });
    expect((await facts([observation.lvef(49, ago(10))])).lvef).toMatchObject({ value: 49, low: true });
    const stricter = await facts([observation.lvef(50, ago(10))], {
      thresholds: { ...DEFAULT_THRESHOLDS, lvefMinPercent: 55 },
    });
    expect(stricter.lvef?.low).toBe(true);
  });

  test('a range counts by its low value, and the lowest wins a tie', async () => {
    const f = await facts([observation.lvef(60, ago(10)), observation.lvefRange(45, 55, ago(10))]);
    expect(f.lvef).toMatchObject({ value: 45, low: true });
  });

  test('90 days old is recent, 91 is not; before the latest anthracycline is not recent', async () => {
    expect((await facts([observation.lvef(60, ago(90))])).lvef?.recent).toBe(true);
    expect((await facts([observation.lvef(60, ago(91))])).lvef?.recent).toBe(false);
    const beforeDoxo = await facts([observation.lvef(60, ago(30)), admin({ drug: 'doxorubicin', date: ago(20) })]);
    expect(beforeDoxo.lvef).toMatchObject({ recent: false, low: false });
  });
});

describe('F7 cumulative doxorubicin', () => {
  const doses = (...mgM2: number[]): FhirResource[] =>
    mgM2.map((d, i) => admin({ drug: 'doxorubicin', date: ago(400 - 21 * i), doseMgM2: d }));
  const mgM2 = (value: number, unit = 'mg/m2') => ({ value, unit, system: SYSTEMS.ucum, code: unit });
  /** An order with a dose in dosageInstruction[0].doseAndRate[0] and an optional boundsPeriod. */
  const order = (o: {
    id: string;
    date: string;
    dose?: number;
    unit?: string;
    range?: boolean;
    bounds?: { start: string; end?: string };
    status?: MedicationRequest['status'];
    reported?: boolean;
  }): MedicationRequest => ({
    ...request({ id: o.id, drug: 'doxorubicin', authoredOn: o.date, status: o.status ?? 'completed' }),
    ...(o.reported ? { reportedBoolean: true } : {}),
    dosageInstruction: [
      {
        ...(o.bounds ? { timing: { repeat: { boundsPeriod: o.bounds } } } : {}),
        ...(o.dose !== undefined
          ? {
              doseAndRate: [
                o.range
                  ? { doseRange: { low: mgM2(o.dose - 10, o.unit), high: mgM2(o.dose, o.unit) } }
                  : { doseQuantity: mgM2(o.dose, o.unit) },
              ],
            }
          : {}),
      },
    ],
  });
  const linked = (id: string, date: string, requestId: string, dose?: number) => ({
    ...(dose !== undefined
      ? admin({ id, drug: 'doxorubicin', date, doseMgM2: dose })
      : admin({ id, drug: 'doxorubicin', date })),
    request: { reference: `MedicationRequest/${requestId}` },
  });
  const statusOf = (f: TreatmentFacts, source: string) =>
    f.cumulativeDoxorubicin.records.find((r) => r.source === source)?.status;

  test('449 mg/m² is below the critical threshold, 450 reaches it', async () => {
    const below = await facts(doses(75, 75, 75, 75, 75, 74));
    expect(below.cumulativeDoxorubicin).toMatchObject({
      known: true,
      atLeast: false,
      confirmed: 449,
      reachedWarn: true,
      reachedCritical: false,
    });
    const at = await facts(doses(75, 75, 75, 75, 75, 75));
    expect(at.cumulativeDoxorubicin).toMatchObject({ known: true, confirmed: 450, reachedCritical: true });
  });

  test('one order with its six linked administrations (the usual EHR shape) is a known 450, not "unknown"', async () => {
    const f = await facts([
      order({ id: 'course', date: ago(110), dose: 75, status: 'active', bounds: { start: ago(110) } }),
      ...Array.from({ length: 6 }, (_, i) => linked(`a${i}`, ago(110 - 21 * i), 'course', 75)),
    ]);
    expect(f.cumulativeDoxorubicin).toMatchObject({
      known: true,
      confirmed: 450,
      possible: 450,
      unconfirmedCount: 0,
      reachedCritical: true,
    });
    expect(statusOf(f, 'MedicationRequest/course')).toBe('linked');
  });

  test('two administrations of one request with the same start and dose are one event (duplicate feed); another dose is not', async () => {
    const dup = await facts([
      order({ id: 'r', date: ago(20) }),
      linked('x1', ago(20), 'r', 75),
      linked('x2', ago(20), 'r', 75),
    ]);
    expect(dup.cumulativeDoxorubicin.confirmed).toBe(75);
    const two = await facts([
      order({ id: 'r', date: ago(20) }),
      linked('x1', ago(20), 'r', 75),
      linked('x2', ago(20), 'r', 60),
    ]);
    expect(two.cumulativeDoxorubicin.confirmed).toBe(135);
  });

  test("an administration without a dose uses its request's mg/m² dose (a doseRange counts its high), marked ordered", async () => {
    const f = await facts([order({ id: 'r', date: ago(60), dose: 75, range: true }), linked('a', ago(60), 'r')]);
    expect(f.cumulativeDoxorubicin).toMatchObject({ known: true, confirmed: 75 });
    expect(f.cumulativeDoxorubicin.events[0]).toMatchObject({ orderedDose: true, mgM2: 75 });
    const none = await facts([linked('a', ago(60), 'missing')]);
    expect(none.cumulativeDoxorubicin).toMatchObject({ known: false, atLeast: true, confirmed: 0 });
    expect(none.cumulativeDoxorubicin.notCounted).toEqual([
      { source: 'MedicationAdministration/a', date: ago(60), reason: { code: 'noDose' } },
    ]);
  });

  test('an unlinked single-date order is explained by an administration of its day (or up to 3 days before), and only one; a second order of that day is unconfirmed', async () => {
    const one = await facts([
      order({ id: 'o1', date: ago(100), dose: 75 }),
      admin({ drug: 'doxorubicin', date: ago(100), doseMgM2: 75 }),
    ]);
    expect(statusOf(one, 'MedicationRequest/o1')).toBe('explained');
    expect(one.cumulativeDoxorubicin).toMatchObject({ known: true, confirmed: 75 });
    const two = await facts([
      order({ id: 'o1', date: ago(100), dose: 75 }),
      order({ id: 'o2', date: ago(100), dose: 75 }),
      admin({ drug: 'doxorubicin', date: ago(100), doseMgM2: 75 }),
    ]);
    expect([statusOf(two, 'MedicationRequest/o1'), statusOf(two, 'MedicationRequest/o2')]).toEqual([
      'explained',
      'unconfirmed',
    ]);
    expect(two.cumulativeDoxorubicin).toMatchObject({
      known: false,
      confirmed: 75,
      possible: 150,
      unconfirmedCount: 1,
    });
  });

  test('a statement period is explained with gaps of 28 days; a 29-day gap leaves it unconfirmed and adds one dose to P', async () => {
    const covered = await facts([
      {
        ...statement({ id: 's', drug: 'doxorubicin', date: ago(200), end: ago(144) }),
        dosage: [{ doseAndRate: [{ doseQuantity: mgM2(75) }] }],
      },
      admin({ drug: 'doxorubicin', date: ago(200), doseMgM2: 75 }),
      admin({ drug: 'doxorubicin', date: ago(172), doseMgM2: 75 }),
      admin({ drug: 'doxorubicin', date: ago(144), doseMgM2: 75 }),
    ]);
    expect(statusOf(covered, 'MedicationStatement/s')).toBe('explained');
    expect(covered.cumulativeDoxorubicin).toMatchObject({ known: true, confirmed: 225 });
    const gap = await facts([
      {
        ...statement({ id: 's', drug: 'doxorubicin', date: ago(200), end: ago(143) }),
        dosage: [{ doseAndRate: [{ doseQuantity: mgM2(75) }] }],
      },
      admin({ drug: 'doxorubicin', date: ago(200), doseMgM2: 75 }),
      admin({ drug: 'doxorubicin', date: ago(171), doseMgM2: 75 }),
      admin({ drug: 'doxorubicin', date: ago(143), doseMgM2: 75 }),
    ]);
    expect(statusOf(gap, 'MedicationStatement/s')).toBe('unconfirmed');
    expect(gap.cumulativeDoxorubicin).toMatchObject({
      known: false,
      atLeast: true,
      confirmed: 225,
      possible: 300,
      unconfirmedCount: 1,
    });
  });

  test('a reported (outside) order is a statement: never pending, unconfirmed without local administrations', async () => {
    const f = await facts([order({ id: 'outside', date: ago(5), dose: 75, reported: true, status: 'completed' })]);
    expect(f.exposures.map((e) => e.source)).toEqual(['MedicationRequest/outside']);
    expect(statusOf(f, 'MedicationRequest/outside')).toBe('unconfirmed');
    expect(f.cumulativeDoxorubicin).toMatchObject({ known: false, confirmed: 0, possible: 75 });
  });

  test('an order 28 days old with no administration is pending (adds nothing, total known); 29 days old it is unconfirmed', async () => {
    const pending = await facts([...doses(75), order({ id: 'new', date: ago(28), dose: 75, status: 'active' })]);
    expect(statusOf(pending, 'MedicationRequest/new')).toBe('pending');
    expect(pending.cumulativeDoxorubicin).toMatchObject({ known: true, confirmed: 75, possible: 75 });
    const old = await facts([...doses(75), order({ id: 'old', date: ago(29), dose: 75, status: 'active' })]);
    expect(statusOf(old, 'MedicationRequest/old')).toBe('unconfirmed');
    expect(old.cumulativeDoxorubicin).toMatchObject({ known: false, confirmed: 75, possible: 150 });
  });

  test('a mg dose is divided by Mosteller BSA from height in [in_i] and a weight within 30 days in [lb_av]', async () => {
    const f = await facts([
      observation.height(70, ago(100), '[in_i]', { id: 'h' }),
      observation.weight(160, ago(70), '[lb_av]', { id: 'w' }),
      admin({ drug: 'doxorubicin', date: ago(40), doseMg: 135 }),
    ]);
    // sqrt(177.8 cm x 72.5748 kg / 3600) = 1.8932 m²
    expect(f.cumulativeDoxorubicin.known).toBe(true);
    expect(f.cumulativeDoxorubicin.confirmed).toBeCloseTo(135 / Math.sqrt((177.8 * 72.5747792) / 3600), 4);
    expect(f.cumulativeDoxorubicin.events[0]?.bsaSources).toEqual(['Observation/h', 'Observation/w']);
    const stale = await facts([
      observation.height(70, ago(100), '[in_i]'),
      observation.weight(160, ago(71), '[lb_av]'),
      admin({ id: 'a', drug: 'doxorubicin', date: ago(40), doseMg: 135 }),
    ]);
    expect(stale.cumulativeDoxorubicin).toMatchObject({ known: false, confirmed: 0 });
    expect(stale.cumulativeDoxorubicin.notCounted[0]).toMatchObject({
      source: 'MedicationAdministration/a',
      reason: { code: 'noBsa' },
    });
  });

  test('a BSA Observation up to 30 days old wins over height and weight; 31 days old it does not; g converts, mL does not', async () => {
    const f = await facts([
      observation.bsa(1.8, ago(70), 'm2', { id: 'bsa' }),
      admin({ drug: 'doxorubicin', date: ago(40), doseMg: 135 }),
      {
        ...admin({ drug: 'doxorubicin', date: ago(41) }),
        dosage: { dose: { value: 0.09, unit: 'g', system: SYSTEMS.ucum, code: 'g' } },
      },
    ]);
    expect(f.cumulativeDoxorubicin.events.map((e) => e.mgM2)).toEqual([50, 75]); // by date: the g dose first
    const old = await facts([
      observation.bsa(1.8, ago(71), 'm2'),
      admin({ drug: 'doxorubicin', date: ago(40), doseMg: 135 }),
      {
        ...admin({ id: 'ml', drug: 'doxorubicin', date: ago(20) }),
        dosage: { dose: { value: 20, unit: 'mL', system: SYSTEMS.ucum, code: 'mL' } },
      },
    ]);
    expect(old.cumulativeDoxorubicin.notCounted.map((n) => n.reason)).toEqual(
      expect.arrayContaining([{ code: 'noBsa' }, { code: 'unitNotConvertible', unit: 'mL' }]),
    );
    expect(old.cumulativeDoxorubicin.notCounted).toHaveLength(2);
  });

  test.each(['mg/m²', 'mg/m^2', 'mg / m²'])(
    'a dose in %s is mg/m² as is (the unit however written; not "not convertible")',
    async (unit) => {
      const f = await facts([
        { ...admin({ drug: 'doxorubicin', date: ago(40) }), dosage: { dose: { value: 75, unit } } },
      ]);
      expect(f.cumulativeDoxorubicin).toMatchObject({ known: true, confirmed: 75, notCounted: [] });
    },
  );

  test('a dose in mg/m³ is not convertible (just misses)', async () => {
    const f = await facts([
      { ...admin({ drug: 'doxorubicin', date: ago(40) }), dosage: { dose: { value: 75, unit: 'mg/m³' } } },
    ]);
    expect(f.cumulativeDoxorubicin.notCounted.map((n) => n.reason)).toEqual([
      { code: 'unitNotConvertible', unit: 'mg/m³' },
    ]);
  });

  test('a stopped administration counts in full and is marked partial; 91 mg/m² is flagged "check dose", 90 is not', async () => {
    const f = await facts([
      admin({ id: 'stopped', drug: 'doxorubicin', date: ago(60), doseMgM2: 91, status: 'stopped' }),
      admin({ id: 'ok', drug: 'doxorubicin', date: ago(30), doseMgM2: 90 }),
    ]);
    expect(f.cumulativeDoxorubicin.confirmed).toBe(181);
    expect(f.cumulativeDoxorubicin.events.map((e) => [e.source, e.partial, e.checkDose])).toEqual([
      ['MedicationAdministration/stopped', true, true],
      ['MedicationAdministration/ok', false, false],
    ]);
  });

  test('epirubicin is listed with its own sum and makes the doxorubicin total "at least"', async () => {
    const f = await facts([...doses(75), admin({ id: 'epi', drug: 'epirubicin', date: ago(500), doseMgM2: 90 })]);
    expect(f.cumulativeDoxorubicin).toMatchObject({ known: false, atLeast: true, confirmed: 75 });
    expect(f.cumulativeDoxorubicin.otherAnthracyclines).toEqual([
      { drug: 'epirubicin', mgM2: 90, atLeast: false, sources: ['MedicationAdministration/epi'] },
    ]);
  });

  test('liposomal doxorubicin counts 1:1', async () => {
    const f = await facts([
      admin({ drug: { text: 'doxorubicin liposomal (Caelyx)' }, date: ago(30), doseMgM2: 50 }),
      ...doses(75),
    ]);
    expect(f.cumulativeDoxorubicin).toMatchObject({ known: true, confirmed: 125 });
  });

  test('a truncated medication history makes the total "at least"', async () => {
    const f = await facts(doses(75, 75), { incomplete: ['MedicationAdministration'] });
    expect(f.cumulativeDoxorubicin).toMatchObject({
      known: false,
      atLeast: true,
      confirmed: 150,
      historyIncomplete: true,
    });
  });

  test('completedRequestsAreAdministrations counts an unconfirmed completed order in N', async () => {
    const resources = [patient(), order({ id: 'done', date: ago(200), dose: 75 })];
    const run = async (setting: boolean) =>
      toTreatmentFacts(
        await engine.evaluate(TREATMENT_LIBRARY, bundleOf(resources, 'collection'), {
          now: NOW,
          parameters: {
            ...thresholdParameters({ ...DEFAULT_THRESHOLDS, completedRequestsAreAdministrations: setting }),
            DraftOrderIds: [],
          },
        }),
      );
    expect((await run(false)).cumulativeDoxorubicin).toMatchObject({ known: false, confirmed: 0, possible: 75 });
    expect((await run(true)).cumulativeDoxorubicin).toMatchObject({ known: true, confirmed: 75, possible: 75 });
  });
});
