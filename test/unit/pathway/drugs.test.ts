import { describe, expect, test } from '@jest/globals';
import {
  DRUGS,
  EXAMPLE_CODES,
  RXNORM_CODES,
  RXNORM_EMITTED,
  scheduleText,
  SYSTEMS,
  matchDrug,
} from '../../../src/pathway/index.js';

describe('matchDrug', () => {
  test('recognises a drug by its RxNorm ingredient code alone', () => {
    expect(matchDrug({ coding: [{ system: SYSTEMS.rxnorm, code: '3639' }] })).toEqual({
      drug: 'doxorubicin',
      liposomal: false,
    });
    expect(matchDrug({ coding: [{ system: SYSTEMS.rxnorm, code: '72962' }] })).toEqual({
      drug: 'docetaxel',
      liposomal: false,
    });
  });

  test('ignores an RxNorm-looking code in another system', () => {
    expect(matchDrug({ coding: [{ system: SYSTEMS.snomed, code: '3639' }] })).toBeUndefined();
  });

  test('recognises the mCODE product display "10 ML doxorubicin hydrochloride 2 MG/ML Injection"', () => {
    expect(matchDrug({ coding: [EXAMPLE_CODES.doxorubicinProduct] })).toEqual({
      drug: 'doxorubicin',
      liposomal: false,
    });
  });

  test('recognises a drug named in the text only', () => {
    expect(matchDrug({ text: 'Eribulin mesylate injection' })).toEqual({ drug: 'eribulin', liposomal: false });
    expect(matchDrug({ text: 'Lartruvo' })).toEqual({ drug: 'olaratumab', liposomal: false });
    expect(matchDrug({ text: 'Yondelis 1 mg vial' })).toEqual({ drug: 'trabectedin', liposomal: false });
  });

  test('marks liposomal doxorubicin by brand or by the word liposomal', () => {
    expect(matchDrug({ text: 'Doxil' })).toEqual({ drug: 'doxorubicin', liposomal: true });
    expect(matchDrug({ text: 'doxorubicin hydrochloride liposome injection' })).toEqual({
      drug: 'doxorubicin',
      liposomal: true,
    });
    expect(
      matchDrug({ coding: [{ system: SYSTEMS.rxnorm, code: '3639', display: 'pegylated liposomal doxorubicin' }] }),
    ).toEqual({ drug: 'doxorubicin', liposomal: true });
  });

  test('matches whole words only: doxorubicinol is not doxorubicin', () => {
    expect(matchDrug({ text: 'doxorubicinol level' })).toBeUndefined();
    expect(matchDrug({ text: 'predoxorubicin' })).toBeUndefined();
  });

  test('matches case-insensitively', () => {
    expect(matchDrug({ text: 'GEMCITABINE 1000 MG/M2' })).toEqual({ drug: 'gemcitabine', liposomal: false });
    expect(matchDrug({ text: 'keytruda' })).toEqual({ drug: 'pembrolizumab', liposomal: false });
  });

  test('matches trabectedin by the EVDI product codes §6 lists for matching only, and never emits them', () => {
    for (const code of ['2745754', '2745760'])
      expect(matchDrug({ coding: [{ system: SYSTEMS.rxnorm, code }] })).toEqual({
        drug: 'trabectedin',
        liposomal: false,
      });
    expect(RXNORM_EMITTED.map((c) => c.code)).not.toContain('2745754');
    expect(DRUGS.trabectedin.rxnorm).toBeUndefined();
  });

  test('returns nothing for an unknown medication or no concept', () => {
    expect(matchDrug({ text: 'ondansetron' })).toBeUndefined();
    expect(matchDrug({ coding: [{ system: SYSTEMS.rxnorm, code: '999999' }] })).toBeUndefined();
    expect(matchDrug(undefined)).toBeUndefined();
  });
});

describe('drug table', () => {
  test('lists every RxNorm code of §6 (third-party mappings, for release review)', () => {
    for (const c of RXNORM_CODES) expect(c.system).toBe(SYSTEMS.rxnorm);
    expect(RXNORM_CODES.map((c) => c.code).sort()).toEqual(
      [
        '1045456',
        '12574',
        '1547545',
        '2745754',
        '2745760',
        '282388',
        '3639',
        '44',
        '56946',
        '5657',
        '714438',
        '72962',
      ].sort(),
    );
  });

  test('emits only pathway-drug RxNorm codes not marked to verify (eribulin 1045456 is never emitted)', () => {
    expect(RXNORM_EMITTED.map((c) => c.code).sort()).toEqual(
      ['12574', '1547545', '3639', '5657', '714438', '72962'].sort(),
    );
  });

  test('counts doxorubicin, epirubicin, daunorubicin, idarubicin and mitoxantrone as anthracyclines', () => {
    const anthracyclines = Object.values(DRUGS)
      .filter((d) => d.anthracycline)
      .map((d) => d.key)
      .sort();
    expect(anthracyclines).toEqual(['daunorubicin', 'doxorubicin', 'epirubicin', 'idarubicin', 'mitoxantrone']);
  });

  test('treats mesna and dexrazoxane as supportive only', () => {
    expect(
      Object.values(DRUGS)
        .filter((d) => d.supportive)
        .map((d) => d.key)
        .sort(),
    ).toEqual(['dexrazoxane', 'mesna']);
  });

  test("emits each node's own text for each drug, without the sentences marked (to verify)", () => {
    expect(scheduleText('M-LMS-1L-DOXO-TRAB', 'trabectedin')).toMatch(/^Trabectedin 1\.1 mg\/m2 IV over 3 hours/);
    expect(scheduleText('M-LMS-1L-DOXO-TRAB', 'trabectedin')).not.toMatch(/G-CSF support as in LMS-02/);
    expect(scheduleText('M-3L-TRABECTEDIN', 'trabectedin')).toMatch(/^Trabectedin 1\.5 mg\/m2 IV over 24 hours/);
    expect(scheduleText('M-2L-GEM-DOCE', 'docetaxel')).toMatch(/^Docetaxel 100 mg\/m2/);
    // Wholly unverified: no text at all rather than a dose nobody checked.
    expect(scheduleText('L-NEOADJ-DOXO-IFOS', 'doxorubicin')).toBeUndefined();
    expect(scheduleText('L-NEOADJ-DOXO-IFOS', 'ifosfamide')).toBeUndefined();
    expect(scheduleText('L-NEOADJ-DOXO-IFOS', 'mesna')).toMatch(/^Mesna with every ifosfamide dose/);
    expect(scheduleText('M-3L-PAZOPANIB', 'pazopanib')).toBe(
      'Pazopanib 800 mg orally once daily. Liver tests before and during treatment (boxed warning: severe and fatal hepatotoxicity).',
    );
  });
});
