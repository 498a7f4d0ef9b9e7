/**
 * Clinical QA over HTTP: PATHWAY.md F10 (disease status, mCODE CancerDiseaseStatus LOINC 97509-4) and its uses: §3
 * step 7 maintenance condition (e), the later-line wording with the F5 prior regimens, the next-step cards, and §5
 * order-time step 5. Each use has a patient that reaches it and one that just misses it (status final vs preliminary,
 * dated before vs after the regimen, focus on another primary, 709137006 undetermined, Observations unreadable), and
 * one scenario is read through a real FHIR server, whose Observation query must ask for 97509-4.
 */
import type { Bundle, FhirResource, Observation } from 'fhir/r4.js';
import request from 'supertest';
import type { CdsResponse } from '../../src/shared/cds-hooks.js';
import { EXAMPLE_CODES } from '../../src/pathway/index.js';
import { testApp } from '../helpers/app.js';
import { useTestFhirServer } from '../helpers/fhir-server.js';
import {
  medicationAdministration,
  observation,
  otherCondition,
  patient,
  secondaryCondition,
  stsCondition,
  type DrugSpec,
} from '../fixtures/builders.js';
import { NOW, ago, cardOf, draft, fact, orders, patientView, prefetchOf, topics } from '../fixtures/mcode/http.js';

const app = testApp({ PUBLIC_BASE_URL: 'https://cds.example.org' }, () => NOW);

const PROGRESSION = '271299001';
const STABLE = '359746009';
const PARTIAL_REMISSION = '551001000124108';
const UNDETERMINED = '709137006';

/** A metastatic STS of the thigh (metastasis linked to it), ECOG 1 and a recent LVEF, plus `extra`. */
function metastatic(
  id: string,
  morphology: string,
  extra: FhirResource[],
  o: { otherPrimary?: boolean } = {},
): FhirResource[] {
  return [
    patient({ id, birthDate: '1964-04-04' }),
    stsCondition({ id: `${id}-dx`, patientId: id, icd10: 'C49.21', morphology, onset: ago(900) }),
    secondaryCondition({ id: `${id}-met`, patientId: id, primaryId: `${id}-dx`, onset: ago(500) }),
    ...(o.otherPrimary
      ? [
          otherCondition({
            id: `${id}-bc`,
            patientId: id,
            code: EXAMPLE_CODES.breast,
            primaryProfile: true,
            onset: '2015-03-01',
          }),
        ]
      : []),
    observation.ecog(1, ago(5), { id: `${id}-ecog`, patientId: id }),
    observation.lvef(60, ago(5), { id: `${id}-lvef`, patientId: id }),
    ...extra,
  ];
}

const given = (patientId: string, tag: string, drug: DrugSpec, daysAgo: number, doseMgM2?: number) => {
  const base = { id: `${patientId}-${tag}-${daysAgo}`, patientId, drug, date: ago(daysAgo) };
  return doseMgM2 !== undefined ? medicationAdministration({ ...base, doseMgM2 }) : medicationAdministration(base);
};

/** A disease status of the STS (linked by `focus`), final unless given. */
const status = (
  patientId: string,
  tag: string,
  code: string,
  daysAgo: number,
  o: { status?: Observation['status']; focusId?: string } = {},
) =>
  observation.diseaseStatus(code, ago(daysAgo), {
    id: `${patientId}-ds-${tag}`,
    patientId,
    focusId: o.focusId ?? `${patientId}-dx`,
    ...(o.status ? { status: o.status } : {}),
  });

/**
 * LMS-04: six 3-weekly doxorubicin + trabectedin cycles, then `count` maintenance trabectedin dates `spacing` days
 * apart, the first `firstAgo` days ago. The first combination date is `firstAgo + 126` days ago.
 */
function lms04(id: string, firstAgo: number, count: number, spacing = 21): FhirResource[] {
  const combination = Array.from({ length: 6 }, (_, i) => firstAgo + 21 * (6 - i)).flatMap((d) => [
    given(id, 'dox', 'doxorubicin', d, 60),
    given(id, 'trab', 'trabectedin', d),
  ]);
  return [
    ...combination,
    ...Array.from({ length: count }, (_, i) => given(id, 'maint', 'trabectedin', firstAgo - spacing * i)),
  ];
}

