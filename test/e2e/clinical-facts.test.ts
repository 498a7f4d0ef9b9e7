/**
 * Clinical QA over HTTP, the patient read from a real FHIR server (`fhirServer`, no prefetch): the PATHWAY.md
 * 2026.12.1 patient-view facts of F1 (a SPECIALTY second primary, D48.1 desmoids), F2 (D-HISTOLOGY-CONFLICT),
 * F5 (epirubicin regimens, undated and incomplete history) and the §3/§4.5 wording, each with a patient that reaches
 * it and one that just misses it. Resources come from test/fixtures/builders.ts.
 */
import type { Bundle, FhirResource } from 'fhir/r4.js';
import request from 'supertest';
import type { CdsResponse } from '../../src/shared/cds-hooks.js';
import { testApp } from '../helpers/app.js';
import { useTestFhirServer } from '../helpers/fhir-server.js';
import {
  bundleOf,
  medicationAdministration,
  medicationStatement,
  observation,
  otherCondition,
  patient,
  secondaryCondition,
  stsCondition,
} from '../fixtures/builders.js';
import { EXAMPLE_CODES } from '../../src/pathway/index.js';
import {
  NOW,
  ago,
  cardOf,
  draft,
  fact,
  factsOf,
  orders,
  patientView,
  prefetchOf,
  topics,
} from '../fixtures/mcode/http.js';

const app = testApp({ PUBLIC_BASE_URL: 'https://cds.example.org' }, () => NOW);
const fhir = useTestFhirServer();

/** patient-view for resources loaded into the FHIR server (the request carries `fhirServer`, no prefetch). */
async function view(resources: readonly FhirResource[]) {
  await fhir().load(bundleOf(resources));
  return patientView(app, resources, fhir().url);
}

/** A patient id and the options every resource of that patient takes. */
const who = (id: string) => ({ patientId: id, p: { patientId: id } });

/** An adult with recent ECOG and LVEF (the cardiac facts are not what these tests are about). */
const adult = (id: string, lvef = 62): FhirResource[] => [
  patient({ id, birthDate: '1961-04-04' }),
  observation.ecog(1, ago(5), { id: `${id}-ecog`, patientId: id }),
  observation.lvef(lvef, ago(10), { id: `${id}-lvef`, patientId: id }),
];

