/**
 * Clinical QA over HTTP: the readings of PATHWAY.md 2026.12.1 that an audit of the implementation against the spec found
 * missing (each with a patient that reaches it and one that just misses it): codes §6 lists for matching only, and the
 * §7.3 value forms of stage group and M category.
 */
import type {
  CodeableConcept,
  FhirResource,
  MedicationAdministration,
  MedicationRequest,
  Observation,
} from 'fhir/r4.js';
import type { CdsResponse } from '../../src/shared/cds-hooks.js';
import { testApp } from '../helpers/app.js';
import { CODES, McodePatient, SYS } from '../fixtures/mcode/resources.js';
import { NOW, ago, cardOf, draft, fact, orders, patientView, topics } from '../fixtures/mcode/http.js';

const app = testApp({ PUBLIC_BASE_URL: 'https://cds.example.org' }, () => NOW);

/** An adult with a thigh STS of the given histology, metastatic unless `localized`, ECOG 1 and LVEF 60 % this week. */
function patient(
  id: string,
  morph: [string, string],
  extra: (p: McodePatient) => FhirResource[] = () => [],
  o: { extent?: 'metastatic' | 'localized' | 'none' } = {},
): FhirResource[] {
  const p = new McodePatient(id);
  const extent = o.extent ?? 'metastatic';
  return [
    p.patient('1970-02-02'),
    p.primary({ id: `${id}-dx`, icd10: CODES.thighIcd, extensionMorphology: morph, onset: ago(400) }),
    ...(extent === 'none' ? [] : [p.mCategory(`${id}-m`, ago(90), extent === 'localized' ? CODES.cM0 : CODES.cM1)]),
    p.ecogInteger(`${id}-ecog`, ago(5), 1),
    p.lvef(`${id}-lvef`, ago(5), 60),
    ...extra(p),
  ];
}

/** What an EHR puts in a prefetch key whose query failed (§2 rule 3). */
const FAILED = {
  resourceType: 'OperationOutcome',
  issue: [{ severity: 'error', code: 'exception', diagnostics: 'failed' }],
};

/** patient-view with the full prefetch, one key replaced (a failed query, a truncated Bundle); no fhirServer. */
const viewWith = (resources: readonly FhirResource[], key: string, value: unknown): Promise<CdsResponse> =>
  patientView(app, resources, undefined, { [key]: value });

/** A trabectedin order or administration as a pharmacy system codes it: the EVDI product code alone, no display. */
const productOnly = (code: string): MedicationRequest['medicationCodeableConcept'] => ({
  coding: [{ system: SYS.rxnorm, code }],
});

function trabAdmin(p: McodePatient, id: string, date: string, code: string): MedicationAdministration {
  return {
    resourceType: 'MedicationAdministration',
    id,
    status: 'completed',
    medicationCodeableConcept: productOnly(code),
    subject: { reference: `Patient/${p.id}` },
    effectiveDateTime: date,
  };
}

describe('§6 trabectedin: the EVDI product codes 2745754 and 2745760 are matched (input only)', () => {
  const trabDraft = (patientId: string, code: string): MedicationRequest => ({
    resourceType: 'MedicationRequest',
    id: 'd-trab',
    status: 'draft',
    intent: 'order',
    subject: { reference: `Patient/${patientId}` },
    medicationCodeableConcept: productOnly(code),
  });

  test('a trabectedin draft coded 2745760 only, for synovial sarcoma: S-TRABECTEDIN-HISTOLOGY', async () => {
    const body = await orders(app, patient('au-trab-syn', CODES.synovial), [trabDraft('au-trab-syn', '2745760')]);
    const card = cardOf(body, 'S-TRABECTEDIN-HISTOLOGY');
    expect(card.indicator).toBe('warning');
  });

  test('the same draft coded with an unlisted product code gets no card (just misses: not a §6 drug)', async () => {
    const body = await orders(app, patient('au-trab-unl', CODES.synovial), [trabDraft('au-trab-unl', '2745761')]);
    expect(topics(body)).toEqual([]);
  });

  test('administrations coded 2745754 only count as trabectedin received: LMS line 3 offers pazopanib, not trabectedin', async () => {
    const lms = patient('au-trab-rx', CODES.lms, (p) => [
      p.admin('au-trab-rx-dox1', ago(400), CODES.rxDoxo, { doseMgM2: 75 }),
      p.admin('au-trab-rx-dox2', ago(379), CODES.rxDoxo, { doseMgM2: 75 }),
      p.admin('au-trab-rx-gem', ago(300), CODES.rxGem),
      p.admin('au-trab-rx-doc', ago(293), CODES.rxDoce),
      trabAdmin(p, 'au-trab-rx-t1', ago(200), '2745754'),
      trabAdmin(p, 'au-trab-rx-t2', ago(179), '2745754'),
    ]);
    const body = await patientView(app, lms);
    expect(topics(body)).toContain('M-3L-PAZOPANIB');
    expect(topics(body)).not.toContain('M-3L-TRABECTEDIN');
    for (const card of body.cards) expect(card.detail).not.toMatch(/administered medications? not recognized/);
  });
});

