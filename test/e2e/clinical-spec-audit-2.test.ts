/**
 * Clinical QA over HTTP, second audit of the implementation against PATHWAY.md 2026.12.1: codes and shapes the first
 * audit (clinical-spec-audit.test.ts) did not reach. Each finding has a patient that reaches the rule and one that just
 * misses it.
 */
import type { FhirResource, Medication, MedicationRequest, Observation, Procedure } from 'fhir/r4.js';
import { testApp } from '../helpers/app.js';
import { CODES, McodePatient, SYS } from '../fixtures/mcode/resources.js';
import { NOW, ago, cardOf, draft, fact, orders, patientView, topics } from '../fixtures/mcode/http.js';

const app = testApp({ PUBLIC_BASE_URL: 'https://cds.example.org' }, () => NOW);

/** An adult with a metastatic thigh STS of the given histology, ECOG 1 and LVEF 60 % this week. */
function patient(
  id: string,
  morph: [string, string],
  extra: (p: McodePatient) => FhirResource[] = () => [],
): FhirResource[] {
  const p = new McodePatient(id);
  return [
    p.patient('1970-02-02'),
    p.primary({ id: `${id}-dx`, icd10: CODES.thighIcd, extensionMorphology: morph, onset: ago(400) }),
    p.mCategory(`${id}-m`, ago(90), CODES.cM1),
    p.ecogInteger(`${id}-ecog`, ago(5), 1),
    p.lvef(`${id}-lvef`, ago(5), 60),
    ...extra(p),
  ];
}

describe('§6 mesna: RxNorm 44 "(to verify)" is matched on input (never emitted), as every listed code', () => {
  /** A pharmacy's formulary Medication in the draftOrders Bundle, coded by RxNorm alone (no display, no text). */
  const formulary = (id: string, code: string): Medication => ({
    resourceType: 'Medication',
    id,
    code: { coding: [{ system: SYS.rxnorm, code }] },
  });
  const byReference = (id: string, patientId: string, medicationId: string): MedicationRequest => ({
    resourceType: 'MedicationRequest',
    id,
    status: 'draft',
    intent: 'order',
    subject: { reference: `Patient/${patientId}` },
    medicationReference: { reference: `Medication/${medicationId}` },
  });
  const signed = (id: string, mesnaCode: string) =>
    orders(app, patient(id, CODES.synovial), [
      draft('d-dox', id, 'doxorubicin', '3639'),
      draft('d-ifo', id, 'ifosfamide', '5657'),
      byReference('d-mes', id, 'mes'),
      formulary('mes', mesnaCode),
    ]);

  test('a mesna draft referencing a Medication coded 44 only: ifosfamide is not "without mesna"', async () => {
    const body = await signed('au2-mesna-44', '44');
    expect(topics(body)).not.toContain('S-IFOS-MESNA');
    expect(topics(body)).toContain('M-1L-DOXO');
  });

  test('the same draft coded 45 (just misses: not a listed code, no name): S-IFOS-MESNA', async () => {
    const body = await signed('au2-mesna-45', '45');
    expect(topics(body)).toContain('S-IFOS-MESNA');
  });

  test('an active mesna order of 2 days ago coded 44 only counts as the existing mesna order', async () => {
    const id = 'au2-mesna-rec';
    const mesnaOrder = (code: string): MedicationRequest => ({
      resourceType: 'MedicationRequest',
      id: `${id}-o${code}`,
      status: 'active',
      intent: 'order',
      subject: { reference: `Patient/${id}` },
      medicationCodeableConcept: { coding: [{ system: SYS.rxnorm, code }] },
      authoredOn: ago(2),
    });
    const ifosOnly = [draft('d-ifo', id, 'ifosfamide', '5657'), draft('d-dox', id, 'doxorubicin', '3639')];
    const coded44 = await orders(
      app,
      patient(id, CODES.synovial, () => [mesnaOrder('44')]),
      ifosOnly,
    );
    expect(topics(coded44)).not.toContain('S-IFOS-MESNA');
    const coded45 = await orders(
      app,
      patient(id, CODES.synovial, () => [mesnaOrder('45')]),
      ifosOnly,
    );
    expect(topics(coded45)).toContain('S-IFOS-MESNA');
  });
});

