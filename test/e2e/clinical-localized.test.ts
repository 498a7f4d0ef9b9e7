/**
 * Clinical QA, black-box over HTTP: PATHWAY.md §3 step 6 (localized disease) on mCODE-shaped data: staging by SNOMED
 * AJCC qualifiers, grade as an NCIt value, procedures with performedPeriod and specific SNOMED codes.
 */
import type { FhirResource } from 'fhir/r4.js';
import { testApp } from '../helpers/app.js';
import { CODES, McodePatient, SYS } from '../fixtures/mcode/resources.js';
import {
  NOW,
  cardOf,
  createdRequests,
  createdServiceRequests,
  fact,
  patientView,
  topics,
} from '../fixtures/mcode/http.js';

const app = testApp({ PUBLIC_BASE_URL: 'https://cds.example.org' }, () => NOW);

/** A localized STS (cM0, stage IIIC) of the given site and histology, plus extra resources. */
function localized(
  id: string,
  o: { icd10: [string, string]; morph: [string, string]; grade?: [string, string]; stage?: 'IIIC' | 'II' },
  extra: (p: McodePatient) => FhirResource[] = () => [],
): FhirResource[] {
  const p = new McodePatient(id);
  return [
    p.patient('1966-10-10'),
    p.primary({ id: `${id}-dx`, icd10: o.icd10, extensionMorphology: o.morph, onset: '2026-04-01' }),
    p.mCategory(`${id}-m`, '2026-04-08', CODES.cM0),
    p.stageGroup(
      `${id}-s`,
      '2026-04-08',
      o.stage === 'II'
        ? {
            coding: [
              {
                system: SYS.sct,
                code: '1222796000',
                display: 'American Joint Committee on Cancer stage II (qualifier value)',
              },
            ],
          }
        : CODES.stageIIIC,
    ),
    ...(o.grade ? [p.grade(`${id}-g`, '2026-04-03', o.grade, `${id}-dx`)] : []),
    ...extra(p),
  ];
}