describe('F1 a SPECIALTY second primary', () => {
  test('a gastric GIST beside a localized thigh LMS: the LMS pathway, then X-SPECIALTY for the GIST; an unlinked metastasis is ignored and named', async () => {
    const { patientId, p } = who('fx-gist-lms-loc');
    const body = await view([
      ...adult(patientId),
      stsCondition({ ...p, id: `${patientId}-gist`, icd10: 'C49.A2', onset: ago(200) }),
      stsCondition({ ...p, id: `${patientId}-lms`, icd10: 'C49.21', morphology: '8890/3', onset: ago(60) }),
      observation.mCategory('M0', ago(50), { ...p, id: `${patientId}-m0`, focusId: `${patientId}-lms` }),
      observation.grade(3, ago(55), { ...p, id: `${patientId}-grade`, focusId: `${patientId}-lms` }),
      // No link to either tumor: with the GIST a separate primary, it is not the LMS's.
      secondaryCondition({ ...p, id: `${patientId}-liver`, onset: ago(150) }),
    ]);
    expect(topics(body)).toEqual(['L-SURGERY', 'L-RT-EXTREMITY', 'L-NEOADJ-DOXO-IFOS', 'X-SPECIALTY']);
    const specialty = cardOf(body, 'X-SPECIALTY');
    expect(specialty.detail).toMatch(/Gastrointestinal stromal tumor: treated with KIT\/PDGFRA inhibitors/);
    expect(specialty.detail).toMatch(
      /Second primary: Gastrointestinal stromal tumor of stomach \(C49\.A2\): a separate primary tumor/,
    );
    expect(specialty.detail).not.toMatch(/Leiomyosarcoma/);
    const surgery = cardOf(body, 'L-SURGERY');
    expect(fact(surgery, 'Histology')).toMatch(/8890\/3/);
    expect(fact(surgery, 'Extent')).toBe('localized');
    expect(fact(surgery, 'Ignored (another primary cancer)')).toMatch(new RegExp(`Condition/${patientId}-liver`));
    expect(surgery.detail).toMatch(/Second primary/);
    // F1: every card lists the Conditions used.
    for (const c of body.cards)
      expect(c.detail).toMatch(/STS Conditions: C49\.A2, confirmed, active; C49\.21, confirmed, active/);
  });

  test('current imatinib and avapritinib for the GIST are left out of the metastatic LMS line and current regimen', async () => {
    const { patientId, p } = who('fx-gist-lms-met');
    const body = await view([
      ...adult(patientId),
      stsCondition({ ...p, id: `${patientId}-gist`, icd10: 'C49.A2', onset: ago(400) }),
      stsCondition({ ...p, id: `${patientId}-lms`, icd10: 'C49.21', morphology: '8890/3', onset: ago(300) }),
      secondaryCondition({ ...p, id: `${patientId}-met`, primaryId: `${patientId}-lms`, onset: ago(30) }),
      ...[90, 60, 30, 3].map((d) =>
        medicationAdministration({ ...p, id: `${patientId}-ima-${d}`, drug: 'imatinib', date: ago(d) }),
      ),
      medicationStatement({ ...p, id: `${patientId}-ava`, drug: 'avapritinib', date: ago(200), end: ago(100) }),
    ]);
    expect(topics(body)).toEqual(['M-LMS-1L-DOXO-TRAB', 'M-1L-DOXO', 'M-TRIAL', 'X-SPECIALTY']);
    const primary = cardOf(body, 'M-LMS-1L-DOXO-TRAB');
    expect(fact(primary, 'Line of therapy')).toBe('1');
    expect(fact(primary, 'Current regimen')).toMatch(/^none/);
    expect(fact(primary, 'Second primary')).toMatch(
      /its drugs \(imatinib, avapritinib\) are not counted in the current regimen or the line/,
    );
  });

  test('at order time an imatinib draft gets no classification card (no OFF-PATHWAY), a pazopanib draft still does', async () => {
    const { patientId, p } = who('fx-gist-lms-ord');
    const resources = [
      ...adult(patientId),
      stsCondition({ ...p, id: `${patientId}-gist`, icd10: 'C49.A2', onset: ago(400) }),
      stsCondition({ ...p, id: `${patientId}-lms`, icd10: 'C49.21', morphology: '8890/3', onset: ago(300) }),
      secondaryCondition({ ...p, id: `${patientId}-met`, primaryId: `${patientId}-lms`, onset: ago(30) }),
    ];
    const imatinib = await orders(app, resources, [draft(`${patientId}-d1`, patientId, 'imatinib', '282388')]);
    expect(topics(imatinib)).toEqual([]);
    const pazopanib = await orders(app, resources, [draft(`${patientId}-d2`, patientId, 'pazopanib', '714438')]);
    expect(topics(pazopanib)).toEqual(['OFF-PATHWAY']);
  });

  test('at order time a liposomal doxorubicin draft for a Kaposi sarcoma gets the cardiac rules only; paclitaxel gets no card', async () => {
    const { patientId, p } = who('fx-kaposi-lms-ord');
    const resources = [
      ...adult(patientId, 40),
      stsCondition({ ...p, id: `${patientId}-ks`, icd10: 'C46.0', onset: ago(500) }),
      stsCondition({ ...p, id: `${patientId}-lms`, icd10: 'C49.21', morphology: '8890/3', onset: ago(300) }),
      secondaryCondition({ ...p, id: `${patientId}-met`, primaryId: `${patientId}-lms`, onset: ago(30) }),
    ];
    const pld = await orders(app, resources, [
      draft(`${patientId}-d1`, patientId, 'doxorubicin hydrochloride liposomal (Doxil)'),
    ]);
    expect(topics(pld)).toEqual(['S-DOXO-LVEF']);
    // The LMS's options do not replace the Kaposi sarcoma's drug.
    expect(cardOf(pld, 'S-DOXO-LVEF').suggestions ?? []).toEqual([]);
    const paclitaxel = await orders(app, resources, [draft(`${patientId}-d2`, patientId, 'paclitaxel', '56946')]);
    expect(topics(paclitaxel)).toEqual([]);
    // Just misses: conventional doxorubicin is the LMS's (blocked by the low LVEF as well, with the pathway's options).
    const doxo = await orders(app, resources, [draft(`${patientId}-d3`, patientId, 'doxorubicin', '3639')]);
    expect(topics(doxo)).toEqual(['S-DOXO-LVEF']);
    expect((cardOf(doxo, 'S-DOXO-LVEF').suggestions ?? []).length).toBeGreaterThan(0);
  });

  test('liposomal doxorubicin for a Kaposi sarcoma counts in full for the cumulative dose but not for the LMS line', async () => {
    const { patientId, p } = who('fx-kaposi-lms');
    const body = await view([
      ...adult(patientId),
      stsCondition({ ...p, id: `${patientId}-ks`, icd10: 'C46.0', onset: ago(500) }),
      stsCondition({ ...p, id: `${patientId}-lms`, icd10: 'C49.21', morphology: '8890/3', onset: ago(300) }),
      secondaryCondition({ ...p, id: `${patientId}-met`, primaryId: `${patientId}-lms`, onset: ago(30) }),
      ...[400, 379, 358, 337, 316, 295].map((d) =>
        medicationAdministration({
          ...p,
          id: `${patientId}-pld-${d}`,
          drug: { text: 'doxorubicin hydrochloride liposomal' },
          date: ago(d),
          doseMgM2: 75,
        }),
      ),
    ]);
    // Line 1 (the Kaposi drug is not the LMS's), but 450 mg/m² of doxorubicin: doxorubicin is contraindicated.
    expect(topics(body)).toEqual(['D-ANTHRACYCLINE-CONTRAINDICATED', 'M-2L-GEM-DOCE', 'M-TRIAL', 'X-SPECIALTY']);
    const free = cardOf(body, 'M-2L-GEM-DOCE');
    expect(free.summary).toBe('Anthracycline-free option: gemcitabine + docetaxel');
    expect(fact(free, 'Line of therapy')).toBe('1');
    expect(fact(cardOf(body, 'D-ANTHRACYCLINE-CONTRAINDICATED'), 'Cumulative doxorubicin')).toMatch(
      /^450 mg\/m² as recorded/,
    );
    // §3 step 7: the anthracycline-free option is the card that gave the recommendation.
    expect(body.cards.map((c) => /discuss metastasectomy/.test(c.detail ?? ''))).toEqual([false, true, false, false]);
    expect(cardOf(body, 'X-SPECIALTY').detail).toMatch(/Kaposi sarcoma: its own pathway/);
  });

  test('a gastric GIST beside a uterine LMS (no soft-tissue code) is a conflict, not a second primary', async () => {
    const { patientId, p } = who('fx-gist-uterine');
    const body = await view([
      ...adult(patientId),
      stsCondition({ ...p, id: `${patientId}-gist`, icd10: 'C49.A2', onset: '2026-01-10' }),
      otherCondition({
        ...p,
        id: `${patientId}-ut`,
        code: EXAMPLE_CODES.uterus,
        morphology: '8890/3',
        onset: '2026-02-01',
      }),
      secondaryCondition({ ...p, id: `${patientId}-met`, primaryId: `${patientId}-ut`, onset: ago(30) }),
    ]);
    expect(topics(body)).toEqual(['D-HISTOLOGY-CONFLICT']);
    expect(cardOf(body, 'D-HISTOLOGY-CONFLICT').detail).toContain(
      `Two different sarcoma subtypes are recorded: Gastrointestinal stromal tumor of stomach (C49.A2, Condition/${patientId}-gist, 2026-01-10) and Leiomyosarcoma, NOS (8890/3, Condition/${patientId}-ut, 2026-02-01).`,
    );
  });

  test('a desmoid and an LMS that share an ICD-10-CM code (C49.4) are a conflict, not a second primary', async () => {
    const { patientId, p } = who('fx-desmoid-lms-shared');
    const body = await view([
      ...adult(patientId),
      stsCondition({ ...p, id: `${patientId}-des`, icd10: 'C49.4', morphology: '8821/1', onset: '2026-01-10' }),
      stsCondition({ ...p, id: `${patientId}-lms`, icd10: 'C49.4', morphology: '8890/3', onset: '2026-03-01' }),
      observation.mCategory('M0', ago(20), { ...p, id: `${patientId}-m0` }),
    ]);
    expect(topics(body)).toEqual(['D-HISTOLOGY-CONFLICT']);
    expect(cardOf(body, 'D-HISTOLOGY-CONFLICT').indicator).toBe('warning');
  });
});