/** Four cycles of doxorubicin (day 1) + ifosfamide (days 1-3), every 3 weeks from `firstAgo` days ago: 12 dates. */
function doxoIfos(id: string, firstAgo: number): FhirResource[] {
  return Array.from({ length: 4 }, (_, i) => firstAgo - 21 * i).flatMap((d) => [
    given(id, 'dox', 'doxorubicin', d, 75),
    ...[0, 1, 2].map((k) => given(id, 'ifo', 'ifosfamide', d - k)),
  ]);
}

/** Three cycles of gemcitabine (days 1, 8) + docetaxel (day 8), every 3 weeks from `firstAgo` days ago: 6 dates. */
function gemDoce(id: string, firstAgo: number): FhirResource[] {
  return Array.from({ length: 3 }, (_, i) => firstAgo - 21 * i).flatMap((d) => [
    given(id, 'gem', 'gemcitabine', d),
    given(id, 'gem', 'gemcitabine', d - 7),
    given(id, 'doc', 'docetaxel', d - 7),
  ]);
}

// doxorubicin + ifosfamide from 400 to 337 days ago (the last ifosfamide day).
const DI_FIRST = 400;
const DI_LAST = 400 - 63 - 2;
const DI_LINE = `1. doxorubicin + ifosfamide, 12 administration dates, ${ago(DI_FIRST)} to ${ago(DI_LAST)}`;

describe('§3 step 7 (c): a trabectedin still given past the maintenance limits', () => {
  test('17 maintenance dates given and a trabectedin still current: it continues the combination, gemcitabine + docetaxel next (not the later-line trabectedin node)', async () => {
    const id = 'ds-m-limit';
    // 17 maintenance dates 14 days apart, the last 2 days ago: the cycle limit is reached, trabectedin is current.
    const body = await patientView(app, metastatic(id, '8890/3', lms04(id, 2 + 14 * 16, 17, 14)));
    expect(topics(body)).toEqual(['M-LMS-1L-DOXO-TRAB', 'M-2L-GEM-DOCE', 'M-TRIAL']);
    expect(cardOf(body, 'M-2L-GEM-DOCE').summary).toBe(
      'Next step if the disease progresses on doxorubicin + trabectedin: Second line: gemcitabine + docetaxel',
    );
  });

  test('just misses: 16 maintenance dates, maintenance is still the current node', async () => {
    const id = 'ds-m-under';
    const body = await patientView(app, metastatic(id, '8890/3', lms04(id, 2 + 14 * 15, 16, 14)));
    expect(topics(body)).toEqual(['M-LMS-TRAB-MAINT', 'M-2L-GEM-DOCE', 'M-TRIAL']);
  });
});

