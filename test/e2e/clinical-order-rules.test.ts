/**
 * Clinical QA over HTTP: the order-time rules of PATHWAY.md 2026.12.1 that read the draft set itself (S-IFOS-MESNA with
 * mesna drafts, admixtures and recent mesna orders), the pediatric order-time card (§5 step 1) and the histology-specific
 * options of §5 step 7. Each has a patient that reaches it and one that just misses it.
 */
import type { FhirResource, Medication, MedicationRequest } from 'fhir/r4.js';
import { testApp } from '../helpers/app.js';
import { CODES, McodePatient } from '../fixtures/mcode/resources.js';
import { NOW, ago, cardOf, draft, fact, orders, topics } from '../fixtures/mcode/http.js';

const app = testApp({ PUBLIC_BASE_URL: 'https://cds.example.org' }, () => NOW);

function patient(
  id: string,
  extra: (p: McodePatient) => FhirResource[] = () => [],
  o: { morph?: [string, string]; birthDate?: string; localized?: boolean } = {},
): FhirResource[] {
  const p = new McodePatient(id);
  return [
    p.patient(o.birthDate ?? '1975-03-03'),
    p.primary({
      id: `${id}-dx`,
      icd10: CODES.thighIcd,
      extensionMorphology: o.morph ?? CODES.synovial,
      onset: ago(300),
    }),
    p.mCategory(`${id}-m`, ago(100), o.localized ? CODES.cM0 : CODES.cM1),
    p.ecogInteger(`${id}-ecog`, ago(5), 1),
    p.lvef(`${id}-lvef`, ago(5), 60),
    ...extra(p),
  ];
}

const ifos = (id: string, extra: Partial<MedicationRequest> = {}): MedicationRequest =>
  draft('d-ifo', id, 'ifosfamide', '5657', extra);
const doxo = (id: string): MedicationRequest => draft('d-dox', id, 'doxorubicin', '3639');

describe('S-IFOS-MESNA (order-sign only)', () => {
  test('ifosfamide signed without mesna: warning card', async () => {
    const body = await orders(app, patient('qa-mesna-no'), [doxo('qa-mesna-no'), ifos('qa-mesna-no')]);
    const card = cardOf(body, 'S-IFOS-MESNA');
    expect(card.summary).toBe('Ifosfamide ordered without mesna: add mesna (hemorrhagic cystitis)');
    expect(card.indicator).toBe('warning');
    expect(card.overrideReasons?.map((r) => r.code)).not.toContain('cardio-oncology-cleared');
  });

  test('with a mesna draft in the same draft set: no card (just misses)', async () => {
    const body = await orders(app, patient('qa-mesna-d'), [
      doxo('qa-mesna-d'),
      ifos('qa-mesna-d'),
      draft('d-mes', 'qa-mesna-d', 'Mesnex'),
    ]);
    expect(topics(body)).not.toContain('S-IFOS-MESNA');
  });

  test('an admixture whose Medication lists mesna as an ingredient: no card', async () => {
    const med: Medication = {
      resourceType: 'Medication',
      id: 'mix',
      code: { text: 'ifosfamide 3 g in sodium chloride 0.9 %' },
      ingredient: [{ itemCodeableConcept: { text: 'ifosfamide' } }, { itemCodeableConcept: { text: 'mesna' } }],
    };
    const admixture: MedicationRequest = {
      resourceType: 'MedicationRequest',
      id: 'd-mix',
      status: 'draft',
      intent: 'order',
      subject: { reference: 'Patient/qa-mesna-mix' },
      contained: [med],
      medicationReference: { reference: '#mix' },
    };
    const body = await orders(app, patient('qa-mesna-mix'), [doxo('qa-mesna-mix'), admixture]);
    expect(topics(body)).not.toContain('S-IFOS-MESNA');
  });

  test('an active mesna order authored 3 days ago counts; one 10 days ago does not', async () => {
    const recent = patient('qa-mesna-r', (p) => [
      p.request('qa-mesna-r-o', ago(3), ['44', 'mesna'], { status: 'active' }),
    ]);
    expect(topics(await orders(app, recent, [doxo('qa-mesna-r'), ifos('qa-mesna-r')]))).not.toContain('S-IFOS-MESNA');
    const old = patient('qa-mesna-o', (p) => [
      p.request('qa-mesna-o-o', ago(10), ['44', 'mesna'], { status: 'active' }),
    ]);
    expect(topics(await orders(app, old, [doxo('qa-mesna-o'), ifos('qa-mesna-o')]))).toContain('S-IFOS-MESNA');
  });

  test('at order-select the rule is not applied', async () => {
    const body = await orders(
      app,
      patient('qa-mesna-sel'),
      [doxo('qa-mesna-sel'), ifos('qa-mesna-sel')],
      ['MedicationRequest/d-ifo'],
    );
    expect(topics(body)).not.toContain('S-IFOS-MESNA');
  });

  test('applies at any age: a 15-year-old gets S-IFOS-MESNA (and no adult rule)', async () => {
    const body = await orders(
      app,
      patient('qa-mesna-ped', () => [], { birthDate: '2011-01-01' }),
      [ifos('qa-mesna-ped')],
    );
    expect(topics(body)).toEqual(['S-IFOS-MESNA']);
  });
});