describe('F1, F2 D-HISTOLOGY-CONFLICT names both histologies with their Conditions and dates', () => {
  test('two Conditions of different specific classes', async () => {
    const { patientId, p } = who('fx-conflict-conds');
    const body = await view([
      ...adult(patientId),
      stsCondition({ ...p, id: `${patientId}-a`, icd10: 'C49.22', morphology: '8890/3', onset: '2026-01-10' }),
      stsCondition({ ...p, id: `${patientId}-b`, icd10: 'C48.0', morphology: '8858/3', onset: '2026-02-01' }),
      observation.stageGroup('IV', ago(20), { ...p, id: `${patientId}-iv` }),
    ]);
    expect(topics(body)).toEqual(['D-HISTOLOGY-CONFLICT']);
    const card = cardOf(body, 'D-HISTOLOGY-CONFLICT');
    expect(card.summary).toBe('Conflicting sarcoma histologies: pathway position cannot be determined');
    expect(card.detail).toContain(
      `Two different sarcoma subtypes are recorded: Leiomyosarcoma, NOS (8890/3, Condition/${patientId}-a, 2026-01-10) and Dedifferentiated liposarcoma (8858/3, Condition/${patientId}-b, 2026-02-01). Treatment choices differ between them`,
    );
    expect(card.suggestions ?? []).toEqual([]);
    expect(card.detail).toMatch(/STS Conditions: C49\.22, confirmed, active; C48\.0, confirmed, active/);
  });

  test('two histology Observations of one Condition at the same precedence', async () => {
    const { patientId, p } = who('fx-conflict-obs');
    const body = await view([
      ...adult(patientId),
      stsCondition({ ...p, id: `${patientId}-dx`, icd10: 'C49.22', onset: '2026-01-10' }),
      observation.histology('8890/3', '2026-01-12', { ...p, id: `${patientId}-h1`, focusId: `${patientId}-dx` }),
      observation.histology('8858/3', '2026-01-14', { ...p, id: `${patientId}-h2`, focusId: `${patientId}-dx` }),
    ]);
    expect(topics(body)).toEqual(['D-HISTOLOGY-CONFLICT']);
    const card = cardOf(body, 'D-HISTOLOGY-CONFLICT');
    expect(card.detail).toContain(
      `Two different sarcoma subtypes are recorded: Leiomyosarcoma, NOS (8890/3, Condition/${patientId}-dx, 2026-01-12) and Dedifferentiated liposarcoma (8858/3, Condition/${patientId}-dx, 2026-01-14).`,
    );
    // The Observations that gave them are named under "Based on" (F2: both codes and resources).
    expect(fact(card, 'Histology')).toBe(
      `conflict: Leiomyosarcoma, NOS (8890/3, Condition/${patientId}-dx, Observation/${patientId}-h1, 2026-01-12) and Dedifferentiated liposarcoma (8858/3, Condition/${patientId}-dx, Observation/${patientId}-h2, 2026-01-14)`,
    );
  });

  test('just misses: the same class at two precedence levels is no conflict (the higher one wins)', async () => {
    const { patientId, p } = who('fx-conflict-none');
    const body = await view([
      ...adult(patientId),
      stsCondition({ ...p, id: `${patientId}-dx`, icd10: 'C49.22', morphology: '8891/3', onset: '2026-01-10' }),
      observation.histology('8890/3', '2026-01-12', { ...p, id: `${patientId}-h1`, focusId: `${patientId}-dx` }),
      observation.stageGroup('IV', ago(20), { ...p, id: `${patientId}-iv` }),
    ]);
    expect(topics(body)).toEqual(['M-LMS-1L-DOXO-TRAB', 'M-1L-DOXO', 'M-TRIAL']);
  });

  test('just misses: a histology not found is D-MISSING-HISTOLOGY, not a conflict', async () => {
    const { patientId, p } = who('fx-missing-hist');
    const body = await view([
      ...adult(patientId),
      stsCondition({ ...p, id: `${patientId}-dx`, icd10: 'C49.22', onset: '2026-01-10' }),
      observation.stageGroup('IV', ago(20), { ...p, id: `${patientId}-iv` }),
    ]);
    expect(topics(body)).toEqual(['D-MISSING-HISTOLOGY']);
  });
});