describe('§3 step 7 (e): maintenance trabectedin only while no progression is recorded', () => {
  test('no disease status (the usual case): maintenance is the current node with its order', async () => {
    const id = 'ds-m-none';
    const body = await patientView(app, metastatic(id, '8890/3', lms04(id, 100, 5)));
    expect(topics(body)).toEqual(['M-LMS-TRAB-MAINT', 'M-2L-GEM-DOCE', 'M-TRIAL']);
    expect(cardOf(body, 'M-LMS-TRAB-MAINT').suggestions).toHaveLength(1);
    expect(fact(cardOf(body, 'M-LMS-TRAB-MAINT'), 'Disease status')).toBe(
      'not found (looked for: a disease status Observation (LOINC 97509-4))',
    );
  });

  test('progression recorded after the first combination date: no maintenance; the trabectedin continues the combination, gemcitabine + docetaxel next with the progression named', async () => {
    const id = 'ds-m-prog';
    const body = await patientView(
      app,
      metastatic(id, '8890/3', [...lms04(id, 100, 5), status(id, 'p', PROGRESSION, 10)]),
    );
    expect(topics(body)).toEqual(['M-LMS-1L-DOXO-TRAB', 'M-2L-GEM-DOCE', 'M-TRIAL']);
    const next = cardOf(body, 'M-2L-GEM-DOCE');
    expect(next.summary).toBe(
      'Next step if the disease progresses on doxorubicin + trabectedin: Second line: gemcitabine + docetaxel',
    );
    expect(next.suggestions ?? []).toEqual([]);
    expect(next.detail).toMatch(new RegExp(`^No order is suggested now\\. Progression recorded on ${ago(10)}\\.`));
    expect(next.detail).not.toMatch(/No progression is recorded/);
    expect(fact(next, 'Disease status')).toBe("Patient's condition worsened (progression)");
  });

  test('progression dated on the first combination date counts ("on or after"): no maintenance', async () => {
    const id = 'ds-m-on';
    const body = await patientView(
      app,
      metastatic(id, '8890/3', [...lms04(id, 100, 5), status(id, 'p', PROGRESSION, 226)]),
    );
    expect(topics(body)).not.toContain('M-LMS-TRAB-MAINT');
  });

  test('progression dated before the first combination date (the one that started treatment) just misses it: maintenance continues', async () => {
    const id = 'ds-m-before';
    const body = await patientView(
      app,
      metastatic(id, '8890/3', [...lms04(id, 100, 5), status(id, 'p', PROGRESSION, 227)]),
    );
    expect(topics(body)).toEqual(['M-LMS-TRAB-MAINT', 'M-2L-GEM-DOCE', 'M-TRIAL']);
  });

  test.each([
    ['a preliminary progression status', (id: string) => status(id, 'p', PROGRESSION, 10, { status: 'preliminary' })],
    ['a stable status', (id: string) => status(id, 's', STABLE, 10)],
    ['an undetermined status (709137006)', (id: string) => status(id, 'u', UNDETERMINED, 10)],
  ])('%s is not progression: maintenance continues', async (_l, make) => {
    const id = `ds-m-${_l.length}`;
    const body = await patientView(app, metastatic(id, '8890/3', [...lms04(id, 100, 5), make(id)]));
    expect(topics(body)).toEqual(['M-LMS-TRAB-MAINT', 'M-2L-GEM-DOCE', 'M-TRIAL']);
  });

  test('a progression whose focus is another primary cancer is ignored and named: maintenance continues', async () => {
    const id = 'ds-m-other';
    const body = await patientView(
      app,
      metastatic(id, '8890/3', [...lms04(id, 100, 5), status(id, 'p', PROGRESSION, 10, { focusId: `${id}-bc` })], {
        otherPrimary: true,
      }),
    );
    expect(topics(body)).toEqual(['M-LMS-TRAB-MAINT', 'M-2L-GEM-DOCE', 'M-TRIAL']);
    expect(fact(cardOf(body, 'M-LMS-TRAB-MAINT'), 'Ignored (another primary cancer)')).toContain(
      `Observation/${id}-ds-p (disease status progression): references Condition/${id}-bc, not an STS Condition`,
    );
  });

  test('with a stable status recorded, the 17-date cycle limit still ends maintenance: 16 dates keep it, 17 do not', async () => {
    const sixteen = 'ds-m-16';
    const kept = await patientView(
      app,
      metastatic(sixteen, '8890/3', [...lms04(sixteen, 300, 16, 14), status(sixteen, 's', STABLE, 20)]),
    );
    expect(topics(kept)).toEqual(['M-LMS-TRAB-MAINT', 'M-2L-GEM-DOCE', 'M-TRIAL']);
    const seventeen = 'ds-m-17';
    const ended = await patientView(
      app,
      metastatic(seventeen, '8890/3', [...lms04(seventeen, 300, 17, 14), status(seventeen, 's', STABLE, 20)]),
    );
    expect(topics(ended)).toEqual(['M-2L-GEM-DOCE', 'M-TRIAL']);
    // The stable status is dated after the last trabectedin: the second-line card is shown without suggestions.
    const card = cardOf(ended, 'M-2L-GEM-DOCE');
    // The summary leaves out the words "disease status" to fit the CDS Hooks limit; the detail gives the sentence whole.
    expect(card.summary).toBe(
      `No progression recorded since doxorubicin + trabectedin (stable, ${ago(20)}): gemcitabine + docetaxel applies at progression or intolerance`,
    );
    expect(card.detail).toContain(
      `No progression recorded since doxorubicin + trabectedin (disease status stable, ${ago(20)}): gemcitabine + docetaxel applies at progression or intolerance.`,
    );
    expect(card.suggestions ?? []).toEqual([]);
  });
});

