/**
 * Clinical QA, black-box over HTTP: PATHWAY.md §3 step 7 (metastatic disease), F5 exposures and lines, F6 ECOG, F7
 * cardiac inputs, on mCODE-shaped treatment data: doxorubicin as the product 1790099 dosed in mg with vitals in
 * [in_i]/[lb_av], contained Medications, MedicationStatements with periods, stopped/cancelled/entered-in-error records.
 */
import type { FhirResource } from 'fhir/r4.js';
import { testApp } from '../helpers/app.js';
import { CODES, McodePatient, SYS } from '../fixtures/mcode/resources.js';
import {
  NOW,
  ago,
  cardOf,
  createdServiceRequests,
  fact,
  factsOf,
  patientView,
  topics,
} from '../fixtures/mcode/http.js';

const app = testApp({ PUBLIC_BASE_URL: 'https://cds.example.org' }, () => NOW);

/** A metastatic STS (secondary Condition linked by condition-related, dated `metDaysAgo`) plus treatment data. */
function metastatic(
  id: string,
  morph: [string, string],
  extra: (p: McodePatient) => FhirResource[] = () => [],
  o: { icd10?: [string, string]; metDaysAgo?: number } = {},
): FhirResource[] {
  const p = new McodePatient(id);
  return [
    p.patient('1962-12-12'),
    p.primary({ id: `${id}-dx`, icd10: o.icd10 ?? CODES.thighIcd, extensionMorphology: morph, onset: ago(800) }),
    p.secondary({ id: `${id}-met`, primaryId: `${id}-dx`, onset: ago(o.metDaysAgo ?? 400) }),
    p.ecogInteger(`${id}-ecog`, ago(5), 1),
    p.lvef(`${id}-lvef`, ago(10), 62),
    ...extra(p),
  ];
}

const every21 = (from: number, n: number): number[] => Array.from({ length: n }, (_, i) => from - 21 * i);