describe('§7.3 stage group: a display "stage 4" is stage IV', () => {
  const staged = (id: string, text: string): FhirResource[] =>
    patient(id, CODES.synovial, (p) => [p.stageGroup(`${id}-sg`, ago(60), { text })], { extent: 'localized' });

  test('"Stage 4" beside an older cM0: metastatic (stage IV wins whatever its date)', async () => {
    const body = await patientView(app, staged('au-stage4', 'Stage 4'));
    expect(topics(body)).toContain('M-1L-DOXO');
    expect(topics(body)).not.toContain('L-SURGERY');
  });

  test('"Stage 3" beside cM0: localized (just misses)', async () => {
    const body = await patientView(app, staged('au-stage3', 'Stage III'));
    expect(topics(body)).toContain('L-SURGERY');
    expect(topics(body)).not.toContain('M-1L-DOXO');
  });
});

describe('§7.3 M category: M0 "with any suffix, as for M1"', () => {
  const mOnly = (id: string, code: string): FhirResource[] =>
    patient(id, CODES.synovial, (p) => [p.mCategory(`${id}-m0`, ago(30), { system: SYS.ajcc, code })], {
      extent: 'none',
    });

  test('AJCC cM0(i+) alone: localized', async () => {
    const body = await patientView(app, mOnly('au-m0i', 'cM0(i+)'));
    expect(topics(body)).toContain('L-SURGERY');
  });

  test('AJCC cMX alone: extent unknown (just misses)', async () => {
    const body = await patientView(app, mOnly('au-mx', 'cMX'));
    expect(topics(body)).toEqual(['D-MISSING-EXTENT']);
  });
});

describe('F5/F7: an administration whose referenced Medication is not in the prefetch', () => {
  /** Doxorubicin 75 mg/m² every 3 weeks x 6, as an EHR sends it: medicationReference to its formulary Medication. */
  const doxoByReference = (p: McodePatient, display?: string): MedicationAdministration[] =>
    [200, 179, 158, 137, 116, 95].map((days, i) => ({
      resourceType: 'MedicationAdministration',
      id: `${p.id}-dox${i}`,
      status: 'completed',
      medicationReference: { reference: 'Medication/ehr-formulary-7713', ...(display ? { display } : {}) },
      subject: { reference: `Patient/${p.id}` },
      effectiveDateTime: ago(days),
      dosage: { dose: { value: 75, unit: 'mg/m2', system: 'http://unitsofmeasure.org', code: 'mg/m2' } },
    }));

  test('named by the reference display: counted (line 2, cumulative 450 mg/m²: a doxorubicin draft is blocked)', async () => {
    const named = patient('au-ref-named', CODES.lms, (p) => doxoByReference(p, 'DOXOrubicin HCl 2 mg/mL injection'));
    const view = await patientView(app, named);
    expect(topics(view)).toContain('M-2L-GEM-DOCE');
    const body = await orders(app, named, [
      {
        resourceType: 'MedicationRequest',
        id: 'd-dox',
        status: 'draft',
        intent: 'order',
        subject: { reference: 'Patient/au-ref-named' },
        medicationCodeableConcept: { coding: [{ system: SYS.rxnorm, code: '3639', display: 'doxorubicin' }] },
      },
    ]);
    expect(cardOf(body, 'S-DOXO-CUMULATIVE').indicator).toBe('critical');
  });

  test('with no display either: not silently dropped, the cards say the administrations were not recognized', async () => {
    const bare = patient('au-ref-bare', CODES.lms, (p) => doxoByReference(p));
    const view = await patientView(app, bare);
    expect(topics(view)).toContain('M-LMS-1L-DOXO-TRAB');
    expect(cardOf(view, 'M-LMS-1L-DOXO-TRAB').detail).toContain('6 administered medications not recognized');
  });
});