describe('§2 other primary cancer: ICD-10-CM C00-C96 holds the lettered categories C4A and C7A', () => {
  /** A thigh LMS with no staging, an unlinked liver metastasis, and another cancer Condition without the mCODE profile. */
  const withOther = (id: string, other: [string, string]): FhirResource[] => {
    const p = new McodePatient(id);
    return [
      p.patient('1960-05-05'),
      p.primary({ id: `${id}-dx`, icd10: CODES.thighIcd, extensionMorphology: CODES.lms, onset: ago(400) }),
      p.primary({ id: `${id}-other`, icd10: other, onset: ago(900), profile: false }),
      p.secondary({ id: `${id}-met`, onset: ago(30) }),
      p.ecogInteger(`${id}-ecog`, ago(5), 1),
      p.lvef(`${id}-lvef`, ago(5), 60),
    ];
  };

  test("an active Merkel cell carcinoma (C4A.9): the unlinked metastasis is not the STS's, D-MISSING-EXTENT names it", async () => {
    const body = await patientView(app, withOther('au2-c4a', ['C4A.9', 'Merkel cell carcinoma, unspecified']));
    expect(topics(body)).toEqual(['D-MISSING-EXTENT']);
    expect(cardOf(body, 'D-MISSING-EXTENT').detail).toMatch(/au2-c4a-met/);
  });

  test('an active malignant neuroendocrine tumor (C7A.1): the same', async () => {
    const body = await patientView(
      app,
      withOther('au2-c7a', ['C7A.1', 'Malignant poorly differentiated neuroendocrine tumors']),
    );
    expect(topics(body)).toEqual(['D-MISSING-EXTENT']);
  });

  test("a basal cell carcinoma of skin (C44.91, just misses: skin is left out): the metastasis is the STS's", async () => {
    const body = await patientView(app, withOther('au2-c44', ['C44.91', 'Basal cell carcinoma of skin, unspecified']));
    expect(topics(body)).toEqual(['M-LMS-1L-DOXO-TRAB', 'M-1L-DOXO', 'M-TRIAL']);
  });
});

describe('F9 / §7.6: a completed Procedure coded SNOMED 108290001 (as its code, not a category) is RT done', () => {
  /** A localized grade 3 UPS of the thigh (cM0, stage IIIC) with one radiotherapy Procedure of the given status. */
  const withRt = (id: string, status: Procedure['status']): FhirResource[] => {
    const p = new McodePatient(id);
    const rt: Procedure = {
      resourceType: 'Procedure',
      id: `${id}-rt`,
      status,
      code: { coding: [{ system: SYS.sct, code: '108290001', display: 'Radiation oncology AND/OR radiotherapy' }] },
      subject: { reference: `Patient/${id}` },
      performedPeriod: { start: ago(40), end: ago(10) },
      reasonReference: [{ reference: `Condition/${id}-dx` }],
    };
    return [
      p.patient('1966-10-10'),
      p.primary({ id: `${id}-dx`, icd10: CODES.thighIcd, extensionMorphology: CODES.ups, onset: ago(90) }),
      p.mCategory(`${id}-m`, ago(80), CODES.cM0),
      p.stageGroup(`${id}-s`, ago(80), CODES.stageIIIC),
      p.grade(`${id}-g`, ago(85), CODES.grade3, `${id}-dx`),
      p.ecogInteger(`${id}-ecog`, ago(5), 1),
      p.lvef(`${id}-lvef`, ago(5), 60),
      rt,
    ];
  };

  test('completed: no radiotherapy card, and pre-operative pembrolizumab + RT is shown without its order', async () => {
    const body = await patientView(app, withRt('au2-rt-done', 'completed'));
    expect(topics(body)).toContain('L-SURGERY');
    expect(topics(body)).not.toContain('L-RT-EXTREMITY');
    expect(cardOf(body, 'L-NEOADJ-UPS-PEMBRO-RT').suggestions ?? []).toEqual([]);
  });

  test('in progress (just misses: not completed): the pembrolizumab + RT option keeps its order', async () => {
    const body = await patientView(app, withRt('au2-rt-prog', 'in-progress'));
    expect(topics(body)).toContain('L-RT-EXTREMITY');
    expect(cardOf(body, 'L-NEOADJ-UPS-PEMBRO-RT').suggestions).toHaveLength(1);
    // What was looked for names the code as well as the category.
    expect(fact(cardOf(body, 'L-RT-EXTREMITY'), 'Radiotherapy')).toBe(
      'not found (looked for: a completed radiotherapy Procedure (SNOMED 1217123003 or 108290001, or category 108290001))',
    );
  });
});

