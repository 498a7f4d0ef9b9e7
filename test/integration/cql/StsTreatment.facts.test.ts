/**
 * test/helpers/treatment-facts.ts without the engine: the narrowing of StsTreatment's raw results that the library's
 * tests read.
 */
import type { PlainValue } from '../../../src/cql/plain.js';
import { toTreatmentFacts } from '../../helpers/treatment-facts.js';

describe('toTreatmentFacts', () => {
  const minimal: Record<string, PlainValue> = {
    Exposures: [],
    'Prior Exposures': [],
    'Current Regimen Drugs': [],
    'Regimen Start': null,
    Line: 1,
    'Anthracycline Free': false,
    'Not Reoffered': [],
    'Line Sources': [],
    'Maintenance Eligible': false,
    'Combination Given': false,
    'Combination Phase Over': true,
    'Maintenance Within Period': false,
    'Maintenance Under Cycle Limit': true,
    'No Gemcitabine Or Docetaxel': true,
    'Last Combination Date': null,
    'Maintenance Anchor': null,
    'Maintenance Dates': [],
    'Maintenance Sources': [],
    ECOG: null,
    Karnofsky: null,
    LVEF: null,
    'Cumulative Doxorubicin': {
      known: false,
      mgM2: 150,
      possible: 225,
      unconfirmedCount: 1,
      historyIncomplete: false,
      reachedWarn: false,
      reachedCritical: false,
      otherAnthracyclines: [{ drug: 'epirubicin', mgM2: 0, atLeast: true, sources: ['MedicationStatement/s1'] }],
      events: [],
      notCounted: [],
      pending: [],
      records: [],
    },
    'Unrecognized Count': 0,
    'Unrecognized Administrations': [],
    'Anthracycline Before Metastatic': null,
    'Anthracycline Before Metastatic Sources': [],
  };

  test('an unknown total becomes "at least" and a null setting stays unknown', () => {
    const f = toTreatmentFacts(minimal);
    expect(f.cumulativeDoxorubicin).toMatchObject({
      known: false,
      atLeast: true,
      confirmed: 150,
      possible: 225,
      unconfirmedCount: 1,
    });
    expect(f.cumulativeDoxorubicin.otherAnthracyclines.map((o) => o.drug)).toEqual(['epirubicin']);
    expect(f.anthracyclineBeforeMetastatic.value).toBeNull();
    expect(f.currentRegimen).toBeNull();
  });

  test('rejects a drug key that src/pathway does not define', () => {
    expect(() => toTreatmentFacts({ ...minimal, 'Not Reoffered': ['aspirin'] })).toThrow(/drug key/);
  });

  test('rejects a record status the library does not produce', () => {
    const c = minimal['Cumulative Doxorubicin'] as Record<string, unknown>;
    expect(() =>
      toTreatmentFacts({
        ...minimal,
        'Cumulative Doxorubicin': { ...c, records: [{ source: 'MedicationRequest/r', date: null, status: 'maybe' }] },
      }),
    ).toThrow(/records\[0\]\.status/);
  });

  test('rejects a line outside 1-3', () => {
    expect(() => toTreatmentFacts({ ...minimal, Line: 4 })).toThrow(/Line/);
  });
});
