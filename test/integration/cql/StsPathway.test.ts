/**
 * The patient-view decision (PATHWAY.md §3, §5 patient-view effects) through the compiled ELM and the service's engine,
 * on in-memory Bundles built with the shared fixtures.
 */
import type { FhirResource } from 'fhir/r4.js';
import { wordPathwayDecision } from '../../../src/cards/index.js';
import { DEFAULT_THRESHOLDS } from '../../../src/config.js';
import { createCqlEngine } from '../../../src/cql/engine.js';
import { evaluatePathway } from '../../../src/cql/pathway.js';
import {
  bundleOf,
  medicationAdministration,
  observation,
  patient,
  procedure,
  secondaryCondition,
  stsCondition,
} from '../../fixtures/builders.js';

const engine = createCqlEngine({ timeZone: 'UTC' });
const now = new Date('2026-06-01T12:00:00Z');

async function decide(resources: readonly FhirResource[], unreadable: ReadonlyMap<string, string> = new Map()) {
  return evaluatePathway(
    engine,
    { bundle: bundleOf([patient({ birthDate: '1960-01-01' }), ...resources], 'collection'), unreadable },
    { now, thresholds: DEFAULT_THRESHOLDS, timeZone: 'UTC' },
  );
}
/** The notes of a decided node as its card words them (the decision names them by code). */
const notesOf = (d: Awaited<ReturnType<typeof decide>>, i: number): readonly string[] =>
  wordPathwayDecision(d, DEFAULT_THRESHOLDS).nodes[i]?.notes ?? [];
const ids = (d: Awaited<ReturnType<typeof decide>>): string[] => d.nodes.map((n) => n.id);
const view = (d: Awaited<ReturnType<typeof decide>>) =>
  d.nodes.map((n) => [n.id, n.role, n.withSuggestions, n.isRecommended, n.indicator]);

function metastatic(morph: string, extra: readonly FhirResource[] = []): FhirResource[] {
  const c = stsCondition({
    id: `sts-${morph.replace('/', '-')}`,
    icd10: 'C49.20',
    morphology: morph,
    onset: '2025-01-01',
  });
  return [c, secondaryCondition({ primaryId: c.id, onset: '2025-06-01' }), ...extra];
}
function localized(morph: string, extra: readonly FhirResource[] = [], icd10 = 'C49.20'): FhirResource[] {
  const c = stsCondition({ id: 'sts-loc', icd10, morphology: morph, onset: '2026-01-01' });
  return [c, observation.mCategory('M0', '2026-01-10'), ...extra];
}
const doxo = (date: string, dose = 75) => medicationAdministration({ drug: 'doxorubicin', date, doseMgM2: dose });

