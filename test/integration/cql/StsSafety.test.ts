/**
 * PATHWAY.md §5 safety rules: for each rule, an order that triggers it and one that just misses it, and its
 * patient-view effect, through the compiled ELM and the service's engine.
 */
import { medicationStatement, observation, procedure } from '../../fixtures/builders.js';
import {
  afterDoxoAndGemDoce,
  ago,
  cardsOf,
  decide,
  doxo,
  doxoCycles,
  draft,
  given,
  ids,
  lms04,
  localized,
  metastatic,
  node,
  order,
  STS_ID,
  unreadable,
  view,
  withData,
} from './decision-patients.js';

const onPathway = (topic: string, draftIds: string[]) => ({
  kind: 'on-pathway',
  topic,
  indicator: 'info',
  draftIds,
  alternatives: [],
});
const rule = (topic: string, indicator: string, draftIds: string[], alternatives: string[] = []) => ({
  kind: 'rule',
  topic,
  indicator,
  draftIds,
  alternatives,
});
const localizedUps = () =>
  localized('8830/3', [observation.grade(3, '2026-01-10'), observation.stageGroup('III', '2026-01-10')]);

describe('§5 blocking rules', () => {
  describe('S-PAZO-ADIPOCYTIC', () => {
    test('pazopanib for a liposarcoma at line 3: critical, the LPS options offered instead', async () => {
      const d = await order(metastatic('8858/3', afterDoxoAndGemDoce()), [draft('d1', 'pazopanib')]);
      expect(cardsOf(d)).toEqual([
        rule('S-PAZO-ADIPOCYTIC', 'critical', ['d1'], ['M-3L-TRABECTEDIN', 'M-3L-ERIBULIN']),
      ]);
      expect(d.cards[0]?.facts.map((f) => f.fact)).toEqual(['Histology']);
    });

    test('pazopanib for a synovial sarcoma at line 3 is on pathway', async () => {
      expect(cardsOf(await order(metastatic('9040/3', afterDoxoAndGemDoce()), [draft('d1', 'Votrient')]))).toEqual([
        onPathway('M-3L-PAZOPANIB', ['d1']),
      ]);
    });

    test('patient-view: never shown for a liposarcoma, shown for a leiomyosarcoma', async () => {
      expect(ids(await decide(metastatic('8858/3', afterDoxoAndGemDoce())))).not.toContain('M-3L-PAZOPANIB');
      expect(ids(await decide(metastatic('8890/3', afterDoxoAndGemDoce())))).toContain('M-3L-PAZOPANIB');
    });
  });

  describe('S-ERIBULIN-NON-LPS', () => {
    test('eribulin for a leiomyosarcoma: warning, the LMS options offered', async () => {
      expect(cardsOf(await order(metastatic('8890/3', afterDoxoAndGemDoce()), [draft('d1', 'eribulin')]))).toEqual([
        rule('S-ERIBULIN-NON-LPS', 'warning', ['d1'], ['M-3L-TRABECTEDIN', 'M-3L-PAZOPANIB']),
      ]);
    });

    test('eribulin (Halaven) for a liposarcoma is on pathway', async () => {
      expect(cardsOf(await order(metastatic('8858/3', afterDoxoAndGemDoce()), [draft('d1', 'Halaven')]))).toEqual([
        onPathway('M-3L-ERIBULIN', ['d1']),
      ]);
    });
  });

  describe('S-TRABECTEDIN-HISTOLOGY', () => {
    test.each([
      ['UPS', '8830/3'],
      ['synovial sarcoma (OTHER)', '9040/3'],
    ])('trabectedin for a %s: warning, pazopanib offered', async (_l, morph) => {
      expect(cardsOf(await order(metastatic(morph, afterDoxoAndGemDoce()), [draft('d1', 'trabectedin')]))).toEqual([
        rule('S-TRABECTEDIN-HISTOLOGY', 'warning', ['d1'], ['M-3L-PAZOPANIB']),
      ]);
    });

    test('trabectedin for a leiomyosarcoma at line 3 is on pathway', async () => {
      expect(cardsOf(await order(metastatic('8890/3', afterDoxoAndGemDoce()), [draft('d1', 'Yondelis')]))).toEqual([
        onPathway('M-3L-TRABECTEDIN', ['d1']),
      ]);
    });
  });

  describe('S-OLARATUMAB', () => {
    test('olaratumab for any adult STS patient: critical, the on-pathway options offered', async () => {
      expect(cardsOf(await order(metastatic('8830/3'), [draft('d1', 'olaratumab')]))).toEqual([
        rule('S-OLARATUMAB', 'critical', ['d1'], ['M-1L-DOXO']),
      ]);
    });

    test('also for a 17-year-old and for a GIST, where nothing else is said', async () => {
      const child = await order({ ...metastatic('8830/3'), birthDate: '2008-06' }, [
        draft('d1', 'Lartruvo'),
        draft('d2', 'doxorubicin'),
      ]);
      // §5 step 1: under 18, an anthracycline draft gets the pediatric order-time card (info) and no adult rule.
      expect(cardsOf(child)).toEqual([
        rule('S-OLARATUMAB', 'critical', ['d1']),
        { kind: 'pediatric', topic: 'X-PEDIATRIC', indicator: 'info', draftIds: ['d2'], alternatives: [] },
      ]);
      const gist = await order(metastatic('8936/3'), [draft('d1', 'Lartruvo'), draft('d2', 'imatinib')]);
      expect(cardsOf(gist)).toEqual([rule('S-OLARATUMAB', 'critical', ['d1'])]);
    });

    test('no STS Condition: no card at all', async () => {
      const d = await order({ resources: [] }, [draft('d1', 'olaratumab')]);
      expect(d.hasSts).toBe(false);
      expect(d.cards).toEqual([]);
    });
  });

  describe('S-DOXO-LVEF', () => {
    test('doxorubicin with LVEF 49: critical, gemcitabine + docetaxel offered', async () => {
      const d = await order(metastatic('8830/3', [observation.lvef(49, ago(10))]), [draft('d1', 'doxorubicin')]);
      expect(cardsOf(d)).toEqual([rule('S-DOXO-LVEF', 'critical', ['d1'], ['M-2L-GEM-DOCE'])]);
      expect(d.cards[0]?.facts).toEqual([expect.objectContaining({ fact: 'LVEF', value: '49 %' })]);
    });

    test('LVEF 50 just misses it: on pathway', async () => {
      expect(
        cardsOf(await order(metastatic('8830/3', [observation.lvef(50, ago(10))]), [draft('d1', 'doxorubicin')])),
      ).toEqual([onPathway('M-1L-DOXO', ['d1'])]);
    });

    test('applies to a GIST adult (outside the pathway) but not to a 17-year-old', async () => {
      const lvef = observation.lvef(45, ago(10));
      expect(cardsOf(await order(metastatic('8936/3', [lvef]), [draft('d1', 'doxorubicin')]))).toEqual([
        rule('S-DOXO-LVEF', 'critical', ['d1']),
      ]);
      expect(
        cardsOf(await order({ ...metastatic('8830/3', [lvef]), birthDate: '2008-06' }, [draft('d1', 'doxorubicin')])),
      ).toEqual([{ kind: 'pediatric', topic: 'X-PEDIATRIC', indicator: 'info', draftIds: ['d1'], alternatives: [] }]);
    });

    test('patient-view: an LVEF of 60 taken 91 days ago is not usable ("not recent"), and blocks nothing', async () => {
      const d = await decide(metastatic('8830/3', [observation.lvef(60, ago(91))]));
      expect(node(d, 'M-1L-DOXO').notes).toContain(
        'no usable LVEF (not recent): assess LVEF (echocardiography or MUGA) before the next anthracycline dose',
      );
      expect(node(d, 'M-1L-DOXO').withSuggestions).toBe(true);
    });

    test('patient-view: an LVEF of 60 taken 90 days ago is recent', async () => {
      expect(node(await decide(metastatic('8830/3', [observation.lvef(60, ago(90))])), 'M-1L-DOXO').notes).toEqual([]);
    });
  });

  describe('S-DOXO-LVEF with a comparator (§7.3 silent: the safer reading)', () => {
    const withComparator = (comparator: '<' | '<=' | '>' | '>=', value: number) => {
      const o = observation.lvef(value, ago(10));
      return { ...o, valueQuantity: { ...o.valueQuantity, comparator } };
    };
    test('"<" 50: the true value is below 50, critical, shown with its comparator', async () => {
      const d = await order(metastatic('8830/3', [withComparator('<', 50)]), [draft('d1', 'doxorubicin')]);
      expect(cardsOf(d)).toEqual([rule('S-DOXO-LVEF', 'critical', ['d1'], ['M-2L-GEM-DOCE'])]);
      expect(d.cards[0]?.facts).toEqual([expect.objectContaining({ fact: 'LVEF', value: '<50 %' })]);
    });

    test('"<=" 50 (at the threshold) is read as low too', async () => {
      const d = await order(metastatic('8830/3', [withComparator('<=', 50)]), [draft('d1', 'doxorubicin')]);
      expect(cardsOf(d)).toEqual([rule('S-DOXO-LVEF', 'critical', ['d1'], ['M-2L-GEM-DOCE'])]);
    });

    test('">=" 50 just misses it: reliably not low, on pathway', async () => {
      expect(
        cardsOf(await order(metastatic('8830/3', [withComparator('>=', 50)]), [draft('d1', 'doxorubicin')])),
      ).toEqual([onPathway('M-1L-DOXO', ['d1'])]);
    });

    test('"<" 55 could be low: not interpretable, S-DOXO-LVEF-UNKNOWN names it with its comparator', async () => {
      const d = await order(metastatic('8830/3', [withComparator('<', 55)]), [draft('d1', 'doxorubicin')]);
      expect(cardsOf(d)[0]).toMatchObject({ topic: 'S-DOXO-LVEF-UNKNOWN', indicator: 'warning' });
      expect(d.cards[0]?.facts).toEqual([
        // eslint-disable-next-line @typescript-eslint/no-unsafe-assignment -- jest types its asymmetric matchers `any`
        expect.objectContaining({ fact: 'LVEF', value: expect.stringContaining('not interpretable (<55 %)') }),
        expect.objectContaining({ fact: 'Cumulative doxorubicin' }),
      ]);
    });
  });

  describe('LVEF readings on the same day (§2 ties: the more conservative; §7.3 never ignored silently)', () => {
    const unreadable = (date: string) => observation.lvef(120, date, { id: 'lv-bad' });
    test('a valid 60 and an unreadable one the same day: named, LVEF not interpretable (S-DOXO-LVEF-UNKNOWN)', async () => {
      const d = await order(metastatic('8830/3', [observation.lvef(60, ago(10)), unreadable(ago(10))]), [
        draft('d1', 'doxorubicin'),
      ]);
      expect(cardsOf(d)[0]).toMatchObject({ topic: 'S-DOXO-LVEF-UNKNOWN', indicator: 'warning' });
      expect(d.cards[0]?.facts[0]).toMatchObject({
        fact: 'LVEF',
        value: expect.stringContaining('not interpretable (120 %); same day: 60 %') as unknown,
      });
    });

    test('the unreadable one a day earlier just misses: the later valid 60 is used, on pathway', async () => {
      expect(
        cardsOf(
          await order(metastatic('8830/3', [observation.lvef(60, ago(10)), unreadable(ago(11))]), [
            draft('d1', 'doxorubicin'),
          ]),
        ),
      ).toEqual([onPathway('M-1L-DOXO', ['d1'])]);
    });

    test('two valid values the same day: the lower (45) is the LVEF, S-DOXO-LVEF blocks', async () => {
      const d = await order(metastatic('8830/3', [observation.lvef(60, ago(10)), observation.lvef(45, ago(10))]), [
        draft('d1', 'doxorubicin'),
      ]);
      expect(cardsOf(d)).toEqual([rule('S-DOXO-LVEF', 'critical', ['d1'], ['M-2L-GEM-DOCE'])]);
      expect(d.cards[0]?.facts).toEqual([expect.objectContaining({ fact: 'LVEF', value: '45 %' })]);
    });
  });

  describe('S-DOXO-CUMULATIVE', () => {
    test('cumulative 450 mg/m2 on a current doxorubicin regimen: another cycle is critical, with no next line offered (not progression)', async () => {
      const d = await order(metastatic('8830/3', doxoCycles(450, 12)), [draft('d1', 'doxorubicin')]);
      expect(cardsOf(d)).toEqual([rule('S-DOXO-CUMULATIVE', 'critical', ['d1'], [])]);
      expect(d.cards[0]?.facts).toEqual([
        expect.objectContaining({
          fact: 'Cumulative doxorubicin',
          // eslint-disable-next-line @typescript-eslint/no-unsafe-assignment -- jest types its asymmetric matchers `any`
          value: expect.stringMatching(/^450 mg\/m² as recorded in this record \(6 administrations, /),
        }),
      ]);
    });

    test('449 mg/m2 just misses it: the continuation is on pathway, with the cumulative-dose warning', async () => {
      expect(cardsOf(await order(metastatic('8830/3', doxoCycles(449, 12)), [draft('d1', 'doxorubicin')]))).toEqual([
        rule('S-DOXO-CUMULATIVE-WARN', 'warning', ['d1']),
        onPathway('M-1L-DOXO', ['d1']),
      ]);
    });

    test('a known lower bound of 450 (administrations plus an undosed statement) is enough', async () => {
      const history = [...doxoCycles(450, 12), medicationStatement({ drug: 'doxorubicin', date: '2025-07-01' })];
      expect(cardsOf(await order(metastatic('8830/3', history), [draft('d1', 'doxorubicin')]))[0]).toMatchObject({
        topic: 'S-DOXO-CUMULATIVE',
        indicator: 'critical',
      });
    });

    test('patient-view: 450 during the course keeps the current card as a warning that ends doxorubicin; 449 keeps it with the warning fact', async () => {
      const at450 = await decide(metastatic('8830/3', doxoCycles(450, 12)));
      expect(node(at450, 'M-1L-DOXO')).toMatchObject({
        role: 'current',
        indicator: 'warning',
        withSuggestions: false,
        rules: ['S-DOXO-CUMULATIVE'],
      });
      expect(node(at450, 'M-1L-DOXO').opening?.[0]).toBe(
        'No further doxorubicin: the cumulative dose as recorded has reached 450 mg/m² ' +
          '(limit 450 mg/m²). Reaching the cumulative limit ends doxorubicin; it is not evidence of progression.',
      );
      const at449 = await decide(metastatic('8830/3', doxoCycles(449, 12)));
      expect(node(at449, 'M-1L-DOXO')).toMatchObject({ role: 'current', rules: ['S-DOXO-CUMULATIVE-WARN'] });
    });
  });

  describe('S-PEMBRO-SETTING', () => {
    test('pembrolizumab for a localized extremity UPS is on pathway (neoadjuvant pembrolizumab + RT)', async () => {
      expect(cardsOf(await order(localizedUps(), [draft('d1', 'pembrolizumab')]))).toEqual([
        onPathway('L-NEOADJ-UPS-PEMBRO-RT', ['d1']),
      ]);
    });

    test('pembrolizumab for a metastatic synovial sarcoma: warning, doxorubicin offered', async () => {
      expect(cardsOf(await order(metastatic('9040/3'), [draft('d1', 'Keytruda')]))).toEqual([
        rule('S-PEMBRO-SETTING', 'warning', ['d1'], ['M-1L-DOXO']),
      ]);
    });

    test('pembrolizumab for a metastatic UPS is a histology-specific option (§5 step 7), not S-PEMBRO-SETTING', async () => {
      expect(cardsOf(await order(metastatic('8830/3'), [draft('d1', 'Keytruda')]))).toEqual([
        {
          kind: 'histology-specific',
          topic: 'HISTOLOGY-SPECIFIC-OPTION',
          indicator: 'info',
          draftIds: ['d1'],
          alternatives: [],
        },
      ]);
    });

    test('pembrolizumab for a localized leiomyosarcoma is outside its setting', async () => {
      const d = await order(localized('8890/3', [observation.grade(3, '2026-01-10')]), [draft('d1', 'pembrolizumab')]);
      expect(cardsOf(d)[0]).toMatchObject({ topic: 'S-PEMBRO-SETTING', indicator: 'warning' });
    });

    test('adjuvant pembrolizumab after resection of a UPS that received it before surgery is on pathway', async () => {
      const p = localized('8830/3', [
        given('pembrolizumab', '2026-01-15'),
        procedure({ kind: 'surgery', date: '2026-04-01', reasonId: STS_ID }),
      ]);
      const d = await order(p, [draft('d1', 'pembrolizumab')]);
      expect(cardsOf(d)).toEqual([onPathway('L-NEOADJ-UPS-PEMBRO-RT', ['d1'])]);
      expect(d.cards[0]?.notes).toEqual(['adjuvant pembrolizumab after surgery (SU2C-SARC032)']);
    });
  });
});

describe('§5 advisory rules', () => {
  describe('S-DOXO-CUMULATIVE-WARN', () => {
    test('cumulative 300 mg/m2: a warning beside the on-pathway card; 299 none', async () => {
      expect(cardsOf(await order(metastatic('8830/3', doxoCycles(300, 12)), [draft('d1', 'doxorubicin')]))).toEqual([
        rule('S-DOXO-CUMULATIVE-WARN', 'warning', ['d1']),
        onPathway('M-1L-DOXO', ['d1']),
      ]);
      expect(cardsOf(await order(metastatic('8830/3', doxoCycles(299, 12)), [draft('d1', 'doxorubicin')]))).toEqual([
        onPathway('M-1L-DOXO', ['d1']),
      ]);
    });

    test('patient-view: 300 is a fact on the doxorubicin card, 299 is not', async () => {
      const at300 = node(await decide(metastatic('8830/3', doxoCycles(300, 12))), 'M-1L-DOXO');
      expect(at300.rules).toEqual(['S-DOXO-CUMULATIVE-WARN']);
      expect(at300.notes).toContain('cumulative doxorubicin 300 mg/m2: at or above the warning threshold of 300 mg/m2');
      expect(node(await decide(metastatic('8830/3', doxoCycles(299, 12))), 'M-1L-DOXO').rules).toEqual([]);
    });

    test('a total that cannot be known (an undosed doxorubicin statement): "cumulative anthracycline dose incomplete"', async () => {
      const p = metastatic('8830/3', [medicationStatement({ drug: 'doxorubicin', date: ago(10) })]);
      expect(cardsOf(await order(p, [draft('d1', 'doxorubicin')]))).toEqual([
        rule('S-DOXO-CUMULATIVE-WARN', 'warning', ['d1']),
        onPathway('M-1L-DOXO', ['d1']),
      ]);
      expect(node(await decide(p), 'M-1L-DOXO').notes).toContain(
        'cumulative anthracycline dose incomplete: verify before ordering (at least 0 mg/m2 doxorubicin)',
      );
    });

    test('treatment history unreadable: the warning, and no OFF-PATHWAY', async () => {
      const d = await order(withData(metastatic('8830/3'), { unreadable: unreadable('MedicationAdministration') }), [
        draft('d1', 'doxorubicin'),
      ]);
      // §5 step 2: a draft that gets an advisory card gets no POSITION-UNKNOWN card ("otherwise").
      expect(cardsOf(d).map((c) => c.topic)).toEqual(['S-DOXO-CUMULATIVE-WARN']);
    });
  });

  describe('S-COMBO-ECOG', () => {
    test('doxorubicin + ifosfamide at line 1 with ECOG 2: on pathway under M-1L-DOXO, plus the advisory', async () => {
      const d = await order(metastatic('8830/3', [observation.ecog(2, ago(5))]), [
        draft('d1', 'doxorubicin'),
        draft('d2', 'ifosfamide'),
      ]);
      // The builder's patient is above comboMaxTrialAge: S-COMBO-AGE (info) as well.
      expect(cardsOf(d)).toEqual([
        rule('S-COMBO-ECOG', 'warning', ['d1', 'd2']),
        rule('S-COMBO-AGE', 'info', ['d1', 'd2']),
        onPathway('M-1L-DOXO', ['d1', 'd2']),
      ]);
      expect(d.cards[2]?.notes).toContain(
        'doxorubicin + ifosfamide: acceptable when response is the goal (EORTC 62012)',
      );
    });

    test('ECOG 1 just misses it', async () => {
      const d = await order(metastatic('8830/3', [observation.ecog(1, ago(5))]), [
        draft('d1', 'doxorubicin'),
        draft('d2', 'ifosfamide'),
      ]);
      expect(cardsOf(d)).toEqual([rule('S-COMBO-AGE', 'info', ['d1', 'd2']), onPathway('M-1L-DOXO', ['d1', 'd2'])]);
    });

    test('a single agent with ECOG 2 misses it', async () => {
      expect(
        cardsOf(await order(metastatic('8830/3', [observation.ecog(2, ago(5))]), [draft('d1', 'doxorubicin')])),
      ).toEqual([onPathway('M-1L-DOXO', ['d1'])]);
    });

    test('doxorubicin drafted while ifosfamide is current is the combination', async () => {
      const d = await order(metastatic('8830/3', [observation.ecog(2, ago(5)), given('ifosfamide', ago(3))]), [
        draft('d1', 'doxorubicin'),
      ]);
      expect(cardsOf(d).map((c) => c.topic)).toContain('S-COMBO-ECOG');
    });

    test('patient-view at line 2: gemcitabine + docetaxel becomes a warning with ECOG 2, stays info with ECOG 1', async () => {
      const e2 = node(
        await decide(metastatic('8830/3', [doxo('2025-07-01'), observation.ecog(2, ago(5))])),
        'M-2L-GEM-DOCE',
      );
      expect(e2).toMatchObject({ indicator: 'warning', withSuggestions: true, rules: ['S-COMBO-ECOG'] });
      expect(e2.notes).toContain('performance status ECOG 2: the trials of this combination enrolled ECOG 0-1');
      const e1 = node(
        await decide(metastatic('8830/3', [doxo('2025-07-01'), observation.ecog(1, ago(5))])),
        'M-2L-GEM-DOCE',
      );
      expect(e1).toMatchObject({ indicator: 'info', rules: [] });
    });

    test('the latest ECOG counts: 1 after an earlier 2 misses it', async () => {
      const d = await decide(metastatic('8890/3', [observation.ecog(2, ago(60)), observation.ecog(1, ago(5))]));
      expect(node(d, 'M-LMS-1L-DOXO-TRAB').role).toBe('primary');
    });
  });

  describe('S-ECOG-POOR', () => {
    test('ECOG 3: an order gets the advisory beside its classification', async () => {
      const d = await order(metastatic('8830/3', [observation.ecog(3, ago(5))]), [draft('d1', 'doxorubicin')]);
      expect(cardsOf(d)).toEqual([rule('S-ECOG-POOR', 'warning', ['d1']), onPathway('M-1L-DOXO', ['d1'])]);
    });

    test('ECOG 2 just misses it', async () => {
      const d = await order(metastatic('8830/3', [observation.ecog(2, ago(5))]), [draft('d1', 'doxorubicin')]);
      expect(cardsOf(d).map((c) => c.topic)).not.toContain('S-ECOG-POOR');
    });

    test('patient-view: every regimen node a warning without suggestions, suggesting best supportive care', async () => {
      const d = await decide(metastatic('8890/3', [observation.ecog(3, ago(5))]));
      expect(view(d)).toEqual([
        ['M-1L-DOXO', 'primary', false, false, 'warning'],
        ['M-LMS-1L-DOXO-TRAB', 'alternative', false, false, 'warning'],
        ['M-TRIAL', 'trial', false, false, 'info'],
      ]);
      expect(node(d, 'M-1L-DOXO').notes).toContain(
        'performance status 3-4: benefit of systemic therapy uncertain; consider best supportive care',
      );
    });
  });

  describe('S-REPEAT', () => {
    test('trabectedin again at line 3 after a prior trabectedin: the repeat advisory, and off pathway', async () => {
      const d = await order(metastatic('8890/3', [...afterDoxoAndGemDoce(), given('trabectedin', '2025-12-01')]), [
        draft('d1', 'trabectedin'),
      ]);
      expect(cardsOf(d)).toEqual([
        rule('S-REPEAT', 'info', ['d1']),
        {
          kind: 'off-pathway',
          topic: 'OFF-PATHWAY',
          indicator: 'warning',
          draftIds: ['d1'],
          alternatives: ['M-3L-PAZOPANIB'],
        },
      ]);
    });

    test('continuing the current trabectedin is not a repeat', async () => {
      const d = await order(metastatic('8890/3', [...afterDoxoAndGemDoce(), given('trabectedin', ago(14))]), [
        draft('d1', 'trabectedin'),
      ]);
      expect(cardsOf(d)).toEqual([onPathway('M-3L-TRABECTEDIN', ['d1'])]);
    });

    test('gemcitabine + docetaxel again after a prior course is a repeat', async () => {
      const d = await order(metastatic('8830/3', afterDoxoAndGemDoce()), [
        draft('d1', 'gemcitabine'),
        draft('d2', 'docetaxel'),
      ]);
      expect(cardsOf(d)[0]).toEqual(rule('S-REPEAT', 'info', ['d1', 'd2']));
    });

    test('maintenance trabectedin while M-LMS-TRAB-MAINT is output is not a repeat; a year after it is', async () => {
      expect(cardsOf(await order(metastatic('8890/3', lms04(364, 3)), [draft('d1', 'trabectedin')]))).toEqual([
        onPathway('M-LMS-TRAB-MAINT', ['d1']),
      ]);
      const expired = await order(metastatic('8890/3', lms04(366, 3)), [draft('d1', 'trabectedin')]);
      expect(cardsOf(expired).map((c) => c.topic)).toEqual(['S-REPEAT', 'M-3L-TRABECTEDIN']);
      expect(expired.cards[1]?.kind).toBe('later-line-early');
    });
  });
});
