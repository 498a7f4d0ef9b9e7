/**
 * What PATHWAY.md never allows, over a grid of test patients (histology x history x safety state x site x grade):
 * D-ANTHRACYCLINE-CONTRAINDICATED at most once per response (§1), no node the histology forbids (§5 S-PAZO-ADIPOCYTIC,
 * S-ERIBULIN-NON-LPS, S-TRABECTEDIN-HISTOLOGY; LMS-only and UPS-only nodes), no doxorubicin node when doxorubicin is
 * contraindicated, no regimen suggestion with ECOG 3-4, and the localized and metastatic branches kept apart (§3).
 */
import type { FhirResource } from 'fhir/r4.js';
import type { WordedDecision } from '../../../src/cards/index.js';
import { observation } from '../../fixtures/builders.js';
import {
  afterDoxoAndGemDoce,
  ago,
  decide,
  doxo,
  doxoCycles,
  forbiddenFor,
  given,
  histologyClassOf,
  lms04,
  localized,
  metastatic,
} from './decision-patients.js';

const HISTOLOGIES: readonly (readonly [string, string])[] = [
  ['LMS', '8890/3'],
  ['LPS', '8858/3'],
  ['LPS', '8851/3'],
  ['UPS', '8830/3'],
  ['OTHER', '9040/3'],
  ['OTHER', '8800/3'],
];

const HISTORIES: Readonly<Record<string, () => FhirResource[]>> = {
  'no treatment': () => [],
  'after doxorubicin': () => [doxo('2025-07-01')],
  'after doxorubicin, gemcitabine + docetaxel': afterDoxoAndGemDoce,
  'after every later-line drug': () => [
    ...afterDoxoAndGemDoce(),
    given('trabectedin', '2025-11-01'),
    given('pazopanib', '2025-12-01'),
    given('eribulin', '2026-01-01'),
  ],
  'on doxorubicin': () => [doxo(ago(10))],
  'on gemcitabine + docetaxel': () => [doxo('2025-07-01'), given('gemcitabine', ago(5)), given('docetaxel', ago(5))],
  'LMS-04 then maintenance': () => lms04(200, 3),
};

const SAFETY: Readonly<Record<string, () => FhirResource[]>> = {
  'no safety finding': () => [],
  'LVEF 40 and cumulative 450 on a current doxorubicin': () => [observation.lvef(40, ago(5)), ...doxoCycles(450, 12)],
  'ECOG 3': () => [observation.ecog(3, ago(5))],
};

const METASTATIC_ONLY = ['M-', 'CURRENT-OFF-PATHWAY'];
const DOXORUBICIN_NODES = ['L-NEOADJ-DOXO-IFOS', 'M-LMS-1L-DOXO-TRAB', 'M-1L-DOXO'];
const REGIMEN_NODES = [
  ...DOXORUBICIN_NODES,
  'L-NEOADJ-UPS-PEMBRO-RT',
  'M-LMS-TRAB-MAINT',
  'M-2L-GEM-DOCE',
  'M-3L-TRABECTEDIN',
  'M-3L-PAZOPANIB',
  'M-3L-ERIBULIN',
];

function expectAllowed(d: WordedDecision, o: { contraindicated: boolean; ecogPoor: boolean }): void {
  const ids = d.nodes.map((n) => n.id);
  expect(ids.filter((id) => id === 'D-ANTHRACYCLINE-CONTRAINDICATED').length).toBeLessThanOrEqual(1);
  const forbidden: readonly string[] = forbiddenFor(histologyClassOf(d));
  expect(ids.filter((id) => forbidden.includes(id))).toEqual([]);
  // §3 step 7: a contraindicated doxorubicin node is never offered; a current one stays, without suggestions.
  if (o.contraindicated) {
    expect(
      d.nodes
        .filter((n) => DOXORUBICIN_NODES.includes(n.id) && (n.role !== 'current' || n.withSuggestions))
        .map((n) => n.id),
    ).toEqual([]);
  }
  if (o.ecogPoor)
    expect(d.nodes.filter((n) => REGIMEN_NODES.includes(n.id) && n.withSuggestions).map((n) => n.id)).toEqual([]);
}

describe('nodes PATHWAY.md forbids, over every patient of the grid', () => {
  test.each(HISTOLOGIES)(
    'metastatic %s %s: nothing forbidden at any line, with any safety finding',
    async (_cls, morph) => {
      let checked = 0;
      for (const history of Object.values(HISTORIES)) {
        for (const [label, safety] of Object.entries(SAFETY)) {
          const d = await decide(metastatic(morph, [...history(), ...safety()]));
          expectAllowed(d, { contraindicated: label.startsWith('LVEF 40'), ecogPoor: label === 'ECOG 3' });
          expect(d.nodes.filter((n) => n.id === 'M-TRIAL')).toHaveLength(1);
          expect(d.nodes.filter((n) => n.id.startsWith('L-'))).toEqual([]);
          checked += 1;
        }
      }
      expect(checked).toBe(Object.keys(HISTORIES).length * Object.keys(SAFETY).length);
    },
  );

  test.each(HISTOLOGIES)('localized %s %s: nothing forbidden at any site or grade', async (_cls, morph) => {
    for (const icd10 of ['C49.20', 'C49.3', 'C48.0', 'C49.9', 'C55']) {
      for (const grade of [1, 3] as const) {
        for (const lvef of [60, 40]) {
          const d = await decide(
            localized(
              morph,
              [
                observation.grade(grade, '2026-01-10'),
                observation.stageGroup('III', '2026-01-10'),
                observation.lvef(lvef, ago(5)),
              ],
              icd10,
            ),
          );
          expectAllowed(d, { contraindicated: lvef === 40, ecogPoor: false });
          const ids = d.nodes.map((n) => n.id);
          expect(ids.filter((id) => METASTATIC_ONLY.some((p) => id.startsWith(p)))).toEqual([]);
          // §3 step 6: no neoadjuvant doxorubicin + ifosfamide for grade 1, 8851/3, or outside extremity/trunk.
          if (grade === 1 || morph === '8851/3' || !['C49.20', 'C49.3'].includes(icd10))
            expect(ids).not.toContain('L-NEOADJ-DOXO-IFOS');
          // Never pembrolizumab + RT at RETROPERITONEAL; its suggestion only at EXTREMITY.
          const pembro = d.nodes.find((n) => n.id === 'L-NEOADJ-UPS-PEMBRO-RT');
          if (icd10 === 'C48.0') expect(pembro).toBeUndefined();
          if (pembro?.withSuggestions) expect(icd10).toBe('C49.20');
        }
      }
    }
  });
});