describe('§5 step 2: S-PEMBRO-SETTING only when its inputs are known (the extent decides it for 8858/3 and 8854/3)', () => {
  /** A thigh STS with no M category or stage group: extent unknown (D-MISSING-EXTENT). */
  const unstaged = (id: string, morph: [string, string]): FhirResource[] => {
    const p = new McodePatient(id);
    return [
      p.patient('1970-02-02'),
      p.primary({ id: `${id}-dx`, icd10: CODES.thighIcd, extensionMorphology: morph, onset: ago(400) }),
      p.ecogInteger(`${id}-ecog`, ago(5), 1),
      p.lvef(`${id}-lvef`, ago(5), 60),
    ];
  };
  const pembro = (id: string): MedicationRequest => draft('d-pem', id, 'pembrolizumab', '1547545');

  test('dedifferentiated liposarcoma, extent unknown: POSITION-UNKNOWN (info), not the warning', async () => {
    const body = await orders(app, unstaged('au2-pem-dd', CODES.lpsDediff), [pembro('au2-pem-dd')]);
    expect(topics(body)).toEqual(['POSITION-UNKNOWN']);
    expect(cardOf(body, 'POSITION-UNKNOWN').indicator).toBe('info');
  });

  test('myxoid liposarcoma, extent unknown (just misses: pembrolizumab is outside the setting whatever the extent)', async () => {
    const body = await orders(app, unstaged('au2-pem-myx', ['8852/3', 'Myxoid liposarcoma']), [pembro('au2-pem-myx')]);
    expect(topics(body)).toEqual(['S-PEMBRO-SETTING']);
  });
});

describe('§5 S-BILIRUBIN-HIGH: "in the same unit" when the value is coded umol/L and the range only written µmol/L', () => {
  /** A bilirubin as laboratory systems send it: the value with its UCUM code, the reference range with its unit text. */
  const bilirubin = (id: string, patientId: string, value: number): Observation => ({
    resourceType: 'Observation',
    id,
    status: 'final',
    code: {
      coding: [{ system: SYS.loinc, code: '1975-2', display: 'Bilirubin.total [Moles/volume] in Serum or Plasma' }],
    },
    subject: { reference: `Patient/${patientId}` },
    effectiveDateTime: ago(3),
    valueQuantity: { value, unit: 'µmol/L', system: SYS.ucum, code: 'umol/L' },
    referenceRange: [{ low: { value: 3, unit: 'µmol/L' }, high: { value: 21, unit: 'µmol/L' } }],
  });
  const line2 = (id: string, value: number): FhirResource[] =>
    patient(id, CODES.synovial, (p) => [
      p.admin(`${id}-dox`, ago(200), CODES.rxDoxo, { doseMgM2: 75 }),
      bilirubin(`${id}-b`, id, value),
    ]);
  const gemDoce = (id: string): MedicationRequest[] => [
    draft('d-gem', id, 'gemcitabine', '12574'),
    draft('d-doc', id, 'docetaxel', '72962'),
  ];

  test('35 µmol/L above 21 µmol/L: docetaxel gets the card', async () => {
    const body = await orders(app, line2('au2-bili-hi', 35), gemDoce('au2-bili-hi'));
    expect(cardOf(body, 'S-BILIRUBIN-HIGH').summary).toBe(
      `Docetaxel: bilirubin 35 µmol/L (${ago(3)}) above the upper limit of normal: check the label's hepatic dosing`,
    );
  });

  test('21 µmol/L, equal to the upper limit (just misses): no card', async () => {
    const body = await orders(app, line2('au2-bili-eq', 21), gemDoce('au2-bili-eq'));
    expect(topics(body)).not.toContain('S-BILIRUBIN-HIGH');
    expect(topics(body)).toContain('M-2L-GEM-DOCE');
  });
});