describe('§4.4 X-UNCOVERED links: NCI-STS-RESEARCH and CT-GOV-STS with the display as the trial term', () => {
  const uncovered = (id: string, display: string): FhirResource[] => {
    const p = new McodePatient(id);
    return [
      p.patient('1968-08-08'),
      p.primary({ id: `${id}-dx`, icd10: CODES.thighIcd, icdo3: ['9044/3', display], onset: ago(60) }),
    ];
  };

  test('"Clear cell sarcoma, NOS" in the record: a ClinicalTrials.gov search for "Clear cell sarcoma"', async () => {
    const card = cardOf(await patientView(app, uncovered('au-unc-cc', 'Clear cell sarcoma, NOS')), 'X-UNCOVERED');
    const urls = (card.links ?? []).map((l) => l.url);
    expect(urls).toContain('https://www.cancer.gov/types/soft-tissue-sarcoma/research');
    expect(urls).toContain('https://clinicaltrials.gov/search?cond=Clear%20cell%20sarcoma');
  });

  test('no display in the record: the search term is "sarcoma"', async () => {
    const card = cardOf(await patientView(app, uncovered('au-unc-nd', '')), 'X-UNCOVERED');
    expect((card.links ?? []).map((l) => l.url)).toContain('https://clinicaltrials.gov/search?cond=sarcoma');
    expect(card.detail).toContain('ICD-O-3 9044/3 (9044/3) is not covered by this pathway');
  });
});

describe('§4.1 L-POST-RESECTION: adjuvant pembrolizumab only after pre-operative pembrolizumab (UPS)', () => {
  /** A resected UPS of the thigh (grade 3, cM0), with pembrolizumab 200 mg every 3 weeks on the given days. */
  const resectedUps = (id: string, pembroDays: readonly number[]): FhirResource[] =>
    patient(
      id,
      CODES.ups,
      (p) => [
        p.grade(`${id}-g`, ago(260), CODES.grade3, `${id}-dx`),
        ...pembroDays.map((days, i) => p.admin(`${id}-pem${i}`, ago(days), ['1547545', 'pembrolizumab'])),
        p.radiotherapy(`${id}-rt`, ago(190), ago(155), `${id}-dx`),
        p.surgery(`${id}-surg`, ago(120), { reasonId: `${id}-dx` }),
      ],
      { extent: 'localized' },
    );
  const pembroDraft = (patientId: string): MedicationRequest => ({
    resourceType: 'MedicationRequest',
    id: 'd-pem',
    status: 'draft',
    intent: 'order',
    subject: { reference: `Patient/${patientId}` },
    medicationCodeableConcept: {
      coding: [{ system: SYS.rxnorm, code: '1547545', display: 'pembrolizumab' }],
      text: 'pembrolizumab',
    },
  });
  const ADJUVANT = 'adjuvant pembrolizumab, up to 14 cycles (SU2C-SARC032), is on pathway';

  test('pembrolizumab before the surgery: the card says adjuvant pembrolizumab is on pathway, and a draft is on pathway', async () => {
    const resources = resectedUps('au-adj-pre', [200, 179, 158]);
    const view = await patientView(app, resources);
    expect(topics(view)).toEqual(['L-POST-RESECTION']);
    expect(cardOf(view, 'L-POST-RESECTION').detail).toContain(ADJUVANT);
    const body = await orders(app, resources, [pembroDraft('au-adj-pre')]);
    expect(topics(body)).toEqual(['L-NEOADJ-UPS-PEMBRO-RT']);
    expect(cardOf(body, 'L-NEOADJ-UPS-PEMBRO-RT').indicator).toBe('info');
  });

  test('pembrolizumab first given after the surgery (just misses): no adjuvant sentence, and a draft has no position', async () => {
    const resources = resectedUps('au-adj-post', [100, 79]);
    const view = await patientView(app, resources);
    expect(cardOf(view, 'L-POST-RESECTION').detail).not.toContain(ADJUVANT);
    const body = await orders(app, resources, [pembroDraft('au-adj-post')]);
    expect(topics(body)).not.toContain('L-NEOADJ-UPS-PEMBRO-RT');
    expect(topics(body)).toEqual(['POSITION-UNKNOWN']);
  });
});