describe('§3 "Later-line wording": the last prior regimen and the disease status since its start', () => {
  test('no disease status: "If the disease has progressed on, or did not tolerate, <last prior regimen> (last given <date>)", with suggestions, every prior regimen listed', async () => {
    const id = 'ds-l-none';
    const body = await patientView(app, metastatic(id, '9040/3', doxoIfos(id, DI_FIRST)));
    expect(topics(body)).toEqual(['M-2L-GEM-DOCE', 'M-TRIAL']);
    const card = cardOf(body, 'M-2L-GEM-DOCE');
    expect(card.summary).toBe(
      `If the disease has progressed on, or did not tolerate, doxorubicin + ifosfamide (last given ${ago(DI_LAST)}): gemcitabine + docetaxel`,
    );
    expect(card.suggestions).toHaveLength(1);
    expect(card.detail).toContain(`Prior regimens, oldest first:\n\n${DI_LINE}\n`);
    expect(card.detail).toMatch(/confirm progression or intolerance before ordering/);
  });

  test('progression recorded after the start of the last prior regimen: "Progression recorded on <date> after <regimen>", with suggestions', async () => {
    const id = 'ds-l-prog';
    const body = await patientView(
      app,
      metastatic(id, '9040/3', [...doxoIfos(id, DI_FIRST), status(id, 'p', PROGRESSION, 300)]),
    );
    const card = cardOf(body, 'M-2L-GEM-DOCE');
    expect(card.summary).toBe(
      `Progression recorded on ${ago(300)} after doxorubicin + ifosfamide: gemcitabine + docetaxel`,
    );
    expect(card.suggestions).toHaveLength(1);
    expect(card.detail).not.toMatch(/No progression is recorded/);
    expect(fact(card, 'Disease status')).toBe("Patient's condition worsened (progression)");
  });

  test.each([
    ['dated before the start of the last prior regimen', (id: string) => status(id, 'p', PROGRESSION, DI_FIRST + 30)],
    // The restaging that led to the regimen: not a progression on it (strictly after the start, the safer reading).
    ['dated on the start day of the last prior regimen', (id: string) => status(id, 'p', PROGRESSION, DI_FIRST)],
    ['preliminary', (id: string) => status(id, 'p', PROGRESSION, 300, { status: 'preliminary' })],
    ['focused on another primary cancer', (id: string) => status(id, 'p', PROGRESSION, 300, { focusId: `${id}-bc` })],
  ])('a progression status %s just misses it: the conditional wording, with suggestions', async (label, make) => {
    const id = `ds-l-miss-${label.length}`;
    const body = await patientView(
      app,
      metastatic(id, '9040/3', [...doxoIfos(id, DI_FIRST), make(id)], { otherPrimary: label.startsWith('focused') }),
    );
    const card = cardOf(body, 'M-2L-GEM-DOCE');
    expect(card.summary).toMatch(/^If the disease has progressed on, or did not tolerate, doxorubicin \+ ifosfamide/);
    expect(card.suggestions).toHaveLength(1);
  });

  test('a no-progression status dated after the last exposure: shown without suggestions, "applies at progression or intolerance"', async () => {
    const id = 'ds-l-stable';
    const body = await patientView(
      app,
      metastatic(id, '9040/3', [...doxoIfos(id, DI_FIRST), status(id, 's', STABLE, 200)]),
    );
    const card = cardOf(body, 'M-2L-GEM-DOCE');
    expect(card.summary).toBe(
      `No progression recorded since doxorubicin + ifosfamide (stable, ${ago(200)}): gemcitabine + docetaxel applies at progression or intolerance`,
    );
    expect(card.detail).toMatch(
      new RegExp(`^No progression recorded since doxorubicin \\+ ifosfamide \\(disease status stable, ${ago(200)}\\)`),
    );
    expect(card.suggestions ?? []).toEqual([]);
    expect(card.detail).toContain(DI_LINE);
  });

  test('shown without suggestions, gemcitabine + docetaxel is still on the pathway at order time', async () => {
    const id = 'ds-l-stable-order';
    const body = await orders(
      app,
      metastatic(id, '9040/3', [...doxoIfos(id, DI_FIRST), status(id, 's', STABLE, 200)]),
      [draft('d-gem', id, 'gemcitabine', '12574'), draft('d-doc', id, 'docetaxel', '72962')],
    );
    expect(cardOf(body, 'M-2L-GEM-DOCE').summary).toMatch(/^On the STS pathway: /);
    expect(topics(body)).not.toContain('OFF-PATHWAY');
  });

  test('a remission status with a long name: the summary fits the CDS Hooks limit and the detail gives it whole', async () => {
    const id = 'ds-l-remission';
    const body = await patientView(
      app,
      metastatic(id, '9040/3', [...doxoIfos(id, DI_FIRST), status(id, 'r', PARTIAL_REMISSION, 200)]),
    );
    const card = cardOf(body, 'M-2L-GEM-DOCE');
    expect(card.summary.length).toBeLessThan(140);
    expect(card.summary).toMatch(
      /^No progression recorded since doxorubicin \+ ifosfamide .*: gemcitabine \+ docetaxel applies at progression or intolerance$/,
    );
    expect(card.detail).toContain(
      `No progression recorded since doxorubicin + ifosfamide (disease status Malignant neoplasm in partial remission, ${ago(200)}): gemcitabine + docetaxel applies at progression or intolerance.`,
    );
    expect(card.suggestions ?? []).toEqual([]);
  });

  test('a no-progression status dated during the last prior regimen just misses it: the conditional wording, with suggestions', async () => {
    const id = 'ds-l-stable-early';
    const body = await patientView(
      app,
      metastatic(id, '9040/3', [...doxoIfos(id, DI_FIRST), status(id, 's', STABLE, DI_LAST + 5)]),
    );
    const card = cardOf(body, 'M-2L-GEM-DOCE');
    expect(card.summary).toMatch(/^If the disease has progressed on, or did not tolerate, doxorubicin \+ ifosfamide/);
    expect(card.suggestions).toHaveLength(1);
  });

  test('an undetermined status (709137006) after the last exposure is unknown: the conditional wording, with suggestions', async () => {
    const id = 'ds-l-undet';
    const body = await patientView(
      app,
      metastatic(id, '9040/3', [...doxoIfos(id, DI_FIRST), status(id, 'u', UNDETERMINED, 200)]),
    );
    const card = cardOf(body, 'M-2L-GEM-DOCE');
    expect(card.summary).toMatch(/^If the disease has progressed on, or did not tolerate, doxorubicin \+ ifosfamide/);
    expect(card.suggestions).toHaveLength(1);
    expect(fact(card, 'Disease status')).toBe('undetermined (not read as progression)');
  });

  test('progression and a later stable status since the start: progression is recorded, with suggestions', async () => {
    const id = 'ds-l-both';
    const body = await patientView(
      app,
      metastatic(id, '9040/3', [
        ...doxoIfos(id, DI_FIRST),
        status(id, 'p', PROGRESSION, 300),
        status(id, 's', STABLE, 200),
      ]),
    );
    const card = cardOf(body, 'M-2L-GEM-DOCE');
    expect(card.summary).toBe(
      `Progression recorded on ${ago(300)} after doxorubicin + ifosfamide: gemcitabine + docetaxel`,
    );
    expect(card.suggestions).toHaveLength(1);
  });

  test('line 3+: the last prior regimen is gemcitabine + docetaxel, both regimens listed oldest first (never one merged drug list)', async () => {
    const id = 'ds-l-3';
    const body = await patientView(
      app,
      metastatic(id, '9040/3', [...doxoIfos(id, DI_FIRST), ...gemDoce(id, 250), status(id, 'p', PROGRESSION, 150)]),
    );
    expect(topics(body)).toEqual(['M-3L-PAZOPANIB', 'M-TRIAL']);
    const card = cardOf(body, 'M-3L-PAZOPANIB');
    expect(card.summary).toBe(`Progression recorded on ${ago(150)} after gemcitabine + docetaxel: pazopanib`);
    expect(card.detail).toContain(
      `${DI_LINE}\n2. gemcitabine + docetaxel, 6 administration dates, ${ago(250)} to ${ago(250 - 42 - 7)}`,
    );
    expect(card.detail).not.toMatch(/doxorubicin \+ ifosfamide \+ gemcitabine/);
  });

  test('a progression recorded before gemcitabine + docetaxel started (after doxorubicin + ifosfamide) does not count for line 3', async () => {
    const id = 'ds-l-3-early';
    const body = await patientView(
      app,
      metastatic(id, '9040/3', [...doxoIfos(id, DI_FIRST), ...gemDoce(id, 250), status(id, 'p', PROGRESSION, 300)]),
    );
    expect(cardOf(body, 'M-3L-PAZOPANIB').summary).toBe(
      `If the disease has progressed on, or did not tolerate, gemcitabine + docetaxel (last given ${ago(250 - 42 - 7)}): pazopanib`,
    );
  });

  test('Observations unreadable: never read as "no progression"; the disease status is named unavailable and the suggestion stays', async () => {
    const id = 'ds-l-unread';
    const resources = metastatic(id, '9040/3', [...doxoIfos(id, DI_FIRST), status(id, 's', STABLE, 200)]);
    const res = await request(app)
      .post('/cds-services/sts-pathway-patient-view')
      .send({
        hook: 'patient-view',
        hookInstance: 'd5d5d5d5-0000-4000-8000-00000000d5d5',
        context: { userId: 'Practitioner/reviewer', patientId: id },
        prefetch: {
          ...prefetchOf(resources),
          observations: {
            resourceType: 'OperationOutcome',
            issue: [{ severity: 'error', code: 'exception', diagnostics: 'search failed' }],
          },
        },
      });
    expect(res.status).toBe(200);
    const card = cardOf(res.body as CdsResponse, 'M-2L-GEM-DOCE');
    expect(card.summary).toMatch(/^If the disease has progressed on, or did not tolerate, doxorubicin \+ ifosfamide/);
    expect(card.suggestions).toHaveLength(1);
    expect(fact(card, 'Disease status')).toMatch(/^unavailable \(Observation could not be read/);
  });
});

describe('F5 prior regimens (the wording of line 2+ cards)', () => {
  const secondLine = async (id: string, extra: FhirResource[]) =>
    cardOf(await patientView(app, metastatic(id, '9040/3', extra)), 'M-2L-GEM-DOCE');

  test('runs of two drugs starting 7 days apart form one regimen', async () => {
    const id = 'ds-r-7';
    const card = await secondLine(id, [given(id, 'dox', 'doxorubicin', 300, 75), given(id, 'ifo', 'ifosfamide', 293)]);
    expect(card.summary).toBe(
      `If the disease has progressed on, or did not tolerate, doxorubicin + ifosfamide (last given ${ago(293)}): gemcitabine + docetaxel`,
    );
    expect(card.detail).toContain(`1. doxorubicin + ifosfamide, 2 administration dates, ${ago(300)} to ${ago(293)}`);
  });

  test('8 days apart (no overlap) just misses it: two regimens, the later one named', async () => {
    const id = 'ds-r-8';
    const card = await secondLine(id, [given(id, 'dox', 'doxorubicin', 300, 75), given(id, 'ifo', 'ifosfamide', 292)]);
    expect(card.summary).toBe(
      `If the disease has progressed on, or did not tolerate, ifosfamide (last given ${ago(292)}): gemcitabine + docetaxel`,
    );
    expect(card.detail).toContain(
      `1. doxorubicin, 1 administration date, ${ago(300)}\n2. ifosfamide, 1 administration date, ${ago(292)}`,
    );
  });

  test('one drug given 42 days apart is one run (one regimen); 43 days apart, two', async () => {
    const one = 'ds-r-42';
    expect(
      (await secondLine(one, [given(one, 'dox', 'doxorubicin', 300, 75), given(one, 'dox', 'doxorubicin', 258, 75)]))
        .detail,
    ).toContain(`1. doxorubicin, 2 administration dates, ${ago(300)} to ${ago(258)}\n\n`);
    const two = 'ds-r-43';
    expect(
      (await secondLine(two, [given(two, 'dox', 'doxorubicin', 300, 75), given(two, 'dox', 'doxorubicin', 257, 75)]))
        .detail,
    ).toContain(
      `1. doxorubicin, 1 administration date, ${ago(300)}\n2. doxorubicin, 1 administration date, ${ago(257)}`,
    );
  });

  test('an undated completed doxorubicin statement (prior, F5) forms no dated regimen: the card names the drug', async () => {
    const id = 'ds-r-undated';
    const card = await secondLine(id, [
      {
        resourceType: 'MedicationStatement',
        id: `${id}-s`,
        status: 'completed',
        subject: { reference: `Patient/${id}` },
        medicationCodeableConcept: { text: 'doxorubicin' },
      },
    ]);
    expect(card.summary).toBe(
      'If the disease has progressed on, or did not tolerate, doxorubicin: gemcitabine + docetaxel',
    );
    expect(card.detail).not.toContain('Prior regimens, oldest first');
  });

  test('a drug whose run overlaps a longer run of another drug joins its regimen', async () => {
    const id = 'ds-r-overlap';
    const card = await secondLine(id, [
      ...[300, 279, 258, 237].map((d) => given(id, 'dox', 'doxorubicin', d, 75)),
      given(id, 'ifo', 'ifosfamide', 265),
    ]);
    expect(card.detail).toContain(
      `1. doxorubicin + ifosfamide, 5 administration dates, ${ago(300)} to ${ago(237)}\n\n`,
    );
  });
});

describe('§5 step 5: a next-step drug ordered while the current regimen is ongoing', () => {
  /** Doxorubicin 3-weekly, three doses, the first 52 days ago: the current regimen started then. */
  const onDoxo = (id: string, extra: FhirResource[]): FhirResource[] =>
    metastatic(id, '9040/3', [...[52, 31, 10].map((d) => given(id, 'dox', 'doxorubicin', d, 75)), ...extra]);
  const gd = (id: string) => [draft('d-gem', id, 'gemcitabine', '12574'), draft('d-doc', id, 'docetaxel', '72962')];

  test('progression recorded after the current regimen started: "Progression recorded on <date>" instead of the request to confirm it', async () => {
    const id = 'ds-o-prog';
    const resources = onDoxo(id, [status(id, 'p', PROGRESSION, 5)]);
    const body = await orders(app, resources, gd(id));
    const card = cardOf(body, 'M-2L-GEM-DOCE');
    expect(card.indicator).toBe('info');
    expect(card.summary).toMatch(
      new RegExp(`^Next step ordered while .* is ongoing: Progression recorded on ${ago(5)}$`),
    );
    // The patient-view next-step card says the same, never "no progression is recorded".
    const view = await patientView(app, resources);
    expect(cardOf(view, 'M-2L-GEM-DOCE').detail).toMatch(
      new RegExp(`^No order is suggested now\\. Progression recorded on ${ago(5)}\\.`),
    );
  });

  test.each([
    ['dated before the current regimen started', (id: string) => status(id, 'p', PROGRESSION, 60)],
    ['dated on the day the current regimen started', (id: string) => status(id, 'p', PROGRESSION, 52)],
    ['preliminary', (id: string) => status(id, 'p', PROGRESSION, 5, { status: 'preliminary' })],
    ['none', () => undefined],
  ])('a progression status %s: "confirm progression or intolerance"', async (label, make) => {
    const id = `ds-o-miss-${label.length}`;
    const extra = make(id);
    const body = await orders(app, onDoxo(id, extra ? [extra] : []), gd(id));
    expect(cardOf(body, 'M-2L-GEM-DOCE').summary).toMatch(
      /^Next step ordered while .* is ongoing: confirm progression or intolerance$/,
    );
  });
});

describe('F10 read through fhirServer', () => {
  const fhir = useTestFhirServer();

  test('the Observation query asks for 97509-4: a progression on the server gives the same cards as the prefetch', async () => {
    const id = 'ds-f-prog';
    const resources = metastatic(id, '9040/3', [...doxoIfos(id, DI_FIRST), status(id, 'p', PROGRESSION, 300)]);
    const tx: Bundle = {
      resourceType: 'Bundle',
      type: 'transaction',
      entry: resources.map((resource) => ({
        resource,
        request: { method: 'PUT', url: `${resource.resourceType}/${resource.id ?? ''}` },
      })),
    };
    await fhir().load(tx);
    const viaServer = await patientView(app, resources, fhir().url);
    const viaPrefetch = await patientView(app, resources);
    expect(viaServer.cards.map((c) => c.summary)).toEqual(viaPrefetch.cards.map((c) => c.summary));
    expect(cardOf(viaServer, 'M-2L-GEM-DOCE').summary).toBe(
      `Progression recorded on ${ago(300)} after doxorubicin + ifosfamide: gemcitabine + docetaxel`,
    );
    expect(
      fhir().requests.some(
        (r) => r.url.startsWith('/fhir/Observation') && decodeURIComponent(r.url).includes('http://loinc.org|97509-4'),
      ),
    ).toBe(true);
  });

  test('discovery: the Observation prefetch template filters on 97509-4 too', async () => {
    const res = await request(app).get('/cds-services');
    const services = (res.body as { services: { prefetch?: Record<string, string> }[] }).services;
    for (const s of services)
      expect(decodeURIComponent(s.prefetch?.observations ?? '')).toContain('http://loinc.org|97509-4');
  });
});
