/**
 * PATHWAY.md §5 "Order-select / order-sign classification" steps 1-7 (OFF-PATHWAY, POSITION-UNKNOWN and the on-pathway,
 * next-step and later-line cards), and F5's rule that a draft order of the request is never an exposure, even when the
 * EHR already returns it in the patient's history.
 */
import type { FhirResource } from 'fhir/r4.js';
import { NODES } from '../../../src/pathway/index.js';
import {
  medicationRequest,
  observation,
  procedure,
  stsCondition,
  secondaryCondition,
} from '../../fixtures/builders.js';
import {
  afterDoxoAndGemDoce,
  ago,
  cardsOf,
  decide,
  doxo,
  draft,
  factValue,
  localized,
  metastatic,
  node,
  order,
  STS_ID,
  unreadable,
  withData,
} from './decision-patients.js';

const offPathway = (draftIds: string[], alternatives: string[]) => ({
  kind: 'off-pathway',
  topic: 'OFF-PATHWAY',
  indicator: 'warning',
  draftIds,
  alternatives,
});
const positionUnknown = (draftIds: string[]) => ({
  kind: 'position-unknown',
  topic: 'POSITION-UNKNOWN',
  indicator: 'info',
  draftIds,
  alternatives: [],
});

describe('§5 order classification', () => {
  describe('OFF-PATHWAY (step 7)', () => {
    test('gemcitabine alone at line 1: a warning naming the position, doxorubicin offered', async () => {
      const d = await order(metastatic('8830/3'), [draft('d1', 'gemcitabine')]);
      expect(cardsOf(d)).toEqual([offPathway(['d1'], ['M-1L-DOXO'])]);
      expect(d.cards[0]?.position).toBe('M-1L-DOXO');
    });

    test('doxorubicin at line 1 misses it: on pathway', async () => {
      expect(cardsOf(await order(metastatic('8830/3'), [draft('d1', 'Adriamycin')]))[0]).toMatchObject({
        kind: 'on-pathway',
        topic: 'M-1L-DOXO',
      });
    });

    test('liposomal doxorubicin (Doxil) is off pathway, saying why', async () => {
      const d = await order(metastatic('8830/3'), [draft('d1', 'Doxil')]);
      expect(cardsOf(d)).toEqual([offPathway(['d1'], ['M-1L-DOXO'])]);
      expect(d.cards[0]?.notes).toEqual(['liposomal doxorubicin is not a pathway regimen']);
    });

    test('imatinib for a UPS (not an STS-pathway drug) is off pathway', async () => {
      expect(cardsOf(await order(metastatic('8830/3'), [draft('d1', 'Gleevec')]))).toEqual([
        offPathway(['d1'], ['M-1L-DOXO']),
      ]);
    });

    test('supportive drugs and unrecognised drafts get no card', async () => {
      expect(cardsOf(await order(metastatic('8830/3'), [draft('d1', 'mesna'), draft('d2', 'ondansetron')]))).toEqual(
        [],
      );
    });
  });

  describe('POSITION-UNKNOWN (step 2)', () => {
    test('histology missing: doxorubicin gets "no on-pathway regimen to compare", naming D-MISSING-HISTOLOGY', async () => {
      const p = {
        resources: [
          stsCondition({ id: STS_ID, icd10: 'C49.20' }),
          secondaryCondition({ primaryId: STS_ID }),
          observation.lvef(60, ago(10)),
        ],
      };
      const d = await order(p, [draft('d1', 'doxorubicin')]);
      expect(cardsOf(d)).toEqual([positionUnknown(['d1'])]);
      expect(d.cards[0]?.position).toBe('D-MISSING-HISTOLOGY');
    });

    test('the same patient with a histology misses it', async () => {
      expect(cardsOf(await order(metastatic('8830/3'), [draft('d1', 'doxorubicin')]))[0]?.kind).toBe('on-pathway');
    });

    test('histology missing: a blocking rule whose inputs are known still fires (olaratumab), eribulin cannot be judged', async () => {
      const p = {
        resources: [stsCondition({ id: STS_ID, icd10: 'C49.20' }), secondaryCondition({ primaryId: STS_ID })],
      };
      expect(cardsOf(await order(p, [draft('d1', 'olaratumab')]))).toEqual([
        { kind: 'rule', topic: 'S-OLARATUMAB', indicator: 'critical', draftIds: ['d1'], alternatives: [] },
      ]);
      expect(cardsOf(await order(p, [draft('d1', 'eribulin')]))).toEqual([positionUnknown(['d1'])]);
    });

    test.each([
      [
        'D-UNCONFIRMED',
        {
          resources: [
            stsCondition({ id: STS_ID, icd10: 'C49.20', morphology: '8830/3', verificationStatus: 'provisional' }),
            secondaryCondition({ primaryId: STS_ID }),
          ],
        },
      ],
      ['D-MISSING-EXTENT', { resources: [stsCondition({ id: STS_ID, icd10: 'C49.20', morphology: '8830/3' })] }],
      [
        'D-HISTOLOGY-CONFLICT',
        {
          resources: [
            stsCondition({ id: STS_ID, icd10: 'C49.20', morphology: '8890/3' }),
            stsCondition({ id: 'sts-2', icd10: 'C48.0', morphology: '8858/3' }),
            secondaryCondition({ primaryId: STS_ID }),
          ],
        },
      ],
      ['L-OTHER-SITE', localized('8890/3', [], 'C55')],
      ['L-POST-RESECTION', localized('8890/3', [procedure({ kind: 'surgery', date: '2026-02-01', reasonId: STS_ID })])],
    ])('position %s: POSITION-UNKNOWN, never OFF-PATHWAY', async (position, p) => {
      const d = await order(p, [draft('d1', 'gemcitabine')]);
      expect(cardsOf(d)).toEqual([positionUnknown(['d1'])]);
      expect(d.cards[0]?.position).toBe(position);
    });

    test('Conditions unreadable: POSITION-UNKNOWN at D-DATA-UNAVAILABLE', async () => {
      const d = await order(withData(metastatic('8830/3'), { unreadable: unreadable('Condition') }), [
        draft('d1', 'gemcitabine'),
      ]);
      expect(cardsOf(d)).toEqual([positionUnknown(['d1'])]);
      expect(d.cards[0]?.position).toBe('D-DATA-UNAVAILABLE');
    });

    test('treatment history unreadable: gemcitabine alone is POSITION-UNKNOWN, not OFF-PATHWAY', async () => {
      const d = await order(withData(metastatic('8830/3'), { unreadable: unreadable('MedicationRequest') }), [
        draft('d1', 'gemcitabine'),
      ]);
      expect(cardsOf(d)).toEqual([positionUnknown(['d1'])]);
    });

    test('a 17-year-old: no classification card at all', async () => {
      expect(
        cardsOf(await order({ ...metastatic('8830/3'), birthDate: '2008-06' }, [draft('d1', 'gemcitabine')])),
      ).toEqual([]);
    });
  });

  describe('on pathway, next step early, later line early (steps 4-6)', () => {
    test('trabectedin alone for an LMS at line 1 is "part of" doxorubicin + trabectedin', async () => {
      const d = await order(metastatic('8890/3'), [draft('d1', 'trabectedin')]);
      expect(cardsOf(d)).toEqual([
        { kind: 'on-pathway', topic: 'M-LMS-1L-DOXO-TRAB', indicator: 'info', draftIds: ['d1'], alternatives: [] },
      ]);
      expect(d.cards[0]?.notes).toEqual([`part of ${NODES['M-LMS-1L-DOXO-TRAB'].title}`]);
    });

    test('gemcitabine + docetaxel while doxorubicin is current: the next step ordered early', async () => {
      const d = await order(metastatic('8830/3', [doxo(ago(10))]), [
        draft('d1', 'gemcitabine'),
        draft('d2', 'docetaxel'),
      ]);
      expect(cardsOf(d)).toEqual([
        {
          kind: 'next-step-early',
          topic: 'M-2L-GEM-DOCE',
          indicator: 'info',
          draftIds: ['d1', 'd2'],
          alternatives: [],
        },
      ]);
    });

    test('the same order once doxorubicin is no longer current (43 days) misses it: on pathway at line 2', async () => {
      const d = await order(metastatic('8830/3', [doxo(ago(43))]), [
        draft('d1', 'gemcitabine'),
        draft('d2', 'docetaxel'),
      ]);
      expect(cardsOf(d)).toEqual([
        { kind: 'on-pathway', topic: 'M-2L-GEM-DOCE', indicator: 'info', draftIds: ['d1', 'd2'], alternatives: [] },
      ]);
    });

    test.each([
      ['trabectedin for an LMS', '8890/3', 'trabectedin', 'M-3L-TRABECTEDIN'],
      ['eribulin for an LPS', '8858/3', 'eribulin', 'M-3L-ERIBULIN'],
      ['pazopanib for a UPS', '8830/3', 'pazopanib', 'M-3L-PAZOPANIB'],
    ])('%s at line 2: later line ordered early, gemcitabine + docetaxel first', async (_l, morph, drug, topic) => {
      const d = await order(metastatic(morph, [doxo('2025-07-01')]), [draft('d1', drug)]);
      expect(cardsOf(d)).toEqual([
        { kind: 'later-line-early', topic, indicator: 'info', draftIds: ['d1'], alternatives: [] },
      ]);
      expect(d.cards[0]?.notes).toEqual([
        'the pathway order is gemcitabine + docetaxel first (these are label indications after an anthracycline)',
      ]);
    });

    test('the same drug at line 3 misses it: on pathway', async () => {
      expect(
        cardsOf(await order(metastatic('8830/3', afterDoxoAndGemDoce()), [draft('d1', 'pazopanib')]))[0],
      ).toMatchObject({
        kind: 'on-pathway',
        topic: 'M-3L-PAZOPANIB',
      });
    });
  });
});