describe('§2 treatment history unavailable with doxorubicin contraindicated (metastatic)', () => {
  const lowLvef = (id: string): FhirResource[] => patient(id, CODES.lms, (p) => [p.lvef(`${id}-lvef40`, ago(2), 40)]);

  test('administrations unreadable: the anthracycline-free option is shown without suggestions ("line unknown")', async () => {
    const body = await viewWith(lowLvef('au-unr-lvef'), 'medicationAdministrations', FAILED);
    expect(topics(body)).toContain('D-ANTHRACYCLINE-CONTRAINDICATED');
    const option = cardOf(body, 'M-2L-GEM-DOCE');
    expect(option.suggestions ?? []).toEqual([]);
    expect(option.detail).toContain('treatment history unavailable');
  });

  test('history readable (just misses): the anthracycline-free option carries its suggestion', async () => {
    const body = await patientView(app, lowLvef('au-rd-lvef'));
    expect((cardOf(body, 'M-2L-GEM-DOCE').suggestions ?? []).length).toBe(1);
  });
});

describe('§5 S-BILIRUBIN-HIGH at patient-view: "a fact on the regimen node\'s card"', () => {
  const line2 = (id: string): FhirResource[] =>
    patient(id, CODES.lms, (p) => [
      p.admin(`${id}-dox`, ago(200), CODES.rxDoxo, { doseMgM2: 75 }),
      p.bilirubin(`${id}-bili`, ago(4), 2.1, { high: 1.2 }),
    ]);

  test('bilirubin above its upper limit: the gemcitabine + docetaxel card lists it', async () => {
    const card = cardOf(await patientView(app, line2('au-bili-pv')), 'M-2L-GEM-DOCE');
    expect(card.detail).toContain(
      `Total bilirubin: 2.1 mg/dL (upper limit 1.2 mg/dL): above the upper limit of normal, ${ago(4)}`,
    );
  });

  test('the trial card, which orders no drug of the rule, does not (just misses)', async () => {
    const card = cardOf(await patientView(app, line2('au-bili-tr')), 'M-TRIAL');
    expect(card.detail).not.toContain('Total bilirubin');
  });
});

describe('§2 Observations unreadable or read only in part: "extent from Conditions alone: metastatic if they show it, else unknown"', () => {
  /** The Observations of a scenario as a first page whose next page cannot be followed (no fhirServer): incomplete. */
  const truncated = (resources: readonly FhirResource[]): unknown => {
    const observations = resources.filter((r) => r.resourceType === 'Observation');
    return {
      resourceType: 'Bundle',
      type: 'searchset',
      total: observations.length + 40,
      link: [{ relation: 'next', url: 'https://ehr.example.org/fhir/Observation?page=2' }],
      entry: observations.map((resource) => ({ resource, search: { mode: 'match' } })),
    };
  };
  const localized = (id: string, extra: (p: McodePatient) => FhirResource[] = () => []): FhirResource[] =>
    patient(id, CODES.lms, (p) => [p.grade(`${id}-g`, ago(80), CODES.grade3, `${id}-dx`), ...extra(p)], {
      extent: 'localized',
    });

  test('Observations read only in part, M0 on the first page: extent unknown, no regimen suggested', async () => {
    const resources = localized('au-obs-part');
    const body = await viewWith(resources, 'observations', truncated(resources));
    expect(topics(body)).toEqual(['D-MISSING-EXTENT']);
    expect(cardOf(body, 'D-MISSING-EXTENT').detail).toContain('extent from Conditions alone');
  });

  test('Observations unreadable, a stage III stage.summary on the Condition: extent unknown (Conditions show no metastasis)', async () => {
    const p = new McodePatient('au-obs-fail');
    const resources: FhirResource[] = [
      p.patient('1970-02-02'),
      p.primary({
        id: 'au-obs-fail-dx',
        icd10: CODES.thighIcd,
        extensionMorphology: CODES.lms,
        onset: ago(100),
        stageSummary: CODES.stageIIIC,
      }),
    ];
    expect(topics(await patientView(app, resources))).toContain('L-SURGERY');
    expect(topics(await viewWith(resources, 'observations', FAILED))).toEqual(['D-MISSING-EXTENT']);
  });

  test('Observations read only in part, a liver metastasis Condition (just misses): metastatic', async () => {
    const resources = localized('au-obs-met', (p) => [
      p.secondary({ id: 'au-obs-met-liver', primaryId: 'au-obs-met-dx' }),
    ]);
    const body = await viewWith(resources, 'observations', truncated(resources));
    expect(topics(body)).toContain('M-LMS-1L-DOXO-TRAB');
  });
});