describe('F1 desmoid tumors coded D48.1', () => {
  test('D48.1 with 8821/1 qualifies: X-SPECIALTY (desmoid row), site "soft tissue, uncertain behavior (D48.1)"', async () => {
    const { patientId, p } = who('fx-desmoid');
    const body = await view([
      ...adult(patientId),
      stsCondition({ ...p, id: `${patientId}-dx`, icd10: 'D48.1', morphology: '8822/1', onset: ago(30) }),
    ]);
    expect(topics(body)).toEqual(['X-SPECIALTY']);
    const card = cardOf(body, 'X-SPECIALTY');
    expect(card.detail).toMatch(/Desmoid tumor \(aggressive fibromatosis\): its own pathway/);
    expect(factsOf(card).find((f) => f.fact === 'Primary site')?.value).toBe('soft tissue, uncertain behavior (D48.1)');
  });

  test('just misses: D48.1 without histology, or with a non-desmoid histology, is no STS Condition (no cards)', async () => {
    const a = who('fx-d481-none');
    expect(
      (
        await view([
          ...adult(a.patientId),
          stsCondition({ ...a.p, id: `${a.patientId}-dx`, icd10: 'D48.1', onset: ago(30) }),
        ])
      ).cards,
    ).toEqual([]);
    const b = who('fx-d481-lms');
    expect(
      (
        await view([
          ...adult(b.patientId),
          stsCondition({ ...b.p, id: `${b.patientId}-dx`, icd10: 'D48.1', morphology: '8890/3', onset: ago(30) }),
          observation.stageGroup('IV', ago(20), { ...b.p, id: `${b.patientId}-iv` }),
        ])
      ).cards,
    ).toEqual([]);
  });
});