describe('F5: a draft order of the request is never an exposure', () => {
  // The EHR already returns the drafted doxorubicin in the patient's history (some do, as a draft or already active).
  const historyCopy = (status: 'draft' | 'active'): FhirResource =>
    medicationRequest({ id: 'mr-draft-1', drug: 'doxorubicin', authoredOn: ago(0), status });

  test.each(['draft', 'active'] as const)(
    'order-sign with the draft also in the history as %s: line 1, no current regimen, no dose warning',
    async (status) => {
      const d = await order(metastatic('8830/3', [historyCopy(status), observation.lvef(60, ago(10))]), [
        draft('mr-draft-1', 'doxorubicin'),
      ]);
      expect(cardsOf(d)).toEqual([
        { kind: 'on-pathway', topic: 'M-1L-DOXO', indicator: 'info', draftIds: ['mr-draft-1'], alternatives: [] },
      ]);
      expect(factValue(d, 'Current regimen')).toBe('none (no exposure within the current-regimen window)');
      expect(factValue(d, 'Cumulative doxorubicin')).toBe('0 mg/m² as recorded in this record (0 administrations)');
    },
  );

  test('without its id the same active copy would count: doxorubicin shown as the current regimen', async () => {
    const p = metastatic('8830/3', [historyCopy('active')]);
    expect(node(await decide(p), 'M-1L-DOXO').role).toBe('current');
    expect(node(await decide(p, ['mr-draft-1']), 'M-1L-DOXO').role).toBe('primary');
  });

  test('other drafts of the request are excluded too, recognised or not', async () => {
    const gem = medicationRequest({ id: 'mr-draft-2', drug: 'gemcitabine', authoredOn: ago(0) });
    const d = await order(metastatic('8830/3', [historyCopy('active'), gem]), [
      draft('mr-draft-1', 'doxorubicin'),
      draft('mr-draft-2', 'gemcitabine'),
    ]);
    expect(factValue(d, 'Current regimen')).toBe('none (no exposure within the current-regimen window)');
  });

  test('a different active doxorubicin request in the history still counts: current regimen, and a pending order (F7)', async () => {
    const other = medicationRequest({ id: 'mr-older', drug: 'doxorubicin', authoredOn: ago(20) });
    const d = await order(metastatic('8830/3', [other]), [draft('mr-draft-1', 'doxorubicin')]);
    expect(factValue(d, 'Current regimen')).toBe('doxorubicin');
    // Ordered 20 days ago with no administration yet: pending, it adds nothing and leaves the total known.
    expect(factValue(d, 'Cumulative doxorubicin')).toBe(
      `0 mg/m² as recorded in this record (0 administrations); MedicationRequest/mr-older: ordered ${ago(20)}, not yet given`,
    );
    expect(cardsOf(d).map((c) => c.topic)).toEqual(['M-1L-DOXO']);
  });
});
