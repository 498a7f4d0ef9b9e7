/**
 * Order-time classification and §5 rules (PATHWAY.md §5) through the compiled ELM and the service's engine.
 */
import type { FhirResource } from 'fhir/r4.js';
import { DEFAULT_THRESHOLDS } from '../../../src/config.js';
import { createCqlEngine } from '../../../src/cql/engine.js';
import { evaluateOrders } from '../../../src/cql/orders.js';
import {
  bundleOf,
  medicationAdministration,
  observation,
  patient,
  secondaryCondition,
  stsCondition,
} from '../../fixtures/builders.js';

const engine = createCqlEngine({ timeZone: 'UTC' });
const now = new Date('2026-06-01T12:00:00Z');

// A recent normal LVEF: without one, PATHWAY.md 2026.12.1 adds S-DOXO-LVEF-UNKNOWN / S-TRAB-LVEF to these drafts.
function metastatic(morph: string, extra: readonly FhirResource[] = []): FhirResource[] {
  const c = stsCondition({ id: 'sts-1', icd10: 'C49.20', morphology: morph, onset: '2025-01-01' });
  const ownLvef = extra.some(
    (r) => r.resourceType === 'Observation' && r.code.coding?.some((x) => x.code === '10230-1'),
  );
  return [
    c,
    secondaryCondition({ primaryId: c.id, onset: '2025-06-01' }),
    ...(ownLvef ? [] : [observation.lvef(60, '2026-05-20')]),
    ...extra,
  ];
}
const draft = (id: string, text: string) => ({ id, medication: { text } });
async function order(
  resources: readonly FhirResource[],
  drafts: readonly { id: string; medication: { text: string } }[],
) {
  const d = await evaluateOrders(
    engine,
    { bundle: bundleOf([patient({ birthDate: '1960-01-01' }), ...resources], 'collection'), unreadable: new Map() },
    drafts,
    { now, thresholds: DEFAULT_THRESHOLDS, timeZone: 'UTC' },
  );
  return d.cards.map((c) => ({
    kind: c.kind,
    topic: c.topic,
    indicator: c.indicator,
    draftIds: c.draftIds,
    alternatives: c.alternatives,
  }));
}
const laterLine = [
  medicationAdministration({ drug: 'doxorubicin', date: '2025-07-01', doseMgM2: 75 }),
  medicationAdministration({ drug: 'gemcitabine', date: '2025-10-01' }),
  medicationAdministration({ drug: 'docetaxel', date: '2025-10-01' }),
];

describe('order-time classification', () => {
  test('doxorubicin + trabectedin drafted for LMS line 1 give one on-pathway card', async () => {
    expect(await order(metastatic('8890/3'), [draft('d1', 'doxorubicin'), draft('d2', 'trabectedin')])).toEqual([
      { kind: 'on-pathway', topic: 'M-LMS-1L-DOXO-TRAB', indicator: 'info', draftIds: ['d1', 'd2'], alternatives: [] },
    ]);
  });

  test('gemcitabine alone at line 1 is off pathway with doxorubicin offered', async () => {
    expect(await order(metastatic('8830/3'), [draft('d1', 'gemcitabine')])).toEqual([
      {
        kind: 'off-pathway',
        topic: 'OFF-PATHWAY',
        indicator: 'warning',
        draftIds: ['d1'],
        alternatives: ['M-1L-DOXO'],
      },
    ]);
  });

  test('pazopanib at line 3 is on pathway for synovial sarcoma and critical for liposarcoma', async () => {
    expect((await order(metastatic('9040/3', laterLine), [draft('d1', 'pazopanib')]))[0]).toMatchObject({
      kind: 'on-pathway',
      topic: 'M-3L-PAZOPANIB',
    });
    expect((await order(metastatic('8858/3', laterLine), [draft('d1', 'pazopanib')]))[0]).toMatchObject({
      kind: 'rule',
      topic: 'S-PAZO-ADIPOCYTIC',
      indicator: 'critical',
      alternatives: ['M-3L-TRABECTEDIN', 'M-3L-ERIBULIN'],
    });
  });

  test('eribulin is on pathway for LPS and blocked for LMS', async () => {
    expect((await order(metastatic('8858/3', laterLine), [draft('d1', 'eribulin')]))[0]?.topic).toBe('M-3L-ERIBULIN');
    expect((await order(metastatic('8890/3', laterLine), [draft('d1', 'eribulin')]))[0]?.topic).toBe(
      'S-ERIBULIN-NON-LPS',
    );
  });

  test('trabectedin is on pathway for LMS and blocked for UPS', async () => {
    expect((await order(metastatic('8890/3', laterLine), [draft('d1', 'trabectedin')]))[0]?.topic).toBe(
      'M-3L-TRABECTEDIN',
    );
    expect((await order(metastatic('8830/3', laterLine), [draft('d1', 'trabectedin')]))[0]?.topic).toBe(
      'S-TRABECTEDIN-HISTOLOGY',
    );
  });

  test('olaratumab is always critical', async () => {
    expect(await order(metastatic('8830/3'), [draft('d1', 'Lartruvo')])).toEqual([
      { kind: 'rule', topic: 'S-OLARATUMAB', indicator: 'critical', draftIds: ['d1'], alternatives: ['M-1L-DOXO'] },
    ]);
  });

  test('pembrolizumab for metastatic synovial sarcoma is blocked (S-PEMBRO-SETTING); for metastatic UPS it is a histology-specific option', async () => {
    expect((await order(metastatic('9040/3'), [draft('d1', 'pembrolizumab')]))[0]?.topic).toBe('S-PEMBRO-SETTING');
    expect((await order(metastatic('8830/3'), [draft('d1', 'pembrolizumab')]))[0]?.topic).toBe(
      'HISTOLOGY-SPECIFIC-OPTION',
    );
  });

  test('doxorubicin with LVEF 49 is critical (S-DOXO-LVEF), with gemcitabine + docetaxel offered', async () => {
    expect(
      (await order(metastatic('8830/3', [observation.lvef(49, '2026-05-01')]), [draft('d1', 'doxorubicin')]))[0],
    ).toMatchObject({
      topic: 'S-DOXO-LVEF',
      indicator: 'critical',
      alternatives: ['M-2L-GEM-DOCE'],
    });
  });

  test('a later-line drug at line 2 says gemcitabine + docetaxel comes first', async () => {
    const line2 = [medicationAdministration({ drug: 'doxorubicin', date: '2025-07-01', doseMgM2: 75 })];
    expect((await order(metastatic('8890/3', line2), [draft('d1', 'trabectedin')]))[0]).toMatchObject({
      kind: 'later-line-early',
      topic: 'M-3L-TRABECTEDIN',
    });
  });

  test('the next step ordered while doxorubicin is ongoing is flagged early', async () => {
    const current = [medicationAdministration({ drug: 'doxorubicin', date: '2026-05-20', doseMgM2: 75 })];
    expect(
      (await order(metastatic('8830/3', current), [draft('d1', 'gemcitabine'), draft('d2', 'docetaxel')]))[0],
    ).toMatchObject({
      kind: 'next-step-early',
      topic: 'M-2L-GEM-DOCE',
      draftIds: ['d1', 'd2'],
    });
  });
});
