import type { FhirResource, Medication, MedicationRequest } from 'fhir/r4.js';
import { draftDose, parseDraftOrders as parseWith } from '../../../src/hooks/draft-orders.js';
import { engineShapeGuard } from '../../helpers/shape-guard.js';
import { CdsError, badRequest } from '../../../src/errors.js';
import type { CdsRequest } from '../../../src/shared/cds-hooks.js';
import { DRUGS, SYSTEMS } from '../../../src/pathway/index.js';

const draft = (
  id: string,
  med: Partial<MedicationRequest>,
  status: MedicationRequest['status'] = 'draft',
): MedicationRequest => ({
  resourceType: 'MedicationRequest',
  id,
  status,
  intent: 'order',
  subject: { reference: 'Patient/p1' },
  ...med,
});

const req = (hook: 'order-select' | 'order-sign', resources: FhirResource[], selections?: unknown[]): CdsRequest => ({
  hook,
  hookInstance: 'h1',
  context: {
    userId: 'Practitioner/1',
    patientId: 'p1',
    draftOrders: { resourceType: 'Bundle', type: 'collection', entry: resources.map((resource) => ({ resource })) },
    ...(selections ? { selections } : {}),
  },
});

const thrown = (f: () => unknown): CdsError => {
  try {
    f();
  } catch (e) {
    if (e instanceof CdsError) return e;
    throw e;
  }
  throw new Error('did not throw');
};

// The guard the hooks pass: the engine's, over the shared FHIR model info.
const guard = engineShapeGuard();
const parseDraftOrders = (request: CdsRequest): ReturnType<typeof parseWith> => parseWith(request, guard);

const yondelis: Medication = { resourceType: 'Medication', id: 'm1', code: { text: 'Yondelis' } };

describe('draft orders', () => {
  test('recognise drugs by RxNorm code, by product display and by a contained or referenced Medication', () => {
    const parsed = parseDraftOrders(
      req('order-sign', [
        draft('a', {
          medicationCodeableConcept: { coding: [{ system: SYSTEMS.rxnorm, code: DRUGS.gemcitabine.rxnorm!.code }] },
        }),
        draft('b', {
          medicationCodeableConcept: {
            coding: [
              { system: SYSTEMS.rxnorm, code: '1790099', display: '10 ML doxorubicin hydrochloride 2 MG/ML Injection' },
            ],
          },
        }),
        draft('c', { medicationReference: { reference: '#m1' }, contained: [yondelis] }),
        draft('d', { medicationReference: { reference: 'Medication/m2' } }),
        { resourceType: 'Medication', id: 'm2', code: { text: 'Doxil 20 mg' } },
      ]),
    );
    expect(parsed.drafts).toEqual([
      { id: 'a', drug: 'gemcitabine', liposomal: false },
      { id: 'b', drug: 'doxorubicin', liposomal: false },
      { id: 'c', drug: 'trabectedin', liposomal: false },
      { id: 'd', drug: 'doxorubicin', liposomal: true },
    ]);
    expect(parsed.selected).toEqual(['a', 'b', 'c', 'd']);
  });

  test('ignore non-draft requests, other resource types, supportive drugs and drugs outside §6', () => {
    const parsed = parseDraftOrders(
      req('order-sign', [
        draft('completed', { medicationCodeableConcept: { text: 'pazopanib' } }, 'completed'),
        draft('cancelled', { medicationCodeableConcept: { text: 'pazopanib' } }, 'cancelled'),
        {
          resourceType: 'ServiceRequest',
          id: 's1',
          status: 'draft',
          intent: 'order',
          subject: { reference: 'Patient/p1' },
        },
        draft('mesna', { medicationCodeableConcept: { text: 'Mesna 400 mg' } }),
        draft('aspirin', { medicationCodeableConcept: { text: 'aspirin' } }),
      ]),
    );
    expect(parsed.drafts).toEqual([]);
    expect(parsed.requests.map((r) => r.id)).toEqual(['mesna', 'aspirin']);
  });

  test('order-sign also judges an active or on-hold order being re-signed; order-select only drafts', () => {
    const resources = [
      draft('a', { medicationCodeableConcept: { text: 'pazopanib' } }, 'active'),
      draft('h', { medicationCodeableConcept: { text: 'eribulin' } }, 'on-hold'),
    ];
    expect(parseDraftOrders(req('order-sign', resources)).drafts.map((d) => d.id)).toEqual(['a', 'h']);
    expect(parseDraftOrders(req('order-select', resources, ['MedicationRequest/a'])).drafts).toEqual([]);
  });

  test('order-select keeps the selected MedicationRequests', () => {
    const parsed = parseDraftOrders(
      req(
        'order-select',
        [
          draft('a', { medicationCodeableConcept: { text: 'pazopanib' } }),
          draft('b', { medicationCodeableConcept: { text: 'docetaxel' } }),
        ],
        ['MedicationRequest/b'],
      ),
    );
    expect(parsed.selected).toEqual(['b']);
    expect(parsed.drafts.map((d) => d.id)).toEqual(['a', 'b']);
  });

  test('a selection that is not among the draft orders is a 400 naming it', () => {
    const e = thrown(() =>
      parseDraftOrders(
        req(
          'order-select',
          [draft('a', { medicationCodeableConcept: { text: 'pazopanib' } })],
          ['MedicationRequest/zzz'],
        ),
      ),
    );
    expect(e.outcome).toMatchObject(
      badRequest("context.selections[0] 'MedicationRequest/zzz' is not a resource of context.draftOrders", [
        'context.selections[0]',
      ]),
    );
  });

  test('draftOrders that is not a Bundle is a 400', () => {
    const e = thrown(() =>
      parseDraftOrders({
        hook: 'order-sign',
        hookInstance: 'h',
        context: { draftOrders: { resourceType: 'MedicationRequest' } },
      }),
    );
    expect(e.outcome.issue[0]?.expression).toEqual(['context.draftOrders']);
  });

  test('a draft MedicationRequest without an id is a 400', () => {
    const noId = {
      resourceType: 'MedicationRequest',
      status: 'draft',
      intent: 'order',
      subject: { reference: 'Patient/p1' },
      medicationCodeableConcept: { text: 'x' },
    } as MedicationRequest;
    const e = thrown(() => parseDraftOrders(req('order-sign', [noId])));
    expect(e.outcome.issue[0]?.expression).toEqual(['context.draftOrders.entry[0].resource.id']);
  });

  test('fields the order logic does not read may have any shape: category and reasonCode as one object, odd narrative', () => {
    const sandboxLike = draft('request-123', {
      medicationCodeableConcept: {
        text: 'pazopanib 400 MG Oral Tablet',
        coding: [{ system: SYSTEMS.rxnorm, code: '867508' }],
      },
      category: { coding: [{ code: 'community' }] },
      reasonCode: { text: 'Leiomyosarcoma' },
      text: 'x',
      dosageInstruction: {},
    } as unknown as Partial<MedicationRequest>);
    expect(parseDraftOrders(req('order-select', [sandboxLike], ['MedicationRequest/request-123'])).drafts).toEqual([
      { id: 'request-123', drug: 'pazopanib', liposomal: false },
    ]);
  });

  test('a wrong-typed field the order logic reads is a 400 naming it (medication coding, status, a contained Medication code)', () => {
    const cases: [Partial<MedicationRequest>, string][] = [
      [
        { medicationCodeableConcept: { coding: { code: '1' } } } as unknown as Partial<MedicationRequest>,
        'medicationCodeableConcept.coding',
      ],
      [{ status: 5, medicationCodeableConcept: { text: 'x' } } as unknown as Partial<MedicationRequest>, 'status'],
      [
        {
          medicationReference: { reference: '#m1' },
          contained: [{ resourceType: 'Medication', id: 'm1', code: 'Yondelis' }],
        } as unknown as Partial<MedicationRequest>,
        'contained[0].code',
      ],
    ];
    for (const [fields, field] of cases) {
      const e = thrown(() => parseDraftOrders(req('order-sign', [draft('a', fields)])));
      expect(e.outcome.issue[0]?.expression).toEqual([`context.draftOrders.entry[0].resource.${field}`]);
    }
  });
});