describe('§3 step 6: localized', () => {
  test('UPS of the arm, grade 3, stage IIIC: surgery recommended, pembrolizumab + RT first neoadjuvant option, RT card without its own order', async () => {
    const body = await patientView(
      app,
      localized('qa-l-ups', { icd10: CODES.armIcd, morph: CODES.ups, grade: CODES.grade3 }),
    );
    expect(topics(body).sort()).toEqual(
      ['L-NEOADJ-DOXO-IFOS', 'L-NEOADJ-UPS-PEMBRO-RT', 'L-RT-EXTREMITY', 'L-SURGERY'].sort(),
    );
    // §3: for UPS both neoadjuvant options are shown, pembrolizumab + RT first.
    expect(topics(body).indexOf('L-NEOADJ-UPS-PEMBRO-RT')).toBeLessThan(topics(body).indexOf('L-NEOADJ-DOXO-IFOS'));
    const surgery = cardOf(body, 'L-SURGERY');
    expect(surgery.suggestions?.map((s) => 'isRecommended' in s)).toEqual([false]);
    expect(createdServiceRequests(surgery)).toEqual([
      expect.objectContaining({
        // eslint-disable-next-line @typescript-eslint/no-unsafe-assignment -- jest types its asymmetric matchers `any`
        code: expect.objectContaining({ coding: [expect.objectContaining({ system: SYS.sct, code: '387713003' })] }),
        reasonReference: [{ reference: 'Condition/qa-l-ups-dx' }],
      }),
    ]);
    const pembro = cardOf(body, 'L-NEOADJ-UPS-PEMBRO-RT');
    expect(pembro.suggestions).toHaveLength(1);
    expect(pembro.suggestions?.[0] !== undefined && 'isRecommended' in pembro.suggestions[0]).toBe(false);
    expect(createdRequests(pembro).map((r) => r.medicationCodeableConcept?.coding?.[0]?.code)).toEqual(['1547545']);
    expect(createdRequests(pembro)[0]?.dosageInstruction?.[0]?.text).toMatch(/^Pembrolizumab 200 mg every 3 weeks/);
    expect(createdServiceRequests(pembro).map((r) => r.code?.coding?.[0]?.code)).toEqual(['1217123003']);
    expect(pembro.links?.map((l) => l.url)).toContain('https://doi.org/10.1016/S0140-6736(24)01812-9');
    // RT is part of the pembrolizumab option.
    expect(cardOf(body, 'L-RT-EXTREMITY').suggestions ?? []).toEqual([]);
    const doxoIfos = cardOf(body, 'L-NEOADJ-DOXO-IFOS');
    expect(
      createdRequests(doxoIfos)
        .map((r) => r.medicationCodeableConcept?.text)
        .sort(),
    ).toEqual(['doxorubicin', 'ifosfamide', 'mesna'].sort());
    expect(doxoIfos.suggestions?.[0] !== undefined && 'isRecommended' in doxoIfos.suggestions[0]).toBe(false);
    expect(fact(surgery, 'Grade')).toBe('3');
    for (const card of body.cards) expect(card.detail).toMatch(/unresectable, the advanced-disease options apply/);
  });

  test('UPS of the arm with a stage II group: pembrolizumab + RT shown without suggestions, RT card carries its order', async () => {
    const body = await patientView(
      app,
      localized('qa-l-ups2', { icd10: CODES.armIcd, morph: CODES.ups, grade: CODES.grade3, stage: 'II' }),
    );
    const pembro = cardOf(body, 'L-NEOADJ-UPS-PEMBRO-RT');
    expect(pembro.suggestions ?? []).toEqual([]);
    expect(pembro.detail).toMatch(/grade 2-3 stage III/);
    expect(createdServiceRequests(cardOf(body, 'L-RT-EXTREMITY')).map((r) => r.code?.coding?.[0]?.code)).toEqual([
      '1217123003',
    ]);
  });

  test('UPS of the thigh with grade unknown: both neoadjuvant cards without suggestions, saying why', async () => {
    const body = await patientView(app, localized('qa-l-ups3', { icd10: CODES.thighIcd, morph: CODES.ups }));
    expect(cardOf(body, 'L-NEOADJ-UPS-PEMBRO-RT').suggestions ?? []).toEqual([]);
    const doxoIfos = cardOf(body, 'L-NEOADJ-DOXO-IFOS');
    expect(doxoIfos.suggestions ?? []).toEqual([]);
    expect(doxoIfos.detail).toMatch(/grade not found: the evidence is for high-grade, deep, large tumors/);
  });

  test('UPS of the retroperitoneum: never pembrolizumab + RT, no neoadjuvant doxorubicin + ifosfamide', async () => {
    const body = await patientView(
      app,
      localized('qa-l-ups4', { icd10: CODES.retroIcd, morph: CODES.ups, grade: CODES.grade3 }),
    );
    expect(topics(body)).toEqual(['L-SURGERY', 'L-RT-RETROPERITONEAL']);
    expect(
      cardOf(body, 'L-RT-RETROPERITONEAL')
        .links?.map((l) => l.url)
        .filter((u) => !u.includes('#patient=')),
    ).toEqual(['https://pubmed.ncbi.nlm.nih.gov/32941794/']);
  });

  test('UPS of the abdominal wall (C49.4, trunk): pembrolizumab + RT shown without suggestions', async () => {
    const body = await patientView(
      app,
      localized('qa-l-ups5', { icd10: CODES.abdomenIcd, morph: CODES.ups, grade: CODES.grade3 }),
    );
    expect(topics(body)).toContain('L-RT-TRUNK');
    expect(cardOf(body, 'L-NEOADJ-UPS-PEMBRO-RT').suggestions ?? []).toEqual([]);
    expect(cardOf(body, 'L-NEOADJ-DOXO-IFOS').suggestions).toHaveLength(1);
  });

  test('well-differentiated liposarcoma of the thigh: no neoadjuvant chemotherapy', async () => {
    const body = await patientView(
      app,
      localized('qa-l-wdlps', { icd10: CODES.thighIcd, morph: CODES.lpsWell, grade: CODES.grade3 }),
    );
    expect(topics(body)).toEqual(['L-SURGERY', 'L-RT-EXTREMITY']);
    expect(createdServiceRequests(cardOf(body, 'L-RT-EXTREMITY'))).toHaveLength(1);
    expect(cardOf(body, 'L-RT-EXTREMITY').suggestions?.some((s) => 'isRecommended' in s) ?? false).toBe(false);
  });

  test('grade 1 (NCIt C28077) LMS of the thigh: no neoadjuvant chemotherapy', async () => {
    const body = await patientView(
      app,
      localized('qa-l-g1', { icd10: CODES.thighIcd, morph: CODES.lms, grade: CODES.grade1 }),
    );
    expect(topics(body)).toEqual(['L-SURGERY', 'L-RT-EXTREMITY']);
  });

  test('site C49.9: L-SURGERY without suggestions naming the site as missing, no RT node', async () => {
    const body = await patientView(
      app,
      localized('qa-l-nos', { icd10: CODES.nosIcd, morph: CODES.synovial, grade: CODES.grade3 }),
    );
    expect(topics(body)).toEqual(['L-SURGERY']);
    const surgery = cardOf(body, 'L-SURGERY');
    expect(surgery.suggestions ?? []).toEqual([]);
    expect(surgery.detail).toMatch(/primary site not found/);
  });

  test('an excision Procedure (SNOMED 65801008, mCODE profile, performedPeriod) after the diagnosis: L-POST-RESECTION only', async () => {
    const body = await patientView(
      app,
      localized('qa-l-res', { icd10: CODES.thighIcd, morph: CODES.synovial, grade: CODES.grade3 }, (p) => [
        p.surgery('qa-l-res-surg', '2026-05-20T08:00:00Z', { reasonId: 'qa-l-res-dx' }),
        p.radiotherapy('qa-l-res-rt', '2026-04-10', '2026-05-10', 'qa-l-res-dx'),
      ]),
    );
    expect(topics(body)).toEqual(['L-POST-RESECTION']);
    const card = cardOf(body, 'L-POST-RESECTION');
    expect(card.suggestions ?? []).toEqual([]);
    expect(card.detail).toMatch(/Procedure\/qa-l-res-surg/);
    expect(JSON.stringify(card.extension)).toMatch(/Procedure\/qa-l-res-rt/);
    expect(card.detail).toMatch(/radiotherapy given on /);
  });

  test('a surgery without the mCODE profile whose display says "Wide excision" counts; an "Excisional biopsy" does not', async () => {
    const withResection = await patientView(
      app,
      localized('qa-l-res2', { icd10: CODES.thighIcd, morph: CODES.synovial, grade: CODES.grade3 }, (p) => [
        p.surgery('qa-l-res2-surg', '2026-05-20', {
          profile: false,
          code: ['112727005', 'Wide excision of soft tissue (procedure)'],
        }),
      ]),
    );
    expect(topics(withResection)).toEqual(['L-POST-RESECTION']);
    const withBiopsy = await patientView(
      app,
      localized('qa-l-bx', { icd10: CODES.thighIcd, morph: CODES.synovial, grade: CODES.grade3 }, (p) => [
        p.surgery('qa-l-bx-surg', '2026-05-20', { profile: false, code: ['8889005', 'Excisional biopsy (procedure)'] }),
      ]),
    );
    expect(topics(withBiopsy)).toContain('L-SURGERY');
  });

  test('a surgery dated before the STS diagnosis, or not completed, does not count', async () => {
    const before = await patientView(
      app,
      localized('qa-l-old', { icd10: CODES.thighIcd, morph: CODES.synovial, grade: CODES.grade3 }, (p) => [
        p.surgery('qa-l-old-surg', '2025-01-05'),
      ]),
    );
    expect(topics(before)).toContain('L-SURGERY');
    const planned = await patientView(
      app,
      localized('qa-l-plan', { icd10: CODES.thighIcd, morph: CODES.synovial, grade: CODES.grade3 }, (p) => [
        p.surgery('qa-l-plan-surg', '2026-05-20', { status: 'preparation' }),
      ]),
    );
    expect(topics(planned)).toContain('L-SURGERY');
  });

  test('RT done (category 108290001, performedPeriod) and no surgery: no RT node', async () => {
    const body = await patientView(
      app,
      localized('qa-l-rt', { icd10: CODES.thighIcd, morph: CODES.synovial, grade: CODES.grade3 }, (p) => [
        p.radiotherapy('qa-l-rt-rt', '2026-04-10', '2026-05-10', 'qa-l-rt-dx'),
      ]),
    );
    expect(topics(body)).toEqual(['L-SURGERY', 'L-NEOADJ-DOXO-IFOS']);
  });

  test('a local recurrence after surgery is treated as not resected', async () => {
    const p = new McodePatient('qa-l-recur');
    const body = await patientView(app, [
      p.patient('1966-10-10'),
      p.primary({
        id: 'qa-l-recur-dx',
        icd10: CODES.thighIcd,
        extensionMorphology: CODES.synovial,
        onset: '2024-01-01',
        clinicalStatus: 'recurrence',
      }),
      p.mCategory('qa-l-recur-m', '2026-04-08', CODES.cM0),
      p.surgery('qa-l-recur-surg', '2024-02-01', { reasonId: 'qa-l-recur-dx' }),
    ]);
    expect(topics(body)).toContain('L-SURGERY');
    expect(topics(body)).not.toContain('L-POST-RESECTION');
  });

  test('LVEF 40 % where neoadjuvant doxorubicin + ifosfamide would be shown: D-ANTHRACYCLINE-CONTRAINDICATED instead', async () => {
    const body = await patientView(
      app,
      localized('qa-l-lvef', { icd10: CODES.thighIcd, morph: CODES.lms, grade: CODES.grade3 }, (p) => [
        p.lvef('qa-l-lvef-e', '2026-05-01', 40),
      ]),
    );
    expect(topics(body).sort()).toEqual(['D-ANTHRACYCLINE-CONTRAINDICATED', 'L-RT-EXTREMITY', 'L-SURGERY'].sort());
    const card = cardOf(body, 'D-ANTHRACYCLINE-CONTRAINDICATED');
    expect(card.indicator).toBe('warning');
    expect(card.detail).toMatch(/without cardio-oncology review/i);
    expect(card.detail).toMatch(/Observation\/qa-l-lvef-e/);
    expect(card.suggestions ?? []).toEqual([]);
  });

  test('ECOG 3 given as a coded answer ("3 - ..."): regimen nodes become warnings without suggestions', async () => {
    const body = await patientView(
      app,
      localized('qa-l-ecog', { icd10: CODES.thighIcd, morph: CODES.lms, grade: CODES.grade3 }, (p) => [
        p.ecogCoded('qa-l-ecog-e', '2026-05-01', [
          'LA9625-0',
          '3 - Capable of only limited selfcare, confined to bed or chair more than 50% of waking hours',
        ]),
      ]),
    );
    const doxoIfos = cardOf(body, 'L-NEOADJ-DOXO-IFOS');
    expect(doxoIfos.indicator).toBe('warning');
    expect(doxoIfos.suggestions ?? []).toEqual([]);
    expect(doxoIfos.summary).toMatch(/^ECOG 3 \([\d-]+\): benefit of systemic therapy uncertain$/);
    expect(doxoIfos.detail).toMatch(
      /^Consider best supportive care\. If treatment is chosen, the pathway option at this line is: /,
    );
    // Surgery is a procedure, not a regimen.
    expect(cardOf(body, 'L-SURGERY').suggestions).toHaveLength(1);
    expect(fact(doxoIfos, 'ECOG')).toBe('3');
  });
});
