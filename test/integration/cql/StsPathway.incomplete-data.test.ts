/**
 * PATHWAY.md §2 "Reading the data": a type read only in part (a searchset whose next pages could not be followed) is
 * incomplete. It counts as unreadable for the facts built on it, except that the exposures found still count.
 */
import { doxo, decide, factValue, ids, metastatic, node, withData } from './decision-patients.js';

const partly = (type: string) => new Map([[type, 'the search had more pages than could be read']]);
const LMS_LINE_1 = ['M-LMS-1L-DOXO-TRAB', 'M-1L-DOXO', 'M-TRIAL'];

describe('§2 incomplete types', () => {
  test('Observations incomplete: ECOG, LVEF and grade unavailable, saying the Observations were read only in part', async () => {
    const d = await decide(withData(metastatic('8830/3'), { incomplete: partly('Observation') }));
    expect(node(d, 'M-1L-DOXO').notes).toContain(
      'no usable LVEF (unavailable): assess LVEF (echocardiography or MUGA) before the next anthracycline dose',
    );
    for (const fact of ['ECOG', 'LVEF', 'Grade'])
      expect(factValue(d, fact)).toMatch(/^unavailable \(Observation could not be read: read only in part/);
  });

  test('Conditions incomplete: D-DATA-UNAVAILABLE, as when they could not be read', async () => {
    const d = await decide(withData(metastatic('8890/3'), { incomplete: partly('Condition') }));
    expect(ids(d)).toEqual(['D-DATA-UNAVAILABLE']);
  });

  test('treatment history incomplete: the exposures found still count, and every card says the history is a lower bound', async () => {
    const complete = await decide(metastatic('8890/3', [doxo('2025-07-01')]));
    const d = await decide(
      withData(metastatic('8890/3', [doxo('2025-07-01')]), { incomplete: partly('MedicationAdministration') }),
    );
    expect(factValue(d, 'Line of therapy')).toMatch(/^2 \(set by MedicationAdministration\//);
    expect(factValue(complete, 'Line of therapy')).toMatch(/^2 /);
    expect(factValue(complete, 'Treatment history')).toBeUndefined();
    expect(factValue(d, 'Treatment history')).toMatch(
      /^incomplete \(MedicationAdministration: .*lower bounds \(at least\)$/,
    );
  });

  test('nothing incomplete: the line-1 nodes as usual', async () => {
    expect(ids(await decide(metastatic('8890/3')))).toEqual(LMS_LINE_1);
  });
});