describe('§5 step 1: the pediatric order-time card', () => {
  test('an anthracycline draft under 18: one X-PEDIATRIC info card with the LVEF and cumulative anthracycline facts', async () => {
    const body = await orders(
      app,
      patient('qa-ped-dox', () => [], { birthDate: '2012-05-05' }),
      [doxo('qa-ped-dox')],
    );
    expect(topics(body)).toEqual(['X-PEDIATRIC']);
    const card = cardOf(body, 'X-PEDIATRIC');
    expect(card.indicator).toBe('info');
    expect(card.overrideReasons ?? []).toEqual([]);
    expect(card.detail).toContain(
      'Pediatric protocol cardiac monitoring and cumulative limits apply; adult thresholds are not used.',
    );
    expect(fact(card, 'LVEF')).toBe('60 %');
    expect(fact(card, 'Cumulative doxorubicin')).toBeDefined();
  });

  test('a non-anthracycline draft under 18 gets no card (just misses)', async () => {
    const body = await orders(
      app,
      patient('qa-ped-gem', () => [], { birthDate: '2012-05-05' }),
      [draft('d-gem', 'qa-ped-gem', 'gemcitabine', '12574')],
    );
    expect(body.cards).toEqual([]);
  });
});

describe('§5 step 7: histology-specific options', () => {
  test('paclitaxel for angiosarcoma (9120/3): HISTOLOGY-SPECIFIC-OPTION, info, no suggestion, no override reasons', async () => {
    const body = await orders(
      app,
      patient('qa-hso-angio', () => [], { morph: ['9120/3', 'Hemangiosarcoma'] }),
      [draft('d-pac', 'qa-hso-angio', 'paclitaxel', '56946')],
    );
    expect(topics(body)).toEqual(['HISTOLOGY-SPECIFIC-OPTION']);
    const card = cardOf(body, 'HISTOLOGY-SPECIFIC-OPTION');
    expect(card.indicator).toBe('info');
    expect(card.suggestions ?? []).toEqual([]);
    expect(card.overrideReasons ?? []).toEqual([]);
    expect(card.detail).toContain('Weekly paclitaxel is an established histology-specific option in angiosarcoma');
  });

  test('paclitaxel for synovial sarcoma stays OFF-PATHWAY (just misses)', async () => {
    const body = await orders(app, patient('qa-hso-syn'), [draft('d-pac', 'qa-hso-syn', 'paclitaxel', '56946')]);
    expect(topics(body)).toEqual(['OFF-PATHWAY']);
  });

  test('pembrolizumab for metastatic dedifferentiated liposarcoma: HISTOLOGY-SPECIFIC-OPTION citing SARC028', async () => {
    const body = await orders(
      app,
      patient('qa-hso-lps', () => [], { morph: CODES.lpsDediff }),
      [draft('d-pem', 'qa-hso-lps', 'Keytruda')],
    );
    expect(topics(body)).toEqual(['HISTOLOGY-SPECIFIC-OPTION']);
    expect(cardOf(body, 'HISTOLOGY-SPECIFIC-OPTION').detail).toContain(
      'In SARC028 (phase 2), pembrolizumab produced responses',
    );
  });

  test('pembrolizumab for metastatic myxofibrosarcoma stays S-PEMBRO-SETTING (just misses)', async () => {
    const body = await orders(
      app,
      patient('qa-hso-mfs', () => [], { morph: ['8811/3', 'Myxofibrosarcoma'] }),
      [draft('d-pem', 'qa-hso-mfs', 'Keytruda')],
    );
    expect(topics(body)).toEqual(['S-PEMBRO-SETTING']);
  });
});