describe('draftDose (F7 items 3 and 8)', () => {
  const withDose = (doseAndRate: unknown): MedicationRequest =>
    draft('d', {
      medicationCodeableConcept: { text: 'doxorubicin' },
      dosageInstruction: [{ doseAndRate }],
    } as Partial<MedicationRequest>);

  test('reads doseAndRate[0].doseQuantity, its UCUM code before its unit text', () => {
    expect(
      draftDose(withDose([{ doseQuantity: { value: 75, unit: 'mg/m²', code: 'mg/m2', system: SYSTEMS.ucum } }])),
    ).toEqual({ value: 75, unit: 'mg/m2' });
    expect(draftDose(withDose([{ doseQuantity: { value: 140, unit: 'mg' } }]))).toEqual({ value: 140, unit: 'mg' });
    expect(draftDose(withDose([{ doseQuantity: { value: 1 } }]))).toEqual({ value: 1, unit: null });
  });

  test('a doseRange counts its high value', () => {
    expect(
      draftDose(withDose([{ doseRange: { low: { value: 60, code: 'mg/m2' }, high: { value: 75, code: 'mg/m2' } } }])),
    ).toEqual({ value: 75, unit: 'mg/m2' });
  });

  test('no dose, or one the service cannot read, is undefined (never an error)', () => {
    expect(draftDose(draft('d', { medicationCodeableConcept: { text: 'doxorubicin' } }))).toBeUndefined();
    expect(draftDose(withDose([]))).toBeUndefined();
    expect(draftDose(withDose([{ doseQuantity: { value: '75', code: 'mg/m2' } }]))).toBeUndefined();
    expect(draftDose(withDose({ doseQuantity: { value: 75 } }))).toBeUndefined();
    expect(draftDose(draft('d', { dosageInstruction: 'x' } as unknown as Partial<MedicationRequest>))).toBeUndefined();
  });

  test("parseDraftOrders passes each draft's dose on, null when it has none", () => {
    const parsed = parseDraftOrders(
      req('order-sign', [
        withDose([{ doseQuantity: { value: 75, code: 'mg/m2' } }]),
        draft('e', { medicationCodeableConcept: { text: 'epirubicin' } }),
      ]),
    );
    expect(parsed.inputs.map((i) => [i.id, i.dose])).toEqual([
      ['d', { value: 75, unit: 'mg/m2' }],
      ['e', null],
    ]);
  });
});
