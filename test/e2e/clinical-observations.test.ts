/**
 * Clinical QA over HTTP: the observation facts of PATHWAY.md §7.3 (LVEF, ECOG, total bilirubin) on the shapes EHRs
 * send, and the order-time rules that read them (§5: S-DOXO-LVEF, S-DOXO-LVEF-UNKNOWN, S-TRAB-LVEF, S-ECOG-POOR,
 * S-COMBO-ECOG, S-BILIRUBIN-HIGH). Each rule has a patient that reaches it and one that just misses it.
 */
import type { FhirResource, Observation } from 'fhir/r4.js';
import { testApp } from '../helpers/app.js';
import { CODES, McodePatient, SYS } from '../fixtures/mcode/resources.js';
import { NOW, ago, cardOf, draft, fact, orders, topics } from '../fixtures/mcode/http.js';

const app = testApp({ PUBLIC_BASE_URL: 'https://cds.example.org' }, () => NOW);

/** A metastatic synovial sarcoma at line 1 (doxorubicin is on pathway), adult, with the given observations. */
function patient(
  id: string,
  obs: (p: McodePatient) => FhirResource[],
  o: { morph?: [string, string]; birthDate?: string } = {},
): FhirResource[] {
  const p = new McodePatient(id);
  return [
    p.patient(o.birthDate ?? '1970-03-03'),
    p.primary({
      id: `${id}-dx`,
      icd10: CODES.thighIcd,
      extensionMorphology: o.morph ?? CODES.synovial,
      onset: ago(400),
    }),
    p.mCategory(`${id}-m`, ago(100), CODES.cM1),
    ...obs(p),
  ];
}

const LVEF_LOINC: [string, string] = [SYS.loinc, '10230-1'];
const ucum = (value: number, code: string): Partial<Observation> => ({
  valueQuantity: { value, unit: code, system: SYS.ucum, code },
});
const doxo = (id: string): ReturnType<typeof draft> => draft('d-dox', id, 'doxorubicin', '3639');