describe('patient-view decision', () => {
  test('gives no nodes when the patient has no STS Condition', async () => {
    const d = await decide([]);
    expect(d.hasSts).toBe(false);
    expect(d.nodes).toEqual([]);
  });

  test('answers D-DATA-UNAVAILABLE when Conditions could not be read', async () => {
    expect(ids(await decide([], new Map([['Condition', 'timeout']])))).toEqual(['D-DATA-UNAVAILABLE']);
  });

  describe('metastatic', () => {
    test('LMS line 1: doxorubicin + trabectedin recommended, doxorubicin alone the alternative, trial info', async () => {
      const d = await decide(metastatic('8890/3'));
      expect(d.nodes.map((n) => [n.id, n.role, n.withSuggestions, n.isRecommended])).toEqual([
        ['M-LMS-1L-DOXO-TRAB', 'primary', true, true],
        ['M-1L-DOXO', 'alternative', true, false],
        ['M-TRIAL', 'trial', false, false],
      ]);
      expect(notesOf(d, 1)).toContain(
        'no usable LVEF (none found): assess LVEF (echocardiography or MUGA) before the next anthracycline dose',
      );
    });

    test('LMS after doxorubicin (line 2): gemcitabine + docetaxel, not recommended, naming the prior regimen', async () => {
      const d = await decide(metastatic('8890/3', [doxo('2025-07-01'), doxo('2025-07-22')]));
      expect(ids(d)).toEqual(['M-2L-GEM-DOCE', 'M-TRIAL']);
      expect(d.nodes[0]).toMatchObject({ role: 'later-line', isRecommended: false });
      expect(d.facts.priorLastExposure).toMatchObject({ drugs: ['doxorubicin'], lastDate: '2025-07-22' });
    });

    test('UPS line 1: doxorubicin alone', async () => {
      expect(ids(await decide(metastatic('8830/3')))).toEqual(['M-1L-DOXO', 'M-TRIAL']);
    });

    test('line 3+ LPS: trabectedin and eribulin, never pazopanib; trial with its suggestion', async () => {
      const d = await decide(
        metastatic('8858/3', [
          doxo('2025-07-01'),
          medicationAdministration({ drug: 'gemcitabine', date: '2025-10-01' }),
          medicationAdministration({ drug: 'docetaxel', date: '2025-10-01' }),
        ]),
      );
      expect(ids(d)).toEqual(['M-3L-TRABECTEDIN', 'M-3L-ERIBULIN', 'M-TRIAL']);
      expect(d.nodes[2]?.withSuggestions).toBe(true);
    });

    test('line 3+ synovial sarcoma: pazopanib only', async () => {
      const d = await decide(
        metastatic('9040/3', [
          doxo('2025-07-01'),
          medicationAdministration({ drug: 'gemcitabine', date: '2025-10-01' }),
          medicationAdministration({ drug: 'docetaxel', date: '2025-10-01' }),
        ]),
      );
      expect(ids(d)).toEqual(['M-3L-PAZOPANIB', 'M-TRIAL']);
    });

    test('a current doxorubicin regimen is shown as current with gemcitabine + docetaxel as next step', async () => {
      const d = await decide(metastatic('8830/3', [doxo('2026-05-10')]));
      expect(d.nodes.map((n) => [n.id, n.role, n.withSuggestions])).toEqual([
        ['M-1L-DOXO', 'current', false],
        ['M-2L-GEM-DOCE', 'next', false],
        ['M-TRIAL', 'trial', false],
      ]);
    });

    test('a current regimen matching no node is CURRENT-OFF-PATHWAY', async () => {
      const d = await decide(
        metastatic('8830/3', [medicationAdministration({ drug: 'paclitaxel', date: '2026-05-10' })]),
      );
      expect(ids(d)).toEqual(['CURRENT-OFF-PATHWAY', 'M-TRIAL']);
    });

    test('LVEF 49 replaces doxorubicin nodes by one D-ANTHRACYCLINE-CONTRAINDICATED and the anthracycline-free alternative', async () => {
      const d = await decide(metastatic('8890/3', [observation.lvef(49, '2026-05-01')]));
      expect(ids(d)).toEqual(['D-ANTHRACYCLINE-CONTRAINDICATED', 'M-2L-GEM-DOCE', 'M-TRIAL']);
      expect(d.nodes[0]?.rules).toEqual(['S-DOXO-LVEF']);
    });

    test('LVEF 50 keeps the doxorubicin nodes', async () => {
      const d = await decide(metastatic('8890/3', [observation.lvef(50, '2026-05-01')]));
      expect(ids(d)).toEqual(['M-LMS-1L-DOXO-TRAB', 'M-1L-DOXO', 'M-TRIAL']);
    });

    test('cumulative doxorubicin 450 mg/m2 on a current doxorubicin regimen contraindicates; 449 only warns on its card', async () => {
      const cycles = (total: number) =>
        ['2026-02-04', '2026-02-25', '2026-03-18', '2026-04-08', '2026-04-29', '2026-05-20'].map((date, i) =>
          doxo(date, i === 5 ? total - 375 : 75),
        );
      expect(view(await decide(metastatic('8830/3', cycles(450))))).toEqual([
        ['M-1L-DOXO', 'current', false, false, 'warning'],
        ['M-2L-GEM-DOCE', 'next', false, false, 'info'],
        ['M-TRIAL', 'trial', false, false, 'info'],
      ]);
      const at449 = await decide(metastatic('8830/3', cycles(449)));
      expect(at449.nodes[0]).toMatchObject({ id: 'M-1L-DOXO', role: 'current', rules: ['S-DOXO-CUMULATIVE-WARN'] });
    });

    test('ECOG 2 makes doxorubicin alone primary for LMS line 1 and the combination a warning (S-COMBO-ECOG); ECOG 1 does not', async () => {
      const d2 = await decide(metastatic('8890/3', [observation.ecog(2, '2026-05-01')]));
      expect(d2.nodes.map((n) => [n.id, n.role, n.indicator])).toEqual([
        ['M-1L-DOXO', 'primary', 'info'],
        ['M-LMS-1L-DOXO-TRAB', 'alternative', 'warning'],
        ['M-TRIAL', 'trial', 'info'],
      ]);
      const d1 = await decide(metastatic('8890/3', [observation.ecog(1, '2026-05-01')]));
      expect(d1.nodes[0]).toMatchObject({ id: 'M-LMS-1L-DOXO-TRAB', role: 'primary', indicator: 'info' });
    });

    test('ECOG 3 shows regimen nodes as warnings without suggestions (S-ECOG-POOR); ECOG 2 keeps suggestions', async () => {
      const d3 = await decide(metastatic('8830/3', [observation.ecog(3, '2026-05-01')]));
      expect(d3.nodes[0]).toMatchObject({
        id: 'M-1L-DOXO',
        withSuggestions: false,
        indicator: 'warning',
        rules: ['S-ECOG-POOR'],
      });
      const d2 = await decide(metastatic('8830/3', [observation.ecog(2, '2026-05-01')]));
      expect(d2.nodes[0]).toMatchObject({ id: 'M-1L-DOXO', withSuggestions: true, indicator: 'info' });
    });

    test('unreadable medications: line 1 nodes without suggestions, saying the history is unavailable', async () => {
      const d = await decide(metastatic('8830/3'), new Map([['MedicationAdministration', 'HTTP 500']]));
      expect(d.nodes[0]).toMatchObject({ id: 'M-1L-DOXO', withSuggestions: false });
      expect(notesOf(d, 0)).toEqual(
        expect.arrayContaining([
          'treatment history unavailable',
          expect.stringContaining('cumulative anthracycline dose incomplete'),
        ]),
      );
    });
  });

  describe('localized', () => {
    test('UPS extremity grade 3 stage III: surgery, RT without suggestions, pembrolizumab + RT with suggestions, doxorubicin + ifosfamide', async () => {
      const d = await decide(
        localized('8830/3', [observation.grade(3, '2026-01-10'), observation.stageGroup('III', '2026-01-10')]),
      );
      expect(d.nodes.map((n) => [n.id, n.withSuggestions])).toEqual([
        ['L-SURGERY', true],
        ['L-RT-EXTREMITY', false],
        ['L-NEOADJ-UPS-PEMBRO-RT', true],
        ['L-NEOADJ-DOXO-IFOS', true],
      ]);
      expect(d.nodes[0]?.isRecommended).toBe(true);
    });

    test('UPS extremity grade 3 with stage II recorded: pembrolizumab + RT without suggestions', async () => {
      const d = await decide(
        localized('8830/3', [observation.grade(3, '2026-01-10'), observation.stageGroup('II', '2026-01-10')]),
      );
      expect(d.nodes.find((n) => n.id === 'L-NEOADJ-UPS-PEMBRO-RT')?.withSuggestions).toBe(false);
      expect(d.nodes.find((n) => n.id === 'L-RT-EXTREMITY')?.withSuggestions).toBe(true);
    });

    test('grade 1 LMS of the trunk: surgery and trunk RT, no neoadjuvant node', async () => {
      expect(ids(await decide(localized('8890/3', [observation.grade(1, '2026-01-10')], 'C49.3')))).toEqual([
        'L-SURGERY',
        'L-RT-TRUNK',
      ]);
    });

    test('after surgery: L-POST-RESECTION only', async () => {
      const d = await decide(
        localized('8890/3', [procedure({ kind: 'surgery', date: '2026-02-01', reasonId: 'sts-loc' })]),
      );
      expect(ids(d)).toEqual(['L-POST-RESECTION']);
    });

    test('retroperitoneal: no neoadjuvant pembrolizumab for UPS', async () => {
      expect(ids(await decide(localized('8830/3', [observation.grade(3, '2026-01-10')], 'C48.0')))).toEqual([
        'L-SURGERY',
        'L-RT-RETROPERITONEAL',
      ]);
    });

    test('low LVEF where doxorubicin + ifosfamide would be shown: D-ANTHRACYCLINE-CONTRAINDICATED instead', async () => {
      const d = await decide(
        localized('8890/3', [observation.grade(3, '2026-01-10'), observation.lvef(40, '2026-01-10')]),
      );
      expect(ids(d)).toEqual(['L-SURGERY', 'L-RT-EXTREMITY', 'D-ANTHRACYCLINE-CONTRAINDICATED']);
    });
  });

  test('an unknown extent gives D-MISSING-EXTENT only', async () => {
    expect(ids(await decide([stsCondition({ icd10: 'C49.20', morphology: '8890/3' })]))).toEqual(['D-MISSING-EXTENT']);
  });

  test('GIST gives X-SPECIALTY only', async () => {
    expect(ids(await decide([stsCondition({ icd10: 'C49.20', morphology: '8936/3' })]))).toEqual(['X-SPECIALTY']);
  });
});