describe('listed codes and shapes no other scenario reaches (each with a patient that just misses)', () => {
  const doxDraft = (patientId: string, text = 'doxorubicin'): MedicationRequest => ({
    resourceType: 'MedicationRequest',
    id: 'd-dox',
    status: 'draft',
    intent: 'order',
    subject: { reference: `Patient/${patientId}` },
    medicationCodeableConcept: { text },
  });

  test('§7.3 stage group LOINC 21914-7 with AJCC 4 beside cM0: metastatic; SNOMED 399537006 with "Stage II": localized', async () => {
    const obs = (id: string, code: [string, string], value: CodeableConcept) =>
      patient(
        id,
        CODES.synovial,
        (p) => [
          {
            resourceType: 'Observation',
            id: `${id}-sg`,
            status: 'final',
            code: { coding: [{ system: code[0], code: code[1] }] },
            subject: { reference: `Patient/${p.id}` },
            effectiveDateTime: ago(20),
            valueCodeableConcept: value,
          },
        ],
        { extent: 'localized' },
      );
    const iv = await patientView(
      app,
      obs('au-sg-21914', [SYS.loinc, '21914-7'], { coding: [{ system: SYS.ajcc, code: '4' }] }),
    );
    expect(topics(iv)).toContain('M-1L-DOXO');
    const ii = await patientView(app, obs('au-sg-3995', [SYS.sct, '399537006'], { text: 'Stage II' }));
    expect(topics(ii)).toContain('L-SURGERY');
  });

  test('F7 2a: a statement derivedFrom a counted administration is covered (total known); without the link it is unconfirmed', async () => {
    const withStatement = (id: string, linked: boolean): FhirResource[] =>
      patient(id, CODES.lms, (p) => [
        ...[100, 79, 58].map((d, i) => p.admin(`${id}-a${i}`, ago(d), CODES.rxDoxo, { doseMgM2: 75 })),
        {
          resourceType: 'MedicationStatement',
          id: `${id}-st`,
          status: 'completed',
          medicationCodeableConcept: { text: 'doxorubicin' },
          subject: { reference: `Patient/${p.id}` },
          effectivePeriod: { start: ago(200), end: ago(58) },
          ...(linked ? { derivedFrom: [{ reference: `MedicationAdministration/${id}-a0` }] } : {}),
          dosage: [{ doseAndRate: [{ doseQuantity: { value: 75, unit: 'mg/m2', code: 'mg/m2' } }] }],
        },
      ]);
    const linked = await orders(app, withStatement('au-st-link', true), [doxDraft('au-st-link')]);
    expect(topics(linked)).not.toContain('S-DOXO-CUMULATIVE-WARN');
    const unlinked = await orders(app, withStatement('au-st-free', false), [doxDraft('au-st-free')]);
    expect(cardOf(unlinked, 'S-DOXO-CUMULATIVE-WARN').summary).toBe(
      'Cumulative anthracycline dose incomplete (at least 225 mg/m² as recorded): verify before ordering',
    );
  });

  test('§2 a statement dated only by dateAsserted: 10 days ago it is current; 100 days ago it is prior', async () => {
    const asserted = (id: string, days: number): FhirResource[] =>
      patient(id, CODES.lms, (p) => [
        p.admin(`${id}-dox`, ago(300), CODES.rxDoxo, { doseMgM2: 75 }),
        ...['gemcitabine', 'docetaxel'].map((drug): FhirResource => ({
          resourceType: 'MedicationStatement',
          id: `${id}-${drug}`,
          status: 'completed',
          medicationCodeableConcept: { text: drug },
          subject: { reference: `Patient/${p.id}` },
          dateAsserted: ago(days),
        })),
      ]);
    expect(topics(await patientView(app, asserted('au-da-10', 10)))).toContain('M-2L-GEM-DOCE');
    const prior = await patientView(app, asserted('au-da-100', 100));
    expect(topics(prior)).toEqual(['M-3L-TRABECTEDIN', 'M-3L-PAZOPANIB', 'M-TRIAL']);
  });

  test('F5 intents: a completed instance-order or filler-order is an exposure (line 2); a plan is not (line 1)', async () => {
    const ordered = (id: string, intent: MedicationRequest['intent']): FhirResource[] =>
      patient(id, CODES.lms, (p) => [p.request(`${id}-o`, ago(100), CODES.rxDoxo, { status: 'completed', intent })]);
    expect(topics(await patientView(app, ordered('au-int-inst', 'instance-order')))).toContain('M-2L-GEM-DOCE');
    expect(topics(await patientView(app, ordered('au-int-fill', 'filler-order')))).toContain('M-2L-GEM-DOCE');
    expect(topics(await patientView(app, ordered('au-int-plan', 'plan')))).toContain('M-LMS-1L-DOXO-TRAB');
  });

  test('S-IFOS-MESNA: an on-hold mesna order authored 2 days ago counts; a cancelled one does not', async () => {
    const withMesna = (id: string, status: MedicationRequest['status']): FhirResource[] =>
      patient(id, CODES.synovial, (p) => [p.request(`${id}-m`, ago(2), ['44', 'mesna'], { status })]);
    const ifosDraft = (patientId: string): MedicationRequest => ({ ...doxDraft(patientId, 'ifosfamide'), id: 'd-ifo' });
    const onHold = await orders(app, withMesna('au-mes-hold', 'on-hold'), [
      doxDraft('au-mes-hold'),
      ifosDraft('au-mes-hold'),
    ]);
    expect(topics(onHold)).not.toContain('S-IFOS-MESNA');
    const cancelled = await orders(app, withMesna('au-mes-can', 'cancelled'), [
      doxDraft('au-mes-can'),
      ifosDraft('au-mes-can'),
    ]);
    expect(topics(cancelled)).toContain('S-IFOS-MESNA');
  });

  test('§6 Lipodox is liposomal doxorubicin: off pathway at line 1; plain doxorubicin is on pathway', async () => {
    const lipo = await orders(app, patient('au-lipodox', CODES.synovial), [doxDraft('au-lipodox', 'Lipodox 50 mg')]);
    expect(topics(lipo)).toEqual(['OFF-PATHWAY']);
    expect(cardOf(lipo, 'OFF-PATHWAY').detail).toContain('liposomal doxorubicin is not a pathway regimen');
    const plain = await orders(app, patient('au-plaindox', CODES.synovial), [doxDraft('au-plaindox')]);
    expect(topics(plain)).toEqual(['M-1L-DOXO']);
  });
});

