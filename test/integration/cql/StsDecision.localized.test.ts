/**
 * PATHWAY.md §3 step 6 and §4.1: every localized-disease node, one patient that reaches it and one that just misses it.
 */
import { NODES } from '../../../src/pathway/index.js';
import { observation, procedure, stsCondition } from '../../fixtures/builders.js';
import {
  decide,
  doxo,
  factValue,
  ids,
  localized,
  node,
  procedureByText,
  STS_ID,
  unreadable,
  view,
  withData,
} from './decision-patients.js';

const grade = (g: 1 | 2 | 3) => observation.grade(g, '2026-01-10');
const surgery = (date = '2026-02-01') => procedure({ id: 'surgery-1', kind: 'surgery', date, reasonId: STS_ID });
const rt = () => procedure({ id: 'rt-1', kind: 'rt', date: '2026-01-20', reasonId: STS_ID });
const stageIII = () => observation.stageGroup('III', '2026-01-10');

describe('§4.1 localized disease', () => {
  describe('L-SURGERY', () => {
    test('a localized extremity STS reaches surgery as the recommended procedure, RT beside it', async () => {
      const d = await decide(localized('8890/3', [grade(1)]));
      expect(view(d)).toEqual([
        ['L-SURGERY', 'primary', true, true, 'info'],
        ['L-RT-EXTREMITY', 'primary', true, false, 'info'],
      ]);
    });

    test('misses it once surgery is done: L-POST-RESECTION only', async () => {
      expect(ids(await decide(localized('8890/3', [grade(1), surgery()])))).toEqual(['L-POST-RESECTION']);
    });

    test('site unknown (C49.9): shown without suggestions, naming the site as missing', async () => {
      const d = await decide(localized('8890/3', [grade(1)], 'C49.9'));
      expect(view(d)).toEqual([['L-SURGERY', 'primary', false, false, 'info']]);
      expect(node(d, 'L-SURGERY').notes).toEqual([expect.stringContaining('primary site not found')]);
    });

    test('Procedures unreadable: surgery shown without suggestions, local therapy unknown', async () => {
      const d = await decide(withData(localized('8890/3', [grade(1)]), { unreadable: unreadable('Procedure') }));
      expect(node(d, 'L-SURGERY')).toMatchObject({ withSuggestions: false, isRecommended: false });
      expect(node(d, 'L-SURGERY').notes).toContain('local therapy unknown: procedures could not be read');
      expect(factValue(d, 'Local therapy')).toMatch(/^unavailable \(Procedure could not be read/);
    });

    test('a biopsy is not surgery: "Excision biopsy" still reaches L-SURGERY', async () => {
      const d = await decide(
        localized('8890/3', [grade(1), procedureByText('Excision biopsy of soft tissue mass of thigh', '2026-01-05')]),
      );
      expect(ids(d)).toEqual(['L-SURGERY', 'L-RT-EXTREMITY']);
    });

    test('a procedure whose text names a wide local excision is surgery', async () => {
      const d = await decide(
        localized('8890/3', [grade(1), procedureByText('Wide local excision of soft tissue sarcoma', '2026-01-05')]),
      );
      expect(ids(d)).toEqual(['L-POST-RESECTION']);
    });

    test('a local recurrence is treated as not resected, whatever surgery was recorded', async () => {
      const recurrence = stsCondition({
        id: STS_ID,
        icd10: 'C49.20',
        morphology: '8890/3',
        onset: '2026-01-01',
        clinicalStatus: 'recurrence',
      });
      const d = await decide({
        resources: [recurrence, observation.mCategory('M0', '2026-01-10'), grade(1), surgery()],
      });
      expect(ids(d)).toEqual(['L-SURGERY', 'L-RT-EXTREMITY']);
      expect(factValue(d, 'Surgery')).toBe('local recurrence: treated as not resected');
    });
  });

  describe('L-RT-EXTREMITY', () => {
    test('reached at site EXTREMITY with its procedure suggestion, not recommended', async () => {
      expect(node(await decide(localized('8890/3', [grade(1)])), 'L-RT-EXTREMITY')).toMatchObject({
        role: 'primary',
        withSuggestions: true,
        isRecommended: false,
        indicator: 'info',
      });
    });

    test('missed once RT is done', async () => {
      expect(ids(await decide(localized('8890/3', [grade(1), rt()])))).toEqual(['L-SURGERY']);
    });

    test('missed at a trunk site (C49.3): the trunk node instead', async () => {
      expect(ids(await decide(localized('8890/3', [grade(1)], 'C49.3')))).toEqual(['L-SURGERY', 'L-RT-TRUNK']);
    });
  });

  describe('L-RT-TRUNK', () => {
    test('reached at site TRUNK_OTHER as information, without suggestions', async () => {
      const d = await decide(localized('8890/3', [grade(1)], 'C49.3'));
      expect(view(d)).toEqual([
        ['L-SURGERY', 'primary', true, true, 'info'],
        ['L-RT-TRUNK', 'primary', false, false, 'info'],
      ]);
    });

    test('missed once RT is done', async () => {
      expect(ids(await decide(localized('8890/3', [grade(1), rt()], 'C49.3')))).toEqual(['L-SURGERY']);
    });
  });

  describe('L-RT-RETROPERITONEAL', () => {
    test('reached at site RETROPERITONEAL (C48.0) as information, without suggestions', async () => {
      const d = await decide(localized('8890/3', [grade(2)], 'C48.0'));
      expect(view(d)).toEqual([
        ['L-SURGERY', 'primary', true, true, 'info'],
        ['L-RT-RETROPERITONEAL', 'primary', false, false, 'info'],
      ]);
    });

    test('missed once RT is done', async () => {
      expect(ids(await decide(localized('8890/3', [grade(2), rt()], 'C48.0')))).toEqual(['L-SURGERY']);
    });
  });

  describe('L-NEOADJ-DOXO-IFOS', () => {
    test('grade 2 LMS of the extremity: considered, with its regimen suggestion and the missing-LVEF line', async () => {
      const d = await decide(localized('8890/3', [grade(2)], 'C49.20', false));
      expect(view(d)).toEqual([
        ['L-SURGERY', 'primary', true, true, 'info'],
        ['L-RT-EXTREMITY', 'primary', true, false, 'info'],
        ['L-NEOADJ-DOXO-IFOS', 'primary', true, false, 'info'],
      ]);
      expect(node(d, 'L-NEOADJ-DOXO-IFOS').notes).toContain(
        'no usable LVEF (none found): assess LVEF (echocardiography or MUGA) before the next anthracycline dose',
      );
    });

    test('grade 1 just misses it', async () => {
      expect(ids(await decide(localized('8890/3', [grade(1)])))).toEqual(['L-SURGERY', 'L-RT-EXTREMITY']);
    });

    test('myxoid liposarcoma 8852/3 reaches it; well-differentiated liposarcoma 8851/3 misses it', async () => {
      expect(ids(await decide(localized('8852/3', [grade(2)])))).toContain('L-NEOADJ-DOXO-IFOS');
      expect(ids(await decide(localized('8851/3', [grade(2)])))).toEqual(['L-SURGERY', 'L-RT-EXTREMITY']);
    });

    test('liposarcoma NOS 8850/3 reaches it', async () => {
      expect(ids(await decide(localized('8850/3', [grade(2)])))).toContain('L-NEOADJ-DOXO-IFOS');
    });

    test('grade unknown: shown without suggestions, saying the evidence is for high-grade, deep, large tumors', async () => {
      const n = node(await decide(localized('8890/3')), 'L-NEOADJ-DOXO-IFOS');
      expect(n).toMatchObject({ withSuggestions: false, isRecommended: false });
      expect(n.notes).toContain('grade not found: the evidence is for high-grade, deep, large tumors');
    });

    test('reached at a trunk site, missed at a retroperitoneal one', async () => {
      expect(ids(await decide(localized('8890/3', [grade(3)], 'C49.3')))).toEqual([
        'L-SURGERY',
        'L-RT-TRUNK',
        'L-NEOADJ-DOXO-IFOS',
      ]);
      expect(ids(await decide(localized('8890/3', [grade(3)], 'C48.0')))).toEqual([
        'L-SURGERY',
        'L-RT-RETROPERITONEAL',
      ]);
    });

    test('missed after an anthracycline exposure', async () => {
      expect(ids(await decide(localized('8890/3', [grade(3), doxo('2026-01-15')])))).toEqual([
        'L-SURGERY',
        'L-RT-EXTREMITY',
      ]);
    });

    test('treatment history unreadable: shown without suggestions, saying so', async () => {
      const d = await decide(
        withData(localized('8890/3', [grade(3)]), { unreadable: unreadable('MedicationAdministration') }),
      );
      const n = node(d, 'L-NEOADJ-DOXO-IFOS');
      expect(n.withSuggestions).toBe(false);
      expect(n.notes).toContain('treatment history unavailable');
    });
  });

  describe('L-NEOADJ-UPS-PEMBRO-RT', () => {
    test('UPS of the extremity, grade 2, stage III, no RT: pembrolizumab + RT first with suggestions, RT folded into it', async () => {
      const d = await decide(localized('8830/3', [grade(2), stageIII()]));
      expect(view(d)).toEqual([
        ['L-SURGERY', 'primary', true, true, 'info'],
        ['L-RT-EXTREMITY', 'primary', false, false, 'info'],
        ['L-NEOADJ-UPS-PEMBRO-RT', 'primary', true, false, 'info'],
        ['L-NEOADJ-DOXO-IFOS', 'alternative', true, false, 'info'],
      ]);
      expect(node(d, 'L-RT-EXTREMITY').notes).toEqual([
        'radiotherapy is part of the neoadjuvant pembrolizumab + radiotherapy option',
      ]);
      expect(node(d, 'L-NEOADJ-DOXO-IFOS').relatedTitle).toBe(NODES['L-NEOADJ-UPS-PEMBRO-RT'].title);
    });

    test('UPS of the retroperitoneum just misses it (never at RETROPERITONEAL)', async () => {
      expect(ids(await decide(localized('8830/3', [grade(2), stageIII()], 'C48.0')))).toEqual([
        'L-SURGERY',
        'L-RT-RETROPERITONEAL',
      ]);
    });

    test('undifferentiated sarcoma NOS 8805/3 is not UPS: no pembrolizumab node', async () => {
      expect(ids(await decide(localized('8805/3', [grade(3), stageIII()])))).toEqual([
        'L-SURGERY',
        'L-RT-EXTREMITY',
        'L-NEOADJ-DOXO-IFOS',
      ]);
    });

    test.each([
      ['grade 1', localized('8830/3', [grade(1), stageIII()])],
      ['grade unknown', localized('8830/3', [stageIII()])],
      ['stage II recorded', localized('8830/3', [grade(3), observation.stageGroup('II', '2026-01-10')])],
      ['RT already done', localized('8830/3', [grade(3), stageIII(), rt()])],
      ['a trunk site', localized('8830/3', [grade(3), stageIII()], 'C49.3')],
    ])(
      '%s: shown without suggestions, saying the evidence is for grade 2-3 stage III extremity tumors',
      async (_label, p) => {
        const n = node(await decide(p), 'L-NEOADJ-UPS-PEMBRO-RT');
        expect(n).toMatchObject({ withSuggestions: false, isRecommended: false, indicator: 'info' });
        expect(n.notes).toContain('the evidence is for grade 2-3 stage III extremity/limb-girdle tumors');
      },
    );

    test('without the pembrolizumab suggestion, extremity RT keeps its own', async () => {
      expect(node(await decide(localized('8830/3', [grade(1), stageIII()])), 'L-RT-EXTREMITY').withSuggestions).toBe(
        true,
      );
    });
  });

  describe('L-POST-RESECTION', () => {
    test('surgery done after the diagnosis: the post-resection card alone, naming the surgery and RT', async () => {
      const d = await decide(localized('8830/3', [grade(3), surgery(), rt()]));
      expect(view(d)).toEqual([['L-POST-RESECTION', 'data', false, false, 'info']]);
      expect(d.facts).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            fact: 'Surgery',
            value: 'done',
            reference: 'Procedure/surgery-1',
            date: '2026-02-01',
          }),
          expect.objectContaining({ fact: 'Radiotherapy', value: 'done', reference: 'Procedure/rt-1' }),
        ]),
      );
    });

    test('a surgery dated the day before the diagnosis does not count', async () => {
      expect(ids(await decide(localized('8890/3', [grade(1), surgery('2025-12-31')])))).toEqual([
        'L-SURGERY',
        'L-RT-EXTREMITY',
      ]);
    });

    test('a surgery on the day of the diagnosis counts', async () => {
      expect(ids(await decide(localized('8890/3', [grade(1), surgery('2026-01-01')])))).toEqual(['L-POST-RESECTION']);
    });
  });

  describe('L-OTHER-SITE', () => {
    test('uterine leiomyosarcoma (C55 with 8890/3): site-specific guideline only', async () => {
      expect(view(await decide(localized('8890/3', [grade(3)], 'C55')))).toEqual([
        ['L-OTHER-SITE', 'data', false, false, 'info'],
      ]);
    });

    test('the same leiomyosarcoma of the thigh (C49.20) misses it', async () => {
      expect(ids(await decide(localized('8890/3', [grade(3)], 'C49.20')))).toEqual([
        'L-SURGERY',
        'L-RT-EXTREMITY',
        'L-NEOADJ-DOXO-IFOS',
      ]);
    });
  });

  describe('D-ANTHRACYCLINE-CONTRAINDICATED (localized)', () => {
    test('LVEF 49 where doxorubicin + ifosfamide would be shown: the contraindication card instead, no neoadjuvant alternative', async () => {
      const d = await decide(localized('8890/3', [grade(2), observation.lvef(49, '2026-05-01')]));
      expect(view(d)).toEqual([
        ['L-SURGERY', 'primary', true, true, 'info'],
        ['L-RT-EXTREMITY', 'primary', true, false, 'info'],
        ['D-ANTHRACYCLINE-CONTRAINDICATED', 'data', false, false, 'warning'],
      ]);
      expect(node(d, 'D-ANTHRACYCLINE-CONTRAINDICATED').rules).toEqual(['S-DOXO-LVEF']);
    });

    test('LVEF 50 keeps doxorubicin + ifosfamide', async () => {
      expect(ids(await decide(localized('8890/3', [grade(2), observation.lvef(50, '2026-05-01')])))).toContain(
        'L-NEOADJ-DOXO-IFOS',
      );
    });

    test('no card when doxorubicin + ifosfamide would not be shown anyway (grade 1)', async () => {
      expect(ids(await decide(localized('8890/3', [grade(1), observation.lvef(40, '2026-05-01')])))).toEqual([
        'L-SURGERY',
        'L-RT-EXTREMITY',
      ]);
    });

    test('UPS: pembrolizumab + RT stays, doxorubicin + ifosfamide is replaced', async () => {
      const d = await decide(localized('8830/3', [grade(3), stageIII(), observation.lvef(45, '2026-05-01')]));
      expect(ids(d)).toEqual([
        'L-SURGERY',
        'L-RT-EXTREMITY',
        'L-NEOADJ-UPS-PEMBRO-RT',
        'D-ANTHRACYCLINE-CONTRAINDICATED',
      ]);
    });
  });
});