describe('LVEF read under each code and unit of §7.3', () => {
  const low: [string, [string, string], Partial<Observation>][] = [
    ['LOINC 10230-1, UCUM %', LVEF_LOINC, ucum(45, '%')],
    ['SNOMED 250908004', [SYS.sct, '250908004'], ucum(45, '%')],
    ...['8808-8', '8811-2', '18043-0', '8806-2', '8810-4'].map(
      (code): [string, [string, string], Partial<Observation>] => [
        `method-specific LOINC ${code}`,
        [SYS.loinc, code],
        ucum(45, '%'),
      ],
    ),
    ['unit text "percent" without a code', LVEF_LOINC, { valueQuantity: { value: 45, unit: 'percent' } }],
    ['a unitless fraction 0.45', LVEF_LOINC, { valueQuantity: { value: 0.45 } }],
    ['UCUM 1, fraction 0.45', LVEF_LOINC, ucum(0.45, '1')],
    [
      'a valueRange 45-50 (its low value)',
      LVEF_LOINC,
      {
        valueRange: {
          low: { value: 45, unit: '%', system: SYS.ucum, code: '%' },
          high: { value: 50, unit: '%', system: SYS.ucum, code: '%' },
        },
      },
    ],
    ['a valueString "40-45 %" (the lowest number)', LVEF_LOINC, { valueString: '40-45 %' }],
  ];
  test.each(low)('%s below the threshold: S-DOXO-LVEF blocks doxorubicin', async (_name, code, value) => {
    const res = patient('qa-lv-low', (p) => [p.lvefAs('qa-lv-low-e', ago(5), code, value)]);
    const body = await orders(app, res, [doxo('qa-lv-low')]);
    expect(topics(body)).toContain('S-DOXO-LVEF');
    expect(cardOf(body, 'S-DOXO-LVEF').summary).toMatch(
      /^Doxorubicin not recommended: LVEF (45|40) % \(\d{4}-\d\d-\d\d\) is below 50 %$/,
    );
    expect(topics(body)).not.toContain('S-DOXO-LVEF-UNKNOWN');
  });

  const normal: [string, Partial<Observation>][] = [
    ['50 % (at the threshold)', ucum(50, '%')],
    ['a fraction 0.55', { valueQuantity: { value: 0.55 } }],
    ['a valueString "55-60"', { valueString: '55-60' }],
  ];
  test.each(normal)('%s: just misses, doxorubicin is on pathway with no cardiac card', async (_name, value) => {
    const res = patient('qa-lv-ok', (p) => [p.lvefAs('qa-lv-ok-e', ago(5), LVEF_LOINC, value)]);
    const body = await orders(app, res, [doxo('qa-lv-ok')]);
    expect(topics(body)).toEqual(['M-1L-DOXO']);
  });

  test.each([
    ['120 %', ucum(120, '%'), '120 %'],
    ['a unit that is not a percentage (mL)', ucum(55, 'mL'), '55 mL'],
    ['a value of a type with no number (a boolean)', { valueBoolean: true }, 'no value'],
  ])(
    '%s is recorded but not interpretable: named, and counted as missing (S-DOXO-LVEF-UNKNOWN)',
    async (_n, value, shown) => {
      const res = patient('qa-lv-bad', (p) => [p.lvefAs('qa-lv-bad-e', ago(5), LVEF_LOINC, value)]);
      const body = await orders(app, res, [doxo('qa-lv-bad')]);
      const card = cardOf(body, 'S-DOXO-LVEF-UNKNOWN');
      expect(card.summary).toBe('Doxorubicin: no usable LVEF (not interpretable): assess LVEF before this dose');
      expect(card.indicator).toBe('warning');
      expect(fact(card, 'LVEF')).toContain(`LVEF recorded but not interpretable (${shown})`);
      expect(card.overrideReasons?.map((r) => r.code)).toContain('cardio-oncology-cleared');
    },
  );

  test('an LVEF older than lvefRecencyDays is not usable ("not recent"); one within it is', async () => {
    const stale = await orders(
      app,
      patient('qa-lv-old', (p) => [p.lvef('qa-lv-old-e', ago(120), 62)]),
      [doxo('qa-lv-old')],
    );
    expect(cardOf(stale, 'S-DOXO-LVEF-UNKNOWN').summary).toBe(
      'Doxorubicin: no usable LVEF (not recent): assess LVEF before this dose',
    );
    const recent = await orders(
      app,
      patient('qa-lv-80', (p) => [p.lvef('qa-lv-80-e', ago(80), 62)]),
      [doxo('qa-lv-80')],
    );
    expect(topics(recent)).toEqual(['M-1L-DOXO']);
  });

  test('no LVEF at all: S-DOXO-LVEF-UNKNOWN "none found", with the codes looked for', async () => {
    const body = await orders(
      app,
      patient('qa-lv-none', () => []),
      [doxo('qa-lv-none')],
    );
    const card = cardOf(body, 'S-DOXO-LVEF-UNKNOWN');
    expect(card.summary).toBe('Doxorubicin: no usable LVEF (none found): assess LVEF before this dose');
    expect(fact(card, 'LVEF')).toMatch(/not found \(looked for: .*LOINC 10230-1, SNOMED 250908004/);
  });

  test('once the confirmed cumulative dose reaches the warning threshold, an LVEF before the last dose is not usable', async () => {
    const admins = (p: McodePatient): FhirResource[] =>
      Array.from({ length: 5 }, (_, i) =>
        p.admin(`qa-lv-cum-a${i}`, ago(100 - 21 * i), CODES.rxDoxo, { doseMgM2: 75 }),
      );
    const before = await orders(
      app,
      patient('qa-lv-cum', (p) => [...admins(p), p.lvef('qa-lv-cum-e', ago(30), 60)]),
      [doxo('qa-lv-cum')],
    );
    expect(cardOf(before, 'S-DOXO-LVEF-UNKNOWN').summary).toBe(
      'Doxorubicin: no usable LVEF (not since the last anthracycline dose): assess LVEF before this dose',
    );
    const after = await orders(
      app,
      patient('qa-lv-cum2', (p) => [...admins(p), p.lvef('qa-lv-cum2-e', ago(10), 60)]),
      [doxo('qa-lv-cum2')],
    );
    expect(topics(after)).not.toContain('S-DOXO-LVEF-UNKNOWN');
  });

  test('below the warning threshold a baseline LVEF stays usable during the course (no card at every cycle)', async () => {
    const res = patient('qa-lv-base', (p) => [
      p.lvef('qa-lv-base-e', ago(60), 60),
      p.admin('qa-lv-base-a', ago(21), CODES.rxDoxo, { doseMgM2: 75 }),
    ]);
    expect(topics(await orders(app, res, [doxo('qa-lv-base')]))).not.toContain('S-DOXO-LVEF-UNKNOWN');
  });
});

describe('every anthracycline draft gets the cardiac rules', () => {
  test('epirubicin with LVEF 45 %: S-DOXO-LVEF names epirubicin', async () => {
    const body = await orders(
      app,
      patient('qa-epi-low', (p) => [p.lvef('qa-epi-low-e', ago(3), 45)]),
      [draft('d-epi', 'qa-epi-low', 'epirubicin hydrochloride 2 MG/ML Injection')],
    );
    expect(cardOf(body, 'S-DOXO-LVEF').summary).toMatch(/^Epirubicin not recommended: LVEF 45 %/);
    expect(cardOf(body, 'S-DOXO-LVEF').indicator).toBe('critical');
  });

  test('epirubicin with a recent normal LVEF: no cardiac card (just misses)', async () => {
    const body = await orders(
      app,
      patient('qa-epi-ok', (p) => [p.lvef('qa-epi-ok-e', ago(3), 60)]),
      [draft('d-epi', 'qa-epi-ok', 'Ellence')],
    );
    expect(topics(body).filter((t) => t.startsWith('S-DOXO'))).toEqual([]);
  });

  test('idarubicin without an LVEF: S-DOXO-LVEF-UNKNOWN', async () => {
    const body = await orders(
      app,
      patient('qa-ida', () => []),
      [draft('d-ida', 'qa-ida', 'idarubicin')],
    );
    expect(cardOf(body, 'S-DOXO-LVEF-UNKNOWN').summary).toMatch(/^Idarubicin: no usable LVEF \(none found\)/);
  });
});

describe('S-TRAB-LVEF', () => {
  const lms = { morph: CODES.lms };
  test('trabectedin without a usable LVEF: S-TRAB-LVEF', async () => {
    const body = await orders(
      app,
      patient('qa-trab-none', () => [], lms),
      [draft('d-trab', 'qa-trab-none', 'Yondelis')],
    );
    expect(cardOf(body, 'S-TRAB-LVEF').summary).toBe(
      'Trabectedin: no usable LVEF (none found): assess before this dose',
    );
  });

  test('trabectedin with LVEF 45 %: S-TRAB-LVEF names the value', async () => {
    const body = await orders(
      app,
      patient('qa-trab-low', (p) => [p.lvef('qa-trab-low-e', ago(3), 45)], lms),
      [draft('d-trab', 'qa-trab-low', 'trabectedin')],
    );
    expect(cardOf(body, 'S-TRAB-LVEF').summary).toBe('Trabectedin: LVEF 45 % below 50 %: assess before this dose');
  });

  test('trabectedin with a recent normal LVEF: no card (just misses)', async () => {
    const body = await orders(
      app,
      patient('qa-trab-ok', (p) => [p.lvef('qa-trab-ok-e', ago(3), 60)], lms),
      [draft('d-trab', 'qa-trab-ok', 'trabectedin')],
    );
    expect(topics(body)).not.toContain('S-TRAB-LVEF');
  });

  test('with doxorubicin drafted too, one S-DOXO-LVEF-UNKNOWN card names both drugs and S-TRAB-LVEF is not output', async () => {
    const body = await orders(
      app,
      patient('qa-trab-dox', () => [], lms),
      [doxo('qa-trab-dox'), draft('d-trab', 'qa-trab-dox', 'trabectedin')],
    );
    expect(topics(body)).not.toContain('S-TRAB-LVEF');
    expect(cardOf(body, 'S-DOXO-LVEF-UNKNOWN').summary).toBe(
      'Doxorubicin + trabectedin: no usable LVEF (none found): assess LVEF before this dose',
    );
  });
});

describe('ECOG read under LOINC answers, SNOMED and strings (F6)', () => {
  const lvef = (p: McodePatient): Observation => p.lvef(`${p.id}-e`, ago(3), 60);
  test.each([
    [
      'LOINC answer LA9625-0',
      {
        valueCodeableConcept: {
          coding: [{ system: SYS.loinc, code: 'LA9625-0', display: 'Capable of only limited selfcare' }],
        },
      },
    ],
    ['SNOMED 423053003', { valueCodeableConcept: { coding: [{ system: SYS.sct, code: '423053003' }] } }],
    ['a string "ECOG 3"', { valueString: 'ECOG 3' }],
  ])('%s = 3: S-ECOG-POOR', async (_n, value) => {
    const body = await orders(
      app,
      patient('qa-ecog3', (p) => [lvef(p), p.ecogAs('qa-ecog3-x', ago(5), value)]),
      [doxo('qa-ecog3')],
    );
    expect(cardOf(body, 'S-ECOG-POOR').summary).toMatch(
      /^ECOG 3 \(\d{4}-\d\d-\d\d\): benefit of systemic therapy uncertain$/,
    );
  });

  test('LOINC answer LA9624-3 = 2 with doxorubicin + ifosfamide: S-COMBO-ECOG, not S-ECOG-POOR (just misses)', async () => {
    const res = patient('qa-ecog2', (p) => [
      lvef(p),
      p.ecogAs('qa-ecog2-x', ago(5), { valueCodeableConcept: { coding: [{ system: SYS.loinc, code: 'LA9624-3' }] } }),
    ]);
    const body = await orders(app, res, [doxo('qa-ecog2'), draft('d-ifo', 'qa-ecog2', 'ifosfamide', '5657')]);
    expect(topics(body)).toContain('S-COMBO-ECOG');
    expect(topics(body)).not.toContain('S-ECOG-POOR');
  });

  test('an ECOG that cannot be read is named on the card', async () => {
    const body = await orders(
      app,
      patient('qa-ecog-x', (p) => [lvef(p), p.ecogAs('qa-ecog-x-o', ago(5), { valueString: 'ambulatory' })]),
      [doxo('qa-ecog-x')],
    );
    expect(fact(body.cards[0]!, 'ECOG')).toBe('ECOG recorded but not interpretable (ambulatory)');
  });

  test('an ECOG older than ecogRecencyDays is shown "not recent" and raises no card by its age', async () => {
    const body = await orders(
      app,
      patient('qa-ecog-old', (p) => [lvef(p), p.ecogInteger('qa-ecog-old-o', ago(90), 1)]),
      [doxo('qa-ecog-old')],
    );
    expect(topics(body)).toEqual(['M-1L-DOXO']);
    expect(fact(cardOf(body, 'M-1L-DOXO'), 'ECOG')).toBe(
      `ECOG 1 on ${ago(90)} (not recent: reassess performance status)`,
    );
  });
});

describe('S-BILIRUBIN-HIGH', () => {
  const line2 = (id: string, bili: (p: McodePatient) => FhirResource[]): FhirResource[] =>
    patient(id, (p) => [
      p.lvef(`${id}-e`, ago(3), 60),
      p.admin(`${id}-dox`, ago(200), CODES.rxDoxo, { doseMgM2: 75 }),
      ...bili(p),
    ]);
  const gemDoce = (id: string): ReturnType<typeof draft>[] => [
    draft('d-gem', id, 'gemcitabine', '12574'),
    draft('d-doc', id, 'docetaxel', '72962'),
  ];

  test('bilirubin above its reference range: docetaxel gets the card with the docetaxel label sentence', async () => {
    const body = await orders(
      app,
      line2('qa-bili', (p) => [p.bilirubin('qa-bili-b', ago(4), 2.1, { high: 1.2 })]),
      gemDoce('qa-bili'),
    );
    const card = cardOf(body, 'S-BILIRUBIN-HIGH');
    expect(card.summary).toBe(
      `Docetaxel: bilirubin 2.1 mg/dL (${ago(4)}) above the upper limit of normal: check the label's hepatic dosing`,
    );
    expect(card.detail).toContain(
      'Docetaxel label (boxed warning): avoid use when bilirubin is above the upper limit of normal.',
    );
  });

  test('an interpretation H without a reference range also fires', async () => {
    const body = await orders(
      app,
      line2('qa-bili-h', (p) => [p.bilirubin('qa-bili-h-b', ago(4), 2.1, { interpretation: 'H' })]),
      gemDoce('qa-bili-h'),
    );
    expect(topics(body)).toContain('S-BILIRUBIN-HIGH');
  });

  test.each([
    ['within its reference range', (p: McodePatient) => [p.bilirubin('qa-bili-n-b', ago(4), 1.0, { high: 1.2 })]],
    [
      'with neither a reference range nor an interpretation (shown, not judged)',
      (p: McodePatient) => [p.bilirubin('qa-bili-n-b', ago(4), 2.1)],
    ],
    [
      'high but older than labRecencyDays',
      (p: McodePatient) => [p.bilirubin('qa-bili-n-b', ago(40), 2.1, { high: 1.2 })],
    ],
  ])('bilirubin %s: no card (just misses)', async (_n, bili) => {
    const body = await orders(app, line2('qa-bili-n', bili), gemDoce('qa-bili-n'));
    expect(topics(body)).not.toContain('S-BILIRUBIN-HIGH');
  });

  test('eribulin: the card carries no unverified label sentence', async () => {
    const res = patient('qa-bili-eri', (p) => [p.bilirubin('qa-bili-eri-b', ago(2), 3, { interpretation: 'HH' })], {
      morph: CODES.lpsDediff,
    });
    const card = cardOf(await orders(app, res, [draft('d-eri', 'qa-bili-eri', 'eribulin')]), 'S-BILIRUBIN-HIGH');
    expect(card.detail).not.toMatch(/Eribulin label/);
  });
});