describe('§7.3 LVEF with a comparator (spec silent): "<v" is at most v, never read as v', () => {
  const LVEF_LOINC: [string, string] = [SYS.loinc, '10230-1'];
  const withLvef = (id: string, value: Partial<Observation>): FhirResource[] =>
    patient(id, CODES.synovial, (p) => [p.lvefAs(`${id}-lv`, ago(2), LVEF_LOINC, value)]);
  const pct = (comparator: '<' | '<=' | '>' | '>=', value: number): Partial<Observation> => ({
    valueQuantity: { comparator, value, unit: '%', system: SYS.ucum, code: '%' },
  });
  const doxo = (id: string): ReturnType<typeof draft> => draft('d-dox', id, 'doxorubicin', '3639');

  test.each([
    ['valueQuantity comparator "<" 50', pct('<', 50), '<50'],
    ['valueQuantity comparator "<=" 45', pct('<=', 45), '<=45'],
    ['a valueString "< 50%"', { valueString: '< 50%' }, '<50'],
  ])('%s: low (the true value is below the threshold), S-DOXO-LVEF blocks doxorubicin', async (_n, value, shown) => {
    const body = await orders(app, withLvef('au-lvcmp-low', value), [doxo('au-lvcmp-low')]);
    const card = cardOf(body, 'S-DOXO-LVEF');
    expect(card.summary).toBe(`Doxorubicin not recommended: LVEF ${shown} % (${ago(2)}) is below 50 %`);
    expect(fact(card, 'LVEF')).toBe(`${shown} %`);
    expect(topics(body)).not.toContain('S-DOXO-LVEF-UNKNOWN');
  });

  test('">" 50 (just misses: reliably not low): doxorubicin on pathway with no cardiac card', async () => {
    const body = await orders(app, withLvef('au-lvcmp-gt', pct('>', 50)), [doxo('au-lvcmp-gt')]);
    expect(topics(body)).toEqual(['M-1L-DOXO']);
  });

  test.each([
    ['"<" 60 (could be below 50)', pct('<', 60), '<60 %'],
    ['">" 40 (could be below 50)', pct('>', 40), '>40 %'],
  ])('%s: not interpretable, named with its comparator: S-DOXO-LVEF-UNKNOWN', async (_n, value, shown) => {
    const body = await orders(app, withLvef('au-lvcmp-unk', value), [doxo('au-lvcmp-unk')]);
    expect(topics(body)).not.toContain('S-DOXO-LVEF');
    const card = cardOf(body, 'S-DOXO-LVEF-UNKNOWN');
    expect(card.summary).toBe('Doxorubicin: no usable LVEF (not interpretable): assess LVEF before this dose');
    expect(fact(card, 'LVEF')).toContain(`LVEF recorded but not interpretable (${shown})`);
  });

  test('patient-view: "<" 50 holds nothing back silently: the anthracycline-contraindicated card names "LVEF <50 %"', async () => {
    const body = await patientView(app, withLvef('au-lvcmp-pv', pct('<', 50)));
    expect(cardOf(body, 'D-ANTHRACYCLINE-CONTRAINDICATED').detail).toContain('LVEF <50 %');
  });
});