/** A metastatic thigh LMS (a linked metastasis) with recent ECOG and LVEF, plus treatment data. */
function metastaticLms(patientId: string, extra: FhirResource[] = []): FhirResource[] {
  const p = { patientId };
  return [
    ...adult(patientId),
    stsCondition({ ...p, id: `${patientId}-dx`, icd10: 'C49.21', morphology: '8890/3', onset: ago(500) }),
    secondaryCondition({ ...p, id: `${patientId}-met`, primaryId: `${patientId}-dx`, onset: ago(200) }),
    ...extra,
  ];
}

describe('F5 a current epirubicin regimen: CURRENT-OFF-PATHWAY', () => {
  test('epirubicin + ifosfamide (ISG-STS 1001): not a node of line 1, with the last date given and the anthracycline sentence', async () => {
    const patientId = 'fx-epi-ifo';
    const p = { patientId };
    const body = await view(
      metastaticLms(patientId, [
        ...[30, 9].flatMap((d) => [
          medicationAdministration({
            ...p,
            id: `${patientId}-epi-${d}`,
            drug: 'epirubicin',
            date: ago(d),
            doseMgM2: 60,
          }),
          medicationAdministration({
            ...p,
            id: `${patientId}-ifo-${d}`,
            drug: 'ifosfamide',
            date: ago(d),
            doseMgM2: 3000,
          }),
        ]),
      ]),
    );
    expect(topics(body)).toEqual(['CURRENT-OFF-PATHWAY', 'M-TRIAL']);
    const card = cardOf(body, 'CURRENT-OFF-PATHWAY');
    expect(card.summary).toBe('Current regimen: epirubicin + ifosfamide; not a node of line 1');
    expect(card.detail).toContain(
      `Current treatment: epirubicin + ifosfamide since ${ago(30)} (last given ${ago(9)}). It is not one of this pathway's options at line 1, which are: LMS first line: consider doxorubicin + trabectedin, followed by maintenance trabectedin; First line: doxorubicin.`,
    );
    expect(card.detail).toContain(
      'Epirubicin is an anthracycline: it counts for the line and is listed with the cumulative anthracycline dose.',
    );
    expect(fact(card, 'Cumulative doxorubicin')).toMatch(/also received: epirubicin 120 mg\/m²/);
    expect(card.detail).toMatch(/Cumulative doxorubicin: at least 0 mg\/m².*also received: epirubicin 120 mg\/m²/);
    expect(card.suggestions ?? []).toEqual([]);
  });

  test('epirubicin current only through an undated active statement: no start or last date, "date unknown: confirm it is still given"', async () => {
    const patientId = 'fx-epi-undated';
    const statement = medicationStatement({
      patientId,
      id: `${patientId}-st`,
      drug: 'epirubicin',
      date: ago(1),
      status: 'active',
    });
    delete statement.effectiveDateTime;
    const body = await view(metastaticLms(patientId, [statement]));
    expect(topics(body)).toEqual(['CURRENT-OFF-PATHWAY', 'M-TRIAL']);
    const card = cardOf(body, 'CURRENT-OFF-PATHWAY');
    expect(card.detail).toContain(
      "Current treatment: epirubicin (date unknown: confirm it is still given). It is not one of this pathway's options at line 1",
    );
    expect(card.detail).toContain('Epirubicin is an anthracycline');
  });

  test('just misses: ifosfamide alone is CURRENT-OFF-PATHWAY without the epirubicin sentence; doxorubicin + ifosfamide is "Current: First line: doxorubicin"', async () => {
    const a = 'fx-ifo-only';
    const ifo = await view(
      metastaticLms(
        a,
        [30, 9].map((d) =>
          medicationAdministration({ patientId: a, id: `${a}-ifo-${d}`, drug: 'ifosfamide', date: ago(d) }),
        ),
      ),
    );
    expect(topics(ifo)).toEqual(['CURRENT-OFF-PATHWAY', 'M-TRIAL']);
    expect(cardOf(ifo, 'CURRENT-OFF-PATHWAY').detail).toContain(`(last given ${ago(9)})`);
    expect(cardOf(ifo, 'CURRENT-OFF-PATHWAY').detail).not.toMatch(/Epirubicin is an anthracycline/);
    const b = 'fx-doxo-ifo';
    const doxo = await view(
      metastaticLms(
        b,
        [30, 9].flatMap((d) => [
          medicationAdministration({
            patientId: b,
            id: `${b}-dox-${d}`,
            drug: 'doxorubicin',
            date: ago(d),
            doseMgM2: 25,
          }),
          medicationAdministration({ patientId: b, id: `${b}-ifo-${d}`, drug: 'ifosfamide', date: ago(d) }),
        ]),
      ),
    );
    expect(topics(doxo)).toEqual(['M-1L-DOXO', 'M-2L-GEM-DOCE', 'M-TRIAL']);
    expect(cardOf(doxo, 'M-1L-DOXO').summary).toBe('Current: First line: doxorubicin');
  });
});