describe('F6 / §7.3: an ECOG not interpretable on the same day as a valid one is named, never ignored silently', () => {
  const withUnreadable = (id: string, days: number): FhirResource[] =>
    patient(id, CODES.synovial, (p) => [p.ecogAs(`${id}-x`, ago(days), { valueString: 'ambulatory' })]);

  test('same day as ECOG 1: "ECOG recorded but not interpretable (ambulatory); same day: 1"', async () => {
    const body = await patientView(app, withUnreadable('au2-ecog-same', 5));
    expect(fact(cardOf(body, 'M-1L-DOXO'), 'ECOG')).toBe(
      'ECOG recorded but not interpretable (ambulatory); same day: 1',
    );
  });

  test('a day before ECOG 1 (just misses): the later valid value alone', async () => {
    const body = await patientView(app, withUnreadable('au2-ecog-before', 6));
    expect(fact(cardOf(body, 'M-1L-DOXO'), 'ECOG')).toBe('1');
  });
});

describe('§5 step 4 "or continues the current regimen": a localized STS during neoadjuvant doxorubicin + ifosfamide', () => {
  /** A localized grade 3 synovial sarcoma of the thigh whose first neoadjuvant cycle was given `days` ago. */
  const onCourse = (id: string, days: number): FhirResource[] => {
    const p = new McodePatient(id);
    return [
      p.patient('1970-02-02'),
      p.primary({ id: `${id}-dx`, icd10: CODES.thighIcd, extensionMorphology: CODES.synovial, onset: ago(days + 30) }),
      p.mCategory(`${id}-m`, ago(days + 20), CODES.cM0),
      p.stageGroup(`${id}-s`, ago(days + 20), CODES.stageIIIC),
      p.grade(`${id}-g`, ago(days + 25), CODES.grade3, `${id}-dx`),
      p.ecogInteger(`${id}-ecog`, ago(5), 1),
      p.lvef(`${id}-lvef`, ago(5), 60),
      p.admin(`${id}-d1`, ago(days), CODES.rxDoxo, { doseMgM2: 25 }),
      p.admin(`${id}-d2`, ago(days - 1), CODES.rxDoxo, { doseMgM2: 25 }),
      p.admin(`${id}-d3`, ago(days - 2), CODES.rxDoxo, { doseMgM2: 25 }),
      p.admin(`${id}-i1`, ago(days), CODES.rxIfos),
      p.admin(`${id}-i2`, ago(days - 1), CODES.rxIfos),
      p.admin(`${id}-i3`, ago(days - 2), CODES.rxIfos),
    ];
  };
  const cycle = (id: string): MedicationRequest[] => [
    draft('d-dox', id, 'doxorubicin', '3639'),
    draft('d-ifo', id, 'ifosfamide', '5657'),
    draft('d-mes', id, 'mesna'),
  ];

  test('cycle 2, 21 days after cycle 1: on pathway under the neoadjuvant node (info), not OFF-PATHWAY', async () => {
    const body = await orders(app, onCourse('au2-neo-c2', 21), cycle('au2-neo-c2'));
    expect(topics(body)).toEqual(['L-NEOADJ-DOXO-IFOS']);
    const card = cardOf(body, 'L-NEOADJ-DOXO-IFOS');
    expect(card.indicator).toBe('info');
    expect(card.summary).toBe('On the STS pathway: Consider neoadjuvant doxorubicin + ifosfamide');
  });

  test('the last cycle 50 days ago (just misses: no current regimen to continue): OFF-PATHWAY', async () => {
    const body = await orders(app, onCourse('au2-neo-old', 50), cycle('au2-neo-old'));
    expect(topics(body)).toEqual(['OFF-PATHWAY']);
  });
});