describe('F7 item 3: a dose in "mg/m²" (superscript two, spec silent) is the same unit as mg/m2', () => {
  const doxoIn = (id: string, unit: string): FhirResource[] =>
    patient(id, CODES.lms, () =>
      [200, 179, 158, 137, 116, 95].map((days, i): MedicationAdministration => ({
        resourceType: 'MedicationAdministration',
        id: `${id}-dox${i}`,
        status: 'completed',
        medicationCodeableConcept: { coding: [{ system: SYS.rxnorm, code: '3639', display: 'doxorubicin' }] },
        subject: { reference: `Patient/${id}` },
        effectiveDateTime: ago(days),
        dosage: { dose: { value: 75, unit } },
      })),
    );
  const doxo = (id: string): ReturnType<typeof draft> => draft('d-dox', id, 'doxorubicin', '3639');

  test('six doses of 75 "mg/m²": 450 mg/m² counted (not "at least"), S-DOXO-CUMULATIVE blocks another dose', async () => {
    const body = await orders(app, doxoIn('au-sup-2', 'mg/m²'), [doxo('au-sup-2')]);
    const card = cardOf(body, 'S-DOXO-CUMULATIVE');
    expect(card.indicator).toBe('critical');
    expect(fact(card, 'Cumulative doxorubicin')).toMatch(/^450 mg\/m² as recorded in this record \(6 administrations/);
  });

  test('the same doses in "mg/m³" (just misses): not convertible, no confirmed total, no block', async () => {
    const body = await orders(app, doxoIn('au-sup-3', 'mg/m³'), [doxo('au-sup-3')]);
    expect(topics(body)).not.toContain('S-DOXO-CUMULATIVE');
  });
});

describe('§2 ties and §7.3 "never ignored silently": an unreadable LVEF the same day as a valid one', () => {
  const withBad = (id: string, days: number): FhirResource[] =>
    patient(id, CODES.synovial, (p) => [
      p.lvefAs(`${id}-bad`, ago(days), [SYS.loinc, '10230-1'], {
        valueQuantity: { value: 55, unit: 'mL', system: SYS.ucum, code: 'mL' },
      }),
    ]);
  const doxo = (id: string): ReturnType<typeof draft> => draft('d-dox', id, 'doxorubicin', '3639');

  test('same day as the LVEF 60 %: named beside it, and the LVEF is not interpretable (S-DOXO-LVEF-UNKNOWN)', async () => {
    const body = await orders(app, withBad('au-tie-bad', 5), [doxo('au-tie-bad')]);
    const card = cardOf(body, 'S-DOXO-LVEF-UNKNOWN');
    expect(card.summary).toBe('Doxorubicin: no usable LVEF (not interpretable): assess LVEF before this dose');
    expect(fact(card, 'LVEF')).toContain('LVEF recorded but not interpretable (55 mL); same day: 60 %');
  });

  test('a day before the LVEF 60 % (just misses): the later valid value is used, no cardiac card', async () => {
    const body = await orders(app, withBad('au-tie-old', 6), [doxo('au-tie-old')]);
    expect(topics(body)).toEqual(['M-1L-DOXO']);
  });
});