describe('§2 unreadable or incomplete treatment history', () => {
  /** patient-view with the full prefetch, one key replaced, and no fhirServer. */
  async function withPrefetch(resources: readonly FhirResource[], key: string, value: unknown) {
    const prefetch = { ...prefetchOf(resources), [key]: value };
    const res = await request(app)
      .post('/cds-services/sts-pathway-patient-view')
      .send({
        hook: 'patient-view',
        hookInstance: 'd5d5d5d5-0000-4000-8000-00000000d5d5',
        context: {
          userId: 'Practitioner/reviewer',
          patientId: resources.find((r) => r.resourceType === 'Patient')?.id,
        },
        prefetch,
      });
    expect(res.status).toBe(200);
    return res.body as CdsResponse;
  }
  const doxoTwice = (id: string) =>
    metastaticLms(
      id,
      [200, 179].map((d) =>
        medicationAdministration({
          patientId: id,
          id: `${id}-dox-${d}`,
          drug: 'doxorubicin',
          date: ago(d),
          doseMgM2: 75,
        }),
      ),
    );

  test('incomplete (a truncated Bundle that cannot be followed): the line found, without suggestions, "the line may be later"', async () => {
    const r = doxoTwice('fx-hist-incomplete');
    const truncated = {
      ...(prefetchOf(r).medicationAdministrations as Bundle),
      link: [{ relation: 'next', url: 'https://ehr.example.org/fhir/MedicationAdministration?page=2' }],
    };
    const body = await withPrefetch(r, 'medicationAdministrations', truncated);
    expect(topics(body)).toEqual(['M-2L-GEM-DOCE', 'M-TRIAL']);
    const card = cardOf(body, 'M-2L-GEM-DOCE');
    expect(card.suggestions ?? []).toEqual([]);
    expect(card.detail).toContain('treatment history incomplete: the line may be later');
    for (const c of body.cards)
      expect(fact(c, 'Treatment history')).toMatch(/^incomplete \(MedicationAdministration: /);
  });

  test('just misses: the same history complete gives gemcitabine + docetaxel with its suggestion', async () => {
    const r = doxoTwice('fx-hist-complete');
    const body = await withPrefetch(r, 'medicationAdministrations', prefetchOf(r).medicationAdministrations);
    expect(topics(body)).toEqual(['M-2L-GEM-DOCE', 'M-TRIAL']);
    expect(cardOf(body, 'M-2L-GEM-DOCE').suggestions).toHaveLength(1);
    expect(cardOf(body, 'M-2L-GEM-DOCE').detail).not.toMatch(/treatment history incomplete/);
  });

  test('unreadable: the line-1 nodes without suggestions, "treatment history unavailable"', async () => {
    const r = doxoTwice('fx-hist-unreadable');
    const body = await withPrefetch(r, 'medicationAdministrations', {
      resourceType: 'OperationOutcome',
      issue: [{ severity: 'error', code: 'exception', diagnostics: 'timeout' }],
    });
    expect(topics(body)).toEqual(['M-LMS-1L-DOXO-TRAB', 'M-1L-DOXO', 'M-TRIAL']);
    for (const c of body.cards) {
      expect(c.suggestions ?? []).toEqual([]);
      expect(fact(c, 'Treatment history')).toMatch(
        /^unavailable \(MedicationAdministration could not be read: .*\(exception: timeout\)/,
      );
    }
    expect(cardOf(body, 'M-1L-DOXO').detail).toContain('treatment history unavailable');
  });
});

describe('§2 incomplete treatment history before localized neoadjuvant chemotherapy (safer reading; §2 is silent)', () => {
  /** A localized grade 3 LMS of the thigh with one non-anthracycline administration (so the type has a Bundle). */
  const localizedLms = (id: string): FhirResource[] => {
    const p = { patientId: id };
    return [
      patient({ id, birthDate: '1970-01-01' }),
      stsCondition({ ...p, id: `${id}-dx`, icd10: 'C49.22', morphology: '8890/3', onset: ago(30) }),
      observation.mCategory('M0', ago(25), { ...p, id: `${id}-m0`, focusId: `${id}-dx` }),
      observation.grade(3, ago(25), { ...p, id: `${id}-grade`, focusId: `${id}-dx` }),
      observation.ecog(1, ago(10), { ...p, id: `${id}-ecog` }),
      observation.lvef(62, ago(10), { ...p, id: `${id}-lvef` }),
      medicationAdministration({ ...p, id: `${id}-ondansetron`, drug: { text: 'ondansetron 8 mg' }, date: ago(400) }),
    ];
  };
  async function withAdministrations(resources: readonly FhirResource[], truncated: boolean) {
    const bundle = prefetchOf(resources).medicationAdministrations as Bundle;
    const prefetch = {
      ...prefetchOf(resources),
      medicationAdministrations: truncated
        ? {
            ...bundle,
            link: [{ relation: 'next', url: 'https://ehr.example.org/fhir/MedicationAdministration?page=2' }],
          }
        : bundle,
    };
    const res = await request(app)
      .post('/cds-services/sts-pathway-patient-view')
      .send({
        hook: 'patient-view',
        hookInstance: 'd6d6d6d6-0000-4000-8000-00000000d6d6',
        context: {
          userId: 'Practitioner/reviewer',
          patientId: resources.find((r) => r.resourceType === 'Patient')?.id,
        },
        prefetch,
      });
    expect(res.status).toBe(200);
    return res.body as CdsResponse;
  }

  test('a truncated administration history: doxorubicin + ifosfamide shown without its suggestion, saying why', async () => {
    const body = await withAdministrations(localizedLms('fx-loc-incomplete'), true);
    const card = cardOf(body, 'L-NEOADJ-DOXO-IFOS');
    expect(card.suggestions ?? []).toEqual([]);
    expect(card.detail).toContain('treatment history incomplete: a prior anthracycline may not have been read');
  });

  test('just misses: the same history complete keeps the suggestion', async () => {
    const body = await withAdministrations(localizedLms('fx-loc-complete'), false);
    const card = cardOf(body, 'L-NEOADJ-DOXO-IFOS');
    expect(card.suggestions).toHaveLength(1);
    expect(card.detail).not.toMatch(/treatment history incomplete/);
  });
});

describe('§3, F1, F5, F6 card wording', () => {
  test('the metastasectomy sentence is on the card that gave the recommendation only', async () => {
    const body = await view(metastaticLms('fx-metastasectomy'));
    const sentence =
      'If the metastases are few and resectable (notably lung metastases after a long disease-free interval), discuss metastasectomy or other local treatment at the sarcoma multidisciplinary team.';
    expect(body.cards.map((c) => (c.detail ?? '').includes(sentence))).toEqual([true, false, false]);
    expect(topics(body)[0]).toBe('M-LMS-1L-DOXO-TRAB');
  });

  test('with a current regimen the metastasectomy sentence goes on the current card, not on the next steps', async () => {
    const id = 'fx-metastasectomy-current';
    const body = await view(
      metastaticLms(
        id,
        [30, 9].map((d) =>
          medicationAdministration({
            patientId: id,
            id: `${id}-dox-${d}`,
            drug: 'doxorubicin',
            date: ago(d),
            doseMgM2: 75,
          }),
        ),
      ),
    );
    expect(topics(body)).toEqual(['M-1L-DOXO', 'M-2L-GEM-DOCE', 'M-TRIAL']);
    expect(body.cards.map((c) => /discuss metastasectomy/.test(c.detail ?? ''))).toEqual([true, false, false]);
  });

  test('with no option left at line 3+ the metastasectomy sentence goes on the trial card', async () => {
    const id = 'fx-metastasectomy-trial';
    const p = { patientId: id };
    const given = (drug: 'doxorubicin' | 'gemcitabine' | 'docetaxel' | 'trabectedin' | 'eribulin', d: number) =>
      medicationAdministration({ ...p, id: `${id}-${drug}-${d}`, drug, date: ago(d) });
    const body = await view([
      ...adult(id),
      stsCondition({ ...p, id: `${id}-dx`, icd10: 'C48.0', morphology: '8858/3', onset: ago(900) }),
      secondaryCondition({ ...p, id: `${id}-met`, primaryId: `${id}-dx`, onset: ago(800) }),
      given('doxorubicin', 700),
      given('gemcitabine', 500),
      given('docetaxel', 500),
      given('trabectedin', 300),
      given('eribulin', 150),
    ]);
    expect(topics(body)).toEqual(['M-TRIAL']);
    expect(cardOf(body, 'M-TRIAL').detail).toMatch(/discuss metastasectomy/);
  });

  test('just misses: localized disease has no metastasectomy sentence', async () => {
    const id = 'fx-metastasectomy-localized';
    const body = await view([
      ...adult(id),
      stsCondition({ patientId: id, id: `${id}-dx`, icd10: 'C49.21', morphology: '8890/3', onset: ago(60) }),
      observation.mCategory('M0', ago(50), { patientId: id, id: `${id}-m0`, focusId: `${id}-dx` }),
    ]);
    expect(body.cards.some((c) => /metastasectomy/.test(c.detail ?? ''))).toBe(false);
  });

  test('an ECOG older than ecogRecencyDays reads "ECOG 1 on <date> (not recent: reassess performance status)", once', async () => {
    const id = 'fx-ecog-old';
    const body = await view([
      patient({ id, birthDate: '1961-04-04' }),
      observation.ecog(1, ago(90), { patientId: id, id: `${id}-ecog` }),
      observation.lvef(60, ago(10), { patientId: id, id: `${id}-lvef` }),
      stsCondition({ patientId: id, id: `${id}-dx`, icd10: 'C49.21', morphology: '8890/3', onset: ago(500) }),
      secondaryCondition({ patientId: id, id: `${id}-met`, primaryId: `${id}-dx`, onset: ago(200) }),
    ]);
    const detail = cardOf(body, 'M-1L-DOXO').detail ?? '';
    expect(detail).toContain(`- ECOG 1 on ${ago(90)} (not recent: reassess performance status)`);
    expect(detail).not.toMatch(/ECOG: ECOG/);
  });

  test('just misses: a recent ECOG reads "ECOG: 1"', async () => {
    const body = await view(metastaticLms('fx-ecog-recent'));
    expect(cardOf(body, 'M-1L-DOXO').detail).toContain(`- ECOG: 1, ${ago(5)}`);
  });

  test('L-OTHER-SITE names the ICD-10-CM display with its code; without a display, the code alone', async () => {
    const a = 'fx-other-site';
    const withDisplay = await view([
      ...adult(a),
      otherCondition({ patientId: a, id: `${a}-dx`, code: EXAMPLE_CODES.uterus, morphology: '8890/3', onset: ago(60) }),
      observation.stageGroup('II', ago(50), { patientId: a, id: `${a}-st` }),
    ]);
    expect(topics(withDisplay)).toEqual(['L-OTHER-SITE']);
    expect(cardOf(withDisplay, 'L-OTHER-SITE').detail).toContain(
      'Primary site Malignant neoplasm of uterus, part unspecified (C55): local treatment follows the guideline of that organ',
    );
    const b = 'fx-other-site-nodisplay';
    const noDisplay = await view([
      ...adult(b),
      otherCondition({
        patientId: b,
        id: `${b}-dx`,
        code: { system: EXAMPLE_CODES.uterus.system, code: 'C55' },
        morphology: '8890/3',
        onset: ago(60),
      }),
      observation.stageGroup('II', ago(50), { patientId: b, id: `${b}-st` }),
    ]);
    expect(cardOf(noDisplay, 'L-OTHER-SITE').detail).toContain('Primary site coded C55: local treatment');
  });

  test('an undated active doxorubicin statement is current ("date unknown: confirm it is still given"), listed on every card', async () => {
    const id = 'fx-undated-active';
    const statement = {
      ...medicationStatement({ patientId: id, id: `${id}-st`, drug: 'doxorubicin', date: ago(1), status: 'active' }),
    };
    delete statement.effectiveDateTime;
    const body = await view(metastaticLms(id, [statement]));
    expect(topics(body)).toEqual(['M-1L-DOXO', 'M-2L-GEM-DOCE', 'M-TRIAL']);
    for (const c of body.cards)
      expect(c.detail).toContain(
        'Undated exposures: doxorubicin (active statement): date unknown: confirm it is still given',
      );
  });

  test('just misses: an undated completed statement counts as prior (line 2), listed on every card', async () => {
    const id = 'fx-undated-completed';
    const statement = {
      ...medicationStatement({ patientId: id, id: `${id}-st`, drug: 'doxorubicin', date: ago(1), status: 'completed' }),
    };
    delete statement.effectiveDateTime;
    const body = await view(metastaticLms(id, [statement]));
    expect(topics(body)).toEqual(['M-2L-GEM-DOCE', 'M-TRIAL']);
    for (const c of body.cards)
      expect(c.detail).toContain(
        'Undated exposures: doxorubicin (completed statement): date unknown: counted as prior treatment',
      );
  });
});