describe('§3 step 7 lines and wording', () => {
  test('six product-coded doxorubicin administrations in mg (Mosteller BSA from [in_i]/[lb_av]) put an LPS at line 2 with the cumulative dose', async () => {
    const body = await patientView(
      app,
      metastatic('qa-m-dose6', CODES.lpsDediff, (p) => [
        p.height('qa-m-dose6-h', ago(300), 65, '[in_i]'),
        // F7: a weight within 30 days of each dose (the weight of each cycle).
        ...every21(200, 6).map((d, i) => p.weight(`qa-m-dose6-w${i}`, ago(d), 150, '[lb_av]')),
        ...every21(200, 6).map((d, i) => p.doxoProductAdmin(`qa-m-dose6-dox${i}`, ago(d), 130)),
      ]),
    );
    expect(topics(body)).toEqual(['M-2L-GEM-DOCE', 'M-TRIAL']);
    const card = cardOf(body, 'M-2L-GEM-DOCE');
    expect(card.summary).toMatch(
      /^If the disease has progressed on, or did not tolerate, doxorubicin \(last given [\d-]+\): gemcitabine \+ docetaxel$/,
    );
    expect(card.suggestions?.map((s) => 'isRecommended' in s)).toEqual([false]);
    // 130 mg / sqrt(165.1 cm x 68.04 kg / 3600) = 73.6 mg/m2, six times.
    const cumulative = fact(card, 'Cumulative doxorubicin') ?? '';
    expect(
      Number(/^([\d.]+) mg\/m² as recorded in this record \(6 administrations, /.exec(cumulative)?.[1]),
    ).toBeCloseTo(441.6, 0);
    // §3: line 2+ cards list the prior regimen's last exposure date among their facts.
    expect(factsOf(card).some((f) => f.date?.startsWith(ago(95)) || f.value.includes(ago(95)))).toBe(true);
    expect(cardOf(body, 'M-TRIAL').suggestions ?? []).toEqual([]);
    expect(cardOf(body, 'M-TRIAL').indicator).toBe('info');
  });

  test('LMS line 1 with ECOG 2 (valueInteger): doxorubicin alone becomes the primary, the combination a warning alternative', async () => {
    const body = await patientView(
      app,
      metastatic('qa-m-ecog2', CODES.lms, (p) => [p.ecogInteger('qa-m-ecog2-e2', ago(2), 2)]),
    );
    expect(topics(body)).toEqual(['M-1L-DOXO', 'M-LMS-1L-DOXO-TRAB', 'M-TRIAL']);
    const doxo = cardOf(body, 'M-1L-DOXO');
    expect(doxo.suggestions?.map((s) => 'isRecommended' in s)).toEqual([false]);
    expect(doxo.suggestions?.[0]?.actions?.[0]?.resource).toMatchObject({
      medicationCodeableConcept: { coding: [{ system: SYS.rxnorm, code: '3639' }], text: 'doxorubicin' },
      dosageInstruction: [
        {
          text: 'Doxorubicin 75 mg/m2 IV on day 1 (bolus or 72-hour continuous infusion) every 3 weeks, up to 6 cycles. Assess LVEF before the first dose and during treatment.',
        },
      ],
    });
    const combo = cardOf(body, 'M-LMS-1L-DOXO-TRAB');
    expect(combo.indicator).toBe('warning');
    expect(combo.detail?.startsWith('Alternative to First line: doxorubicin')).toBe(true);
    expect(combo.detail).toMatch(/ECOG 0-1/);
    expect(combo.suggestions?.map((s) => 'isRecommended' in s)).toEqual([false]);
  });

  test('ECOG "4 - Completely disabled" as a coded value: the regimen card is a warning without suggestions', async () => {
    const body = await patientView(
      app,
      metastatic('qa-m-ecog4', CODES.synovial, (p) => [
        p.ecogCoded('qa-m-ecog4-e', ago(1), [
          'LA9626-8',
          '4 - Completely disabled. Cannot carry on any selfcare. Totally confined to bed or chair',
        ]),
      ]),
    );
    const doxo = cardOf(body, 'M-1L-DOXO');
    expect(doxo.indicator).toBe('warning');
    expect(doxo.suggestions ?? []).toEqual([]);
    expect(doxo.summary).toMatch(/^ECOG 4 \([\d-]+\): benefit of systemic therapy uncertain$/);
    expect(doxo.detail).toMatch(/Consider best supportive care/);
  });

  test('current gemcitabine + docetaxel after doxorubicin (LMS): "Current:" card, the later-line options as next steps without orders, one trial card', async () => {
    const body = await patientView(
      app,
      metastatic('qa-m-gd', CODES.lms, (p) => [
        ...every21(300, 4).map((d, i) => p.admin(`qa-m-gd-dox${i}`, ago(d), CODES.rxDoxo, { doseMgM2: 75 })),
        p.admin('qa-m-gd-gem1', ago(30), CODES.rxGem),
        p.admin('qa-m-gd-doc1', ago(22), CODES.rxDoce, { period: true }),
        p.admin('qa-m-gd-gem2', ago(9), CODES.rxGem),
      ]),
    );
    expect(topics(body).sort()).toEqual(['M-2L-GEM-DOCE', 'M-3L-PAZOPANIB', 'M-3L-TRABECTEDIN', 'M-TRIAL'].sort());
    const current = cardOf(body, 'M-2L-GEM-DOCE');
    expect(current.summary).toBe('Current: Second line: gemcitabine + docetaxel');
    expect(current.suggestions ?? []).toEqual([]);
    expect(current.indicator).toBe('info');
    for (const next of ['M-3L-TRABECTEDIN', 'M-3L-PAZOPANIB']) {
      const card = cardOf(body, next);
      expect(card.summary.startsWith('Next step if the disease progresses on gemcitabine + docetaxel: ')).toBe(true);
      expect(card.summary).not.toMatch(/If the disease has progressed/);
      expect(card.suggestions ?? []).toEqual([]);
    }
    expect(topics(body).filter((t) => t === 'M-TRIAL')).toHaveLength(1);
    expect(fact(current, 'Current regimen')).toMatch(/gemcitabine/);
  });

  test('UPS after doxorubicin and gemcitabine + docetaxel: pazopanib only (no trabectedin, no eribulin), trial with its referral', async () => {
    const body = await patientView(
      app,
      metastatic('qa-m-ups3', CODES.ups, (p) => [
        p.statement('qa-m-ups3-dox', ago(400), 'doxorubicin', { end: ago(300) }),
        p.admin('qa-m-ups3-gem', ago(200), CODES.rxGem),
        p.admin('qa-m-ups3-doc', ago(200), CODES.rxDoce),
      ]),
    );
    expect(topics(body)).toEqual(['M-3L-PAZOPANIB', 'M-TRIAL']);
    const pazo = cardOf(body, 'M-3L-PAZOPANIB');
    expect(pazo.summary).toMatch(/^If the disease has progressed on, or did not tolerate, .*: pazopanib$/);
    expect(pazo.suggestions?.map((s) => 'isRecommended' in s)).toEqual([false]);
    expect(pazo.links?.map((l) => l.url).filter((u) => !u.includes('#patient='))).toEqual([
      'https://doi.org/10.1016/S0140-6736(12)60651-5',
    ]);
    const trial = cardOf(body, 'M-TRIAL');
    expect(trial.suggestions?.map((s) => 'isRecommended' in s)).toEqual([false]);
    expect(createdServiceRequests(trial)).toEqual([
      expect.objectContaining({
        // eslint-disable-next-line @typescript-eslint/no-unsafe-assignment -- jest types its asymmetric matchers `any`
        code: expect.objectContaining({
          coding: [
            expect.objectContaining({
              system: 'http://sts-pathway-cds.org/fhir/CodeSystem/sts-pathway-node',
              code: 'M-TRIAL',
            }),
          ],
        }),
      }),
    ]);
    expect(trial.links?.[0]?.url).toMatch(/^https:\/\/clinicaltrials\.gov\/search\?cond=/);
  });

  test('an anthracycline-free sequence (gemcitabine + docetaxel as MedicationStatements): line 3+, saying no anthracycline was given', async () => {
    const body = await patientView(
      app,
      metastatic('qa-m-afree', CODES.lms, (p) => [
        p.statement('qa-m-afree-gem', ago(200), 'Gemzar', { end: ago(120) }),
        p.statement('qa-m-afree-doc', ago(200), 'Taxotere', { end: ago(120) }),
      ]),
    );
    expect(topics(body)).toEqual(['M-3L-TRABECTEDIN', 'M-3L-PAZOPANIB', 'M-TRIAL']);
    expect(cardOf(body, 'M-3L-TRABECTEDIN').detail).toMatch(/no anthracycline/i);
  });

  test('stopped and cancelled doxorubicin requests and an entered-in-error administration are not exposures: LMS line 1', async () => {
    const body = await patientView(
      app,
      metastatic('qa-m-void', CODES.lms, (p) => [
        p.request('qa-m-void-r1', ago(100), CODES.rxDoxo, { status: 'stopped' }),
        p.requestContained('qa-m-void-r2', ago(90), 'DOXOrubicin HCl 2 mg/mL injection', { status: 'cancelled' }),
        p.doxoProductAdmin('qa-m-void-a1', ago(80), 120, { status: 'entered-in-error' }),
        p.doxoProductAdmin('qa-m-void-a2', ago(80), 120, { status: 'not-done' }),
        p.request('qa-m-void-r3', ago(60), CODES.rxGem, { intent: 'plan', status: 'completed' }),
        p.admin('qa-m-void-mesna', ago(70), ['44', 'mesna']),
      ]),
    );
    expect(topics(body)).toEqual(['M-LMS-1L-DOXO-TRAB', 'M-1L-DOXO', 'M-TRIAL']);
  });

  test('a completed request with a contained Medication naming DOXOrubicin is an anthracycline exposure: line 2', async () => {
    const body = await patientView(
      app,
      metastatic('qa-m-contained', CODES.synovial, (p) => [
        p.requestContained('qa-m-contained-r', ago(150), 'DOXOrubicin HCl 50 mg/25 mL IV solution', {
          status: 'completed',
        }),
      ]),
    );
    expect(topics(body)).toEqual(['M-2L-GEM-DOCE', 'M-TRIAL']);
  });

  test('an active doxorubicin request authored 100 days ago counts as completed then: line 2, no current regimen', async () => {
    const body = await patientView(
      app,
      metastatic('qa-m-oldactive', CODES.synovial, (p) => [p.request('qa-m-oldactive-r', ago(100), CODES.rxDoxo)]),
    );
    expect(topics(body)).toEqual(['M-2L-GEM-DOCE', 'M-TRIAL']);
    expect(fact(cardOf(body, 'M-2L-GEM-DOCE'), 'Current regimen')).toMatch(/^none/);
  });

  test('an active doxorubicin request authored 10 days ago is the current regimen: "Current: First line: doxorubicin" and its next step', async () => {
    const body = await patientView(
      app,
      metastatic('qa-m-newactive', CODES.synovial, (p) => [p.request('qa-m-newactive-r', ago(10), CODES.rxDoxo)]),
    );
    expect(topics(body)).toEqual(['M-1L-DOXO', 'M-2L-GEM-DOCE', 'M-TRIAL']);
    expect(cardOf(body, 'M-1L-DOXO').summary).toBe('Current: First line: doxorubicin');
    expect(cardOf(body, 'M-1L-DOXO').suggestions ?? []).toEqual([]);
    expect(cardOf(body, 'M-2L-GEM-DOCE').summary).toBe(
      'Next step if the disease progresses on doxorubicin: Second line: gemcitabine + docetaxel',
    );
    expect(cardOf(body, 'M-2L-GEM-DOCE').suggestions ?? []).toEqual([]);
  });

  test('current doxorubicin + ifosfamide (with mesna) matches First line: doxorubicin', async () => {
    const body = await patientView(
      app,
      metastatic('qa-m-doxifos', CODES.synovial, (p) => [
        p.doxoProductAdmin('qa-m-doxifos-d', ago(12), 130),
        p.admin('qa-m-doxifos-i', ago(12), CODES.rxIfos),
        p.admin('qa-m-doxifos-m', ago(12), ['44', 'Mesnex']),
      ]),
    );
    expect(cardOf(body, 'M-1L-DOXO').summary).toBe('Current: First line: doxorubicin');
  });

  test('current ifosfamide alone: CURRENT-OFF-PATHWAY naming the drug and the line, no regimen suggestions', async () => {
    const body = await patientView(
      app,
      metastatic('qa-m-ifos', CODES.synovial, (p) => [p.admin('qa-m-ifos-i', ago(8), CODES.rxIfos)]),
    );
    expect(topics(body)).toEqual(['CURRENT-OFF-PATHWAY', 'M-TRIAL']);
    const card = cardOf(body, 'CURRENT-OFF-PATHWAY');
    expect(card.summary).toBe('Current regimen: ifosfamide; not a node of line 1');
    expect(card.indicator).toBe('info');
    expect(
      body.cards
        .flatMap((c) => c.suggestions ?? [])
        .filter((s) => s.actions?.some((a) => a.resource?.resourceType === 'MedicationRequest')),
    ).toEqual([]);
  });

  test('liposomal doxorubicin (Doxil) as a MedicationStatement is an anthracycline: line 2, cumulative dose at least 0, the statement unconfirmed', async () => {
    const body = await patientView(
      app,
      metastatic('qa-m-doxil', CODES.synovial, (p) => [
        p.statement('qa-m-doxil-s', ago(300), 'Doxil (doxorubicin HCl liposome injection)', { end: ago(200) }),
      ]),
    );
    expect(topics(body)).toEqual(['M-2L-GEM-DOCE', 'M-TRIAL']);
    expect(fact(cardOf(body, 'M-2L-GEM-DOCE'), 'Cumulative doxorubicin')).toBe(
      'at least 0 mg/m² as recorded in this record (0 administrations); ' +
        `not counted: MedicationStatement/qa-m-doxil-s, ${ago(300)}, unconfirmed statement: not confirmed as given; the number of doses it stands for is unknown`,
    );
  });

  test('a doxorubicin administration with a partial date ("2025-06") counts: line 2', async () => {
    const body = await patientView(
      app,
      metastatic('qa-m-partial', CODES.synovial, (p) => [
        p.admin('qa-m-partial-d', '2025-06', CODES.rxDoxo, { doseMgM2: 75 }),
      ]),
    );
    expect(topics(body)).toEqual(['M-2L-GEM-DOCE', 'M-TRIAL']);
  });

  test('doxorubicin given before the first metastatic evidence: the line 2 card says it was given for localized disease', async () => {
    const body = await patientView(
      app,
      metastatic(
        'qa-m-adj',
        CODES.synovial,
        (p) => every21(500, 3).map((d, i) => p.admin(`qa-m-adj-d${i}`, ago(d), CODES.rxDoxo, { doseMgM2: 75 })),
        { metDaysAgo: 60 },
      ),
    );
    expect(topics(body)).toEqual(['M-2L-GEM-DOCE', 'M-TRIAL']);
    const detail = cardOf(body, 'M-2L-GEM-DOCE').detail ?? '';
    expect(detail).toMatch(/localized/i);
    expect(detail).toMatch(/re-challenge/i);
  });

  test('at line 3+, doxorubicin given before the first metastatic evidence: only the first later-line card says so', async () => {
    const body = await patientView(
      app,
      metastatic(
        'qa-m-adj3',
        CODES.lms,
        (p) => [
          ...every21(500, 3).map((d, i) => p.admin(`qa-m-adj3-d${i}`, ago(d), CODES.rxDoxo, { doseMgM2: 75 })),
          p.admin('qa-m-adj3-g', ago(100), CODES.rxGem),
          p.admin('qa-m-adj3-t', ago(100), CODES.rxDoce),
        ],
        { metDaysAgo: 150 },
      ),
    );
    expect(topics(body)).toEqual(['M-3L-TRABECTEDIN', 'M-3L-PAZOPANIB', 'M-TRIAL']);
    expect(cardOf(body, 'M-3L-TRABECTEDIN').detail).toMatch(
      /given for localized disease; re-challenge with doxorubicin is a clinician's decision/,
    );
    expect(cardOf(body, 'M-3L-PAZOPANIB').detail).not.toMatch(/given for localized disease/);
  });

  test('LVEF 45 % at LPS line 1: one D-ANTHRACYCLINE-CONTRAINDICATED card and gemcitabine + docetaxel as the anthracycline-free alternative', async () => {
    const body = await patientView(
      app,
      metastatic('qa-m-lvef', CODES.lpsDediff, (p) => [p.lvef('qa-m-lvef-low', ago(3), 45)], { icd10: CODES.retroIcd }),
    );
    expect(topics(body)).toEqual(['D-ANTHRACYCLINE-CONTRAINDICATED', 'M-2L-GEM-DOCE', 'M-TRIAL']);
    const contra = cardOf(body, 'D-ANTHRACYCLINE-CONTRAINDICATED');
    expect(contra.indicator).toBe('warning');
    expect(contra.detail).toMatch(/Observation\/qa-m-lvef-low/);
    const alt = cardOf(body, 'M-2L-GEM-DOCE');
    expect(alt.summary).toBe('Anthracycline-free option: gemcitabine + docetaxel');
    expect(alt.detail).toMatch(
      /^Doxorubicin is not recommended for this patient \(see that card\)\. Anthracycline-free option: in GeDDiS/,
    );
    expect(alt.suggestions?.map((s) => 'isRecommended' in s)).toEqual([false]);
    expect(alt.summary).not.toMatch(/progressed on/);
  });

  test('LMS maintenance after six cycles of doxorubicin + trabectedin: maintenance is the current node with its order, gemcitabine + docetaxel next', async () => {
    const body = await patientView(
      app,
      metastatic('qa-m-maint', CODES.lms, (p) => [
        ...every21(240, 6).flatMap((d, i) => [
          p.doxoProductAdmin(`qa-m-maint-d${i}`, ago(d), 110),
          p.admin(`qa-m-maint-t${i}`, ago(d), ['0', 'trabectedin']),
        ]),
        ...every21(114, 6).map((d, i) => p.admin(`qa-m-maint-m${i}`, ago(d), ['0', 'Yondelis (trabectedin)'])),
      ]),
    );
    expect(topics(body)).toEqual(['M-LMS-TRAB-MAINT', 'M-2L-GEM-DOCE', 'M-TRIAL']);
    const maint = cardOf(body, 'M-LMS-TRAB-MAINT');
    expect(maint.suggestions).toHaveLength(1);
    expect(maint.suggestions?.[0]?.actions?.[0]?.resource).toMatchObject({
      medicationCodeableConcept: { text: 'trabectedin' },
      dosageInstruction: [
        {
          // eslint-disable-next-line @typescript-eslint/no-unsafe-assignment -- jest types its asymmetric matchers `any`
          text: expect.stringMatching(
            /^Trabectedin 1\.1 mg\/m2 IV over 3 hours every 3 weeks \(the combination dose\)/,
          ),
        },
      ],
    });
    expect(cardOf(body, 'M-2L-GEM-DOCE').suggestions ?? []).toEqual([]);
  });

  test('an administration coded only by an unknown RxNorm code without display is counted as not recognized', async () => {
    const body = await patientView(
      app,
      metastatic('qa-m-unrec', CODES.synovial, (p) => [
        {
          resourceType: 'MedicationAdministration',
          id: 'qa-m-unrec-a',
          status: 'completed',
          medicationCodeableConcept: { coding: [{ system: SYS.rxnorm, code: '1234567' }] },
          subject: { reference: `Patient/${p.id}` },
          effectiveDateTime: ago(60),
        },
      ]),
    );
    expect(body.cards.every((c) => /1 administered medications not recognized/.test(c.detail ?? ''))).toBe(true);
  });
});