describe('order-sign of an order re-signed after a revision (CDS Hooks order-sign: "a status other than draft")', () => {
  const lowLvef = (id: string): FhirResource[] => {
    const p = new McodePatient(id);
    return [
      p.patient('1970-02-02'),
      p.primary({ id: `${id}-dx`, icd10: CODES.thighIcd, extensionMorphology: CODES.synovial, onset: ago(400) }),
      p.mCategory(`${id}-m`, ago(90), CODES.cM1),
      p.ecogInteger(`${id}-ecog`, ago(5), 1),
      p.lvef(`${id}-lvef`, ago(5), 45),
    ];
  };
  const resigned = (id: string, status: MedicationRequest['status']): MedicationRequest =>
    draft('d-dox', id, 'doxorubicin', '3639', { status, authoredOn: ago(1) });

  test('an active doxorubicin order signed again with LVEF 45 %: S-DOXO-LVEF (critical), as for a draft', async () => {
    const body = await orders(app, lowLvef('au2-resign'), [resigned('au2-resign', 'active')]);
    expect(topics(body)).toEqual(['S-DOXO-LVEF']);
    expect(cardOf(body, 'S-DOXO-LVEF').indicator).toBe('critical');
  });

  test('a cancelled one in the same Bundle (just misses: not an order being signed): no card', async () => {
    const body = await orders(app, lowLvef('au2-resign-c'), [resigned('au2-resign-c', 'cancelled')]);
    expect(topics(body)).toEqual([]);
  });
});

describe('§5 step 4 "part of <title>" only while other components are not yet drafted (supportive drugs aside)', () => {
  /** A localized grade 3 synovial sarcoma of the thigh before any treatment: neoadjuvant doxorubicin + ifosfamide shown. */
  const untreated = (id: string): FhirResource[] => {
    const p = new McodePatient(id);
    return [
      p.patient('1970-02-02'),
      p.primary({ id: `${id}-dx`, icd10: CODES.thighIcd, extensionMorphology: CODES.synovial, onset: ago(60) }),
      p.mCategory(`${id}-m`, ago(50), CODES.cM0),
      p.grade(`${id}-g`, ago(55), CODES.grade3, `${id}-dx`),
      p.ecogInteger(`${id}-ecog`, ago(5), 1),
      p.lvef(`${id}-lvef`, ago(5), 60),
    ];
  };

  test('doxorubicin + ifosfamide + mesna drafted: the whole regimen, no "part of" line', async () => {
    const id = 'au2-part-all';
    const body = await orders(app, untreated(id), [
      draft('d-dox', id, 'doxorubicin', '3639'),
      draft('d-ifo', id, 'ifosfamide', '5657'),
      draft('d-mes', id, 'mesna'),
    ]);
    expect(topics(body)).toEqual(['L-NEOADJ-DOXO-IFOS']);
    expect(cardOf(body, 'L-NEOADJ-DOXO-IFOS').detail).not.toMatch(/part of/);
  });

  test('doxorubicin alone drafted (just misses: ifosfamide not yet drafted): "part of" the neoadjuvant option', async () => {
    const id = 'au2-part-dox';
    const body = await orders(app, untreated(id), [draft('d-dox', id, 'doxorubicin', '3639')]);
    expect(cardOf(body, 'L-NEOADJ-DOXO-IFOS').detail).toMatch(/part of Consider neoadjuvant doxorubicin \+ ifosfamide/);
  });
});

describe('§7.3 stage group I-III: a display "with stage I, II or III" is a stage numeral, not any word after "stage"', () => {
  /** A thigh synovial sarcoma whose only staging is a stage group Observation with the given text. */
  const staged = (id: string, text: string): FhirResource[] => {
    const p = new McodePatient(id);
    return [
      p.patient('1970-02-02'),
      p.primary({ id: `${id}-dx`, icd10: CODES.thighIcd, extensionMorphology: CODES.synovial, onset: ago(60) }),
      p.stageGroup(`${id}-s`, ago(50), { text }),
      p.ecogInteger(`${id}-ecog`, ago(5), 1),
      p.lvef(`${id}-lvef`, ago(5), 60),
    ];
  };

  test('"Stage information not available": extent unknown (D-MISSING-EXTENT), no localized surgery or RT card', async () => {
    const body = await patientView(app, staged('au2-stage-na', 'Stage information not available'));
    expect(topics(body)).toEqual(['D-MISSING-EXTENT']);
  });

  test('"Stage IIIB" (just misses: a stage numeral with its sub-stage): localized', async () => {
    const body = await patientView(app, staged('au2-stage-3b', 'Stage IIIB'));
    expect(topics(body)).toContain('L-SURGERY');
  });
});
