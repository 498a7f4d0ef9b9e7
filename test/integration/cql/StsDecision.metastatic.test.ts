/**
 * PATHWAY.md §3 step 7 and §4.2 (with CURRENT-OFF-PATHWAY and the metastatic D-ANTHRACYCLINE-CONTRAINDICATED): every
 * metastatic node, one patient that reaches it and one that just misses it.
 */
import { NODES } from '../../../src/pathway/index.js';
import { medicationRequest, observation } from '../../fixtures/builders.js';
import {
  afterDoxoAndGemDoce,
  ago,
  decide,
  doxo,
  doxoCycles,
  factValue,
  given,
  ids,
  lms04,
  metastatic,
  node,
  view,
} from './decision-patients.js';

const LATER = { role: 'later-line', withSuggestions: true, isRecommended: false, indicator: 'info' } as const;

/** The prior regimen a later-line title names, as a set of drugs. */
const priorDrugs = (n: { readonly priorRegimen?: string }): string[] => (n.priorRegimen ?? '').split(' + ').sort();

describe('§4.2 metastatic disease', () => {
  describe('M-LMS-1L-DOXO-TRAB', () => {
    test('LMS at line 1: doxorubicin + trabectedin recommended, doxorubicin alone its alternative, trial as information', async () => {
      const d = await decide(metastatic('8890/3', [], { lvef: false }));
      expect(view(d)).toEqual([
        ['M-LMS-1L-DOXO-TRAB', 'primary', true, true, 'info'],
        ['M-1L-DOXO', 'alternative', true, false, 'info'],
        ['M-TRIAL', 'trial', false, false, 'info'],
      ]);
      expect(node(d, 'M-1L-DOXO').relatedTitle).toBe(NODES['M-LMS-1L-DOXO-TRAB'].title);
      expect(node(d, 'M-LMS-1L-DOXO-TRAB').notes).toContain(
        'no usable LVEF (none found): assess LVEF (echocardiography or MUGA) before the next anthracycline dose',
      );
    });

    test('UPS at line 1 misses it: doxorubicin alone is the primary', async () => {
      expect(view(await decide(metastatic('8830/3')))).toEqual([
        ['M-1L-DOXO', 'primary', true, true, 'info'],
        ['M-TRIAL', 'trial', false, false, 'info'],
      ]);
    });

    test('LMS after doxorubicin (line 2) misses it', async () => {
      expect(ids(await decide(metastatic('8890/3', [doxo('2025-07-01')])))).toEqual(['M-2L-GEM-DOCE', 'M-TRIAL']);
    });

    test('a current doxorubicin + trabectedin regimen is shown as current, gemcitabine + docetaxel next', async () => {
      const d = await decide(metastatic('8890/3', [doxo(ago(10), 60), given('trabectedin', ago(10))]));
      expect(view(d)).toEqual([
        ['M-LMS-1L-DOXO-TRAB', 'current', false, false, 'info'],
        ['M-2L-GEM-DOCE', 'next', false, false, 'info'],
        ['M-TRIAL', 'trial', false, false, 'info'],
      ]);
      expect(node(d, 'M-2L-GEM-DOCE').relatedTitle).toBe(NODES['M-LMS-1L-DOXO-TRAB'].title);
    });
  });

  describe('M-LMS-TRAB-MAINT', () => {
    test('first maintenance trabectedin 364 days ago (3 dates): maintenance continues, gemcitabine + docetaxel next', async () => {
      const d = await decide(metastatic('8890/3', lms04(364, 3)));
      expect(view(d)).toEqual([
        ['M-LMS-TRAB-MAINT', 'current', true, false, 'info'],
        ['M-2L-GEM-DOCE', 'next', false, false, 'info'],
        ['M-TRIAL', 'trial', false, false, 'info'],
      ]);
    });

    test('first maintenance trabectedin 366 days ago just misses it: line 2, trabectedin not re-offered', async () => {
      const d = await decide(metastatic('8890/3', lms04(366, 3)));
      expect(ids(d)).toEqual(['M-2L-GEM-DOCE', 'M-TRIAL']);
      expect(node(d, 'M-2L-GEM-DOCE')).toMatchObject(LATER);
      expect(priorDrugs(node(d, 'M-2L-GEM-DOCE'))).toEqual(['doxorubicin', 'trabectedin']);
    });

    test('16 maintenance dates keep maintenance; 17 reach the cycle limit', async () => {
      expect(ids(await decide(metastatic('8890/3', lms04(300, 16, 14))))).toEqual([
        'M-LMS-TRAB-MAINT',
        'M-2L-GEM-DOCE',
        'M-TRIAL',
      ]);
      expect(ids(await decide(metastatic('8890/3', lms04(300, 17, 14))))).toEqual(['M-2L-GEM-DOCE', 'M-TRIAL']);
    });

    test('maintenance under way at line 1 is the recommended suggestion', async () => {
      expect(node(await decide(metastatic('8890/3', lms04(100, 5))), 'M-LMS-TRAB-MAINT')).toMatchObject({
        role: 'current',
        withSuggestions: true,
        isRecommended: true,
      });
    });

    test('the combination phase not over (4 doxorubicin dates, the last 10 days ago) misses it', async () => {
      const ongoing = Array.from({ length: 4 }, (_, i) => 10 + 21 * (3 - i)).flatMap((d) => [
        doxo(ago(d), 60),
        given('trabectedin', ago(d)),
      ]);
      expect(ids(await decide(metastatic('8890/3', ongoing)))).toEqual([
        'M-LMS-1L-DOXO-TRAB',
        'M-2L-GEM-DOCE',
        'M-TRIAL',
      ]);
    });

    test('any gemcitabine exposure misses it', async () => {
      expect(ids(await decide(metastatic('8890/3', [...lms04(200, 3), given('gemcitabine', ago(150))])))).not.toContain(
        'M-LMS-TRAB-MAINT',
      );
    });

    test('the same history for a UPS misses it (LMS only)', async () => {
      expect(ids(await decide(metastatic('8830/3', lms04(200, 3))))).not.toContain('M-LMS-TRAB-MAINT');
    });
  });

  describe('M-1L-DOXO', () => {
    test('line 1 liposarcoma: doxorubicin alone, recommended', async () => {
      expect(node(await decide(metastatic('8858/3')), 'M-1L-DOXO')).toMatchObject({
        role: 'primary',
        withSuggestions: true,
        isRecommended: true,
      });
    });

    test('an active doxorubicin request authored 42 days ago is the current regimen: M-1L-DOXO as current', async () => {
      const d = await decide(metastatic('8830/3', [medicationRequest({ drug: 'doxorubicin', authoredOn: ago(42) })]));
      expect(view(d)).toEqual([
        ['M-1L-DOXO', 'current', false, false, 'info'],
        ['M-2L-GEM-DOCE', 'next', false, false, 'info'],
        ['M-TRIAL', 'trial', false, false, 'info'],
      ]);
      expect(factValue(d, 'Current regimen')).toBe('doxorubicin');
    });

    test('authored 43 days ago it counts as completed: line 2, gemcitabine + docetaxel', async () => {
      const d = await decide(metastatic('8830/3', [medicationRequest({ drug: 'doxorubicin', authoredOn: ago(43) })]));
      expect(ids(d)).toEqual(['M-2L-GEM-DOCE', 'M-TRIAL']);
    });

    test('a current doxorubicin + ifosfamide regimen matches M-1L-DOXO (EORTC 62012)', async () => {
      const d = await decide(metastatic('8830/3', [doxo(ago(5)), given('ifosfamide', ago(5))]));
      expect(ids(d)).toEqual(['M-1L-DOXO', 'M-2L-GEM-DOCE', 'M-TRIAL']);
      expect(node(d, 'M-1L-DOXO').role).toBe('current');
    });

    test('ifosfamide, pembrolizumab or gemcitabine alone before do not advance the line', async () => {
      const d = await decide(
        metastatic('8830/3', [
          given('ifosfamide', '2025-07-01'),
          given('pembrolizumab', '2025-08-01'),
          given('gemcitabine', '2025-09-01'),
        ]),
      );
      expect(node(d, 'M-1L-DOXO').role).toBe('primary');
    });
  });

  describe('M-2L-GEM-DOCE', () => {
    test('after doxorubicin: gemcitabine + docetaxel as a later-line option naming the prior regimen', async () => {
      const d = await decide(metastatic('8830/3', [doxo('2025-07-01')]));
      expect(node(d, 'M-2L-GEM-DOCE')).toMatchObject({ ...LATER, priorRegimen: 'doxorubicin' });
      expect(node(d, 'M-2L-GEM-DOCE').notes).toEqual([]);
    });

    test('doxorubicin given before the metastatic evidence: the card says it was given for localized disease', async () => {
      const n = node(await decide(metastatic('8830/3', [doxo('2025-03-01')])), 'M-2L-GEM-DOCE');
      expect(n.notes).toEqual([expect.stringContaining('an anthracycline was given for localized disease')]);
    });

    test('an anthracycline other than doxorubicin (epirubicin) also sets line 2', async () => {
      expect(ids(await decide(metastatic('8830/3', [given('epirubicin', '2025-07-01')])))).toEqual([
        'M-2L-GEM-DOCE',
        'M-TRIAL',
      ]);
    });

    test('trabectedin without an anthracycline sets line 2, and trabectedin is not re-offered', async () => {
      expect(ids(await decide(metastatic('8890/3', [given('trabectedin', '2025-07-01')])))).toEqual([
        'M-2L-GEM-DOCE',
        'M-TRIAL',
      ]);
    });

    test('a current gemcitabine + docetaxel regimen: current, with the line-3 options of the histology as next steps', async () => {
      const d = await decide(
        metastatic('8890/3', [doxo('2025-07-01'), given('gemcitabine', ago(7)), given('docetaxel', ago(7))]),
      );
      expect(view(d)).toEqual([
        ['M-2L-GEM-DOCE', 'current', false, false, 'info'],
        ['M-3L-TRABECTEDIN', 'next', false, false, 'info'],
        ['M-3L-PAZOPANIB', 'next', false, false, 'info'],
        ['M-TRIAL', 'trial', false, false, 'info'],
      ]);
    });
  });

  describe('line 3+: M-3L-TRABECTEDIN, M-3L-PAZOPANIB, M-3L-ERIBULIN', () => {
    test.each([
      ['LMS 8890/3', '8890/3', ['M-3L-TRABECTEDIN', 'M-3L-PAZOPANIB']],
      ['LPS 8858/3', '8858/3', ['M-3L-TRABECTEDIN', 'M-3L-ERIBULIN']],
      ['UPS 8830/3', '8830/3', ['M-3L-PAZOPANIB']],
      ['synovial sarcoma 9040/3', '9040/3', ['M-3L-PAZOPANIB']],
    ])(
      '%s: the later-line options allowed for the histology, then the trial with its suggestion',
      async (_l, morph, options) => {
        const d = await decide(metastatic(morph, afterDoxoAndGemDoce()));
        expect(ids(d)).toEqual([...options, 'M-TRIAL']);
        for (const id of options) {
          expect(node(d, id)).toMatchObject(LATER);
          // §3: the last prior regimen is named; every prior regimen is listed, oldest first, never merged.
          expect(node(d, id).priorRegimen).toBe('gemcitabine + docetaxel');
          expect(node(d, id).priorRegimens).toEqual([
            '1. doxorubicin, 1 administration date, 2025-07-01',
            '2. gemcitabine + docetaxel, 1 administration date, 2025-10-01',
          ]);
        }
        expect(node(d, 'M-TRIAL')).toMatchObject({ withSuggestions: true, isRecommended: false });
      },
    );

    test('at line 2 none of them is offered', async () => {
      const d = await decide(metastatic('8858/3', [doxo('2025-07-01')]));
      expect(ids(d)).toEqual(['M-2L-GEM-DOCE', 'M-TRIAL']);
    });

    test('a later-line drug already received is not re-offered (LMS after trabectedin: pazopanib only)', async () => {
      const d = await decide(metastatic('8890/3', [...afterDoxoAndGemDoce(), given('trabectedin', '2025-12-01')]));
      expect(ids(d)).toEqual(['M-3L-PAZOPANIB', 'M-TRIAL']);
    });

    test('an anthracycline-free sequence (gemcitabine + docetaxel only) reaches line 3 and says so', async () => {
      const d = await decide(
        metastatic('8890/3', [given('gemcitabine', '2025-10-01'), given('docetaxel', '2025-10-01')]),
      );
      expect(ids(d)).toEqual(['M-3L-TRABECTEDIN', 'M-3L-PAZOPANIB', 'M-TRIAL']);
      expect(node(d, 'M-3L-TRABECTEDIN').notes).toContain(
        'no anthracycline was given (an anthracycline-free sequence)',
      );
    });

    test('a current trabectedin at line 3: current, the other option not received as next step, never the trial as next', async () => {
      const d = await decide(metastatic('8890/3', [...afterDoxoAndGemDoce(), given('trabectedin', ago(14))]));
      expect(view(d)).toEqual([
        ['M-3L-TRABECTEDIN', 'current', false, false, 'info'],
        ['M-3L-PAZOPANIB', 'next', false, false, 'info'],
        ['M-TRIAL', 'trial', true, false, 'info'],
      ]);
    });
  });

  describe('M-TRIAL', () => {
    test('one information card at line 1 and at line 2', async () => {
      expect(node(await decide(metastatic('8830/3')), 'M-TRIAL')).toMatchObject({
        withSuggestions: false,
        indicator: 'info',
      });
      expect(node(await decide(metastatic('8830/3', [doxo('2025-07-01')])), 'M-TRIAL')).toMatchObject({
        withSuggestions: false,
      });
    });

    test('with its suggestion when no other option is left (LPS after trabectedin and eribulin)', async () => {
      const d = await decide(
        metastatic('8858/3', [
          ...afterDoxoAndGemDoce(),
          given('trabectedin', '2025-11-01'),
          given('eribulin', '2025-12-01'),
        ]),
      );
      expect(view(d)).toEqual([['M-TRIAL', 'trial', true, false, 'info']]);
    });

    test('never for localized disease', async () => {
      const d = await decide({
        resources: [metastatic('8830/3').resources[0]!, observation.mCategory('M0', '2025-02-01')],
      });
      expect(ids(d)).not.toContain('M-TRIAL');
    });
  });

  describe('CURRENT-OFF-PATHWAY', () => {
    test('a current paclitaxel (not a pathway drug): the off-pathway current card, no regimen suggestion', async () => {
      const d = await decide(metastatic('8830/3', [given('paclitaxel', ago(10))]));
      expect(view(d)).toEqual([
        ['CURRENT-OFF-PATHWAY', 'data', false, false, 'info'],
        ['M-TRIAL', 'trial', false, false, 'info'],
      ]);
    });

    test('paclitaxel last given 43 days ago is not current and does not advance the line: doxorubicin alone', async () => {
      expect(ids(await decide(metastatic('8830/3', [given('paclitaxel', ago(43))])))).toEqual(['M-1L-DOXO', 'M-TRIAL']);
    });

    test('a current pazopanib is off pathway for a liposarcoma, on pathway (current) for a synovial sarcoma', async () => {
      const history = [...afterDoxoAndGemDoce(), given('pazopanib', ago(7))];
      expect(ids(await decide(metastatic('8858/3', history)))).toEqual(['CURRENT-OFF-PATHWAY', 'M-TRIAL']);
      expect(node(await decide(metastatic('9040/3', history)), 'M-3L-PAZOPANIB').role).toBe('current');
    });
  });

  describe('D-ANTHRACYCLINE-CONTRAINDICATED (metastatic)', () => {
    test('LVEF 49 at LMS line 1: one contraindication card, gemcitabine + docetaxel as the anthracycline-free alternative', async () => {
      const d = await decide(metastatic('8890/3', [observation.lvef(49, ago(10))]));
      expect(view(d)).toEqual([
        ['D-ANTHRACYCLINE-CONTRAINDICATED', 'data', false, false, 'warning'],
        ['M-2L-GEM-DOCE', 'alternative', true, false, 'info'],
        ['M-TRIAL', 'trial', false, false, 'info'],
      ]);
      expect(node(d, 'M-2L-GEM-DOCE').summary).toBe('Anthracycline-free option: gemcitabine + docetaxel');
      expect(node(d, 'M-2L-GEM-DOCE').opening?.[0]).toMatch(
        /^Doxorubicin is not recommended for this patient \(see that card\)\. Anthracycline-free option: in GeDDiS/,
      );
      expect(node(d, 'D-ANTHRACYCLINE-CONTRAINDICATED').rules).toEqual(['S-DOXO-LVEF']);
    });

    test('an LVEF range whose low value is 49 also contraindicates', async () => {
      expect(ids(await decide(metastatic('8830/3', [observation.lvefRange(49, 55, ago(10))])))).toContain(
        'D-ANTHRACYCLINE-CONTRAINDICATED',
      );
    });

    test('LVEF 50 misses it', async () => {
      expect(ids(await decide(metastatic('8890/3', [observation.lvef(50, ago(10))])))).toEqual([
        'M-LMS-1L-DOXO-TRAB',
        'M-1L-DOXO',
        'M-TRIAL',
      ]);
    });

    test('a low LVEF counts whatever its age (two years old)', async () => {
      expect(ids(await decide(metastatic('8830/3', [observation.lvef(40, '2024-06-01')])))).toContain(
        'D-ANTHRACYCLINE-CONTRAINDICATED',
      );
    });

    test('cumulative 450 reached during the current course: the current card ends doxorubicin, next steps carry no orders (not progression)', async () => {
      const d = await decide(metastatic('8890/3', doxoCycles(450, 12)));
      expect(view(d)).toEqual([
        ['M-1L-DOXO', 'current', false, false, 'warning'],
        ['M-2L-GEM-DOCE', 'next', false, false, 'info'],
        ['M-TRIAL', 'trial', false, false, 'info'],
      ]);
      expect(node(d, 'M-1L-DOXO').opening?.[0]).toMatch(
        /^No further doxorubicin: the cumulative dose as recorded has reached 450 mg\/m²/,
      );
    });

    test('449 during the current course misses it: the current card stays info', async () => {
      expect(view(await decide(metastatic('8890/3', doxoCycles(449, 12))))[0]).toEqual([
        'M-1L-DOXO',
        'current',
        false,
        false,
        'info',
      ]);
    });

    test('LVEF 45 during the current course: "Hold doxorubicin", gemcitabine + docetaxel once with its suggestion', async () => {
      const d = await decide(metastatic('8890/3', [doxo(ago(30)), doxo(ago(9)), observation.lvef(45, ago(3))]));
      expect(view(d)).toEqual([
        ['M-1L-DOXO', 'current', false, false, 'warning'],
        ['M-2L-GEM-DOCE', 'alternative', true, false, 'info'],
        ['M-TRIAL', 'trial', false, false, 'info'],
      ]);
      expect(node(d, 'M-1L-DOXO').opening).toEqual([
        `Hold doxorubicin: LVEF 45 % (${ago(3)}) is below 50 %. Cardio-oncology review.`,
      ]);
      expect(node(d, 'M-2L-GEM-DOCE').summary).toBe(
        'If doxorubicin is stopped for the fall in LVEF: gemcitabine + docetaxel',
      );
    });

    test('LVEF low and cumulative 450 during the current course: both openings, gemcitabine + docetaxel offered for the LVEF', async () => {
      const d = await decide(metastatic('8830/3', [...doxoCycles(450, 12), observation.lvef(40, ago(5))]));
      expect(ids(d)).toEqual(['M-1L-DOXO', 'M-2L-GEM-DOCE', 'M-TRIAL']);
      expect(node(d, 'M-1L-DOXO').rules).toEqual(['S-DOXO-CUMULATIVE', 'S-DOXO-LVEF']);
      expect(node(d, 'M-2L-GEM-DOCE').withSuggestions).toBe(true);
    });

    test('at line 2 no doxorubicin node would be output, so no contraindication card', async () => {
      expect(ids(await decide(metastatic('8830/3', [doxo('2025-07-01'), observation.lvef(40, ago(5))])))).toEqual([
        'M-2L-GEM-DOCE',
        'M-TRIAL',
      ]);
    });
  });
});
