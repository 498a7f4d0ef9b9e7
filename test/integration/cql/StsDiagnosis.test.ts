/**
 * Diagnosis facts (PATHWAY.md §2 F0-F4, F8, F9) computed by the compiled cql/StsDiagnosis through the service's engine,
 * on patients stored in the real embedded FHIR server and read back over HTTP as a Bundle.
 */
import type { Bundle, BundleEntry, FhirResource } from 'fhir/r4.js';
import { EXAMPLE_CODES } from '../../../src/pathway/examples.js';
import { createCqlEngine } from '../../../src/cql/engine.js';
import { evaluateDiagnosis, type DiagnosisFacts } from '../../helpers/diagnosis-facts.js';
import {
  bundleOf,
  observation,
  otherCondition,
  patient,
  procedure,
  secondaryCondition,
  stsCondition,
} from '../../fixtures/builders.js';
import { startTestFhirServer, type TestFhirServer } from '../../helpers/fhir-server.js';

const NOW = new Date('2026-11-22T10:00:00Z');
const engine = createCqlEngine({ timeZone: 'Europe/Paris' });
let server: TestFhirServer;

/** One test patient: resources built for a fresh patient id. */
type Case = (pid: string) => FhirResource[];

const cases = new Map<string, Case>();
let seq = 0;
/** Registers a patient and returns its id (random per run: the server is shared). */
function define(build: (pid: string) => FhirResource[], birthDate = '1960-01-01'): string {
  const pid = `dx-${process.pid}-${++seq}`;
  cases.set(pid, (p) => [patient({ id: p, birthDate }), ...build(p)]);
  return pid;
}

async function readAll(type: string, pid: string): Promise<FhirResource[]> {
  const res = await fetch(`${server.url}/${type}?subject=Patient/${pid}&_count=1000`);
  const body = (await res.json()) as Bundle<FhirResource>;
  return (body.entry ?? []).flatMap((e: BundleEntry<FhirResource>) => (e.resource ? [e.resource] : []));
}

/** The patient's data read back over HTTP, as the service assembles it: one collection Bundle. */
async function bundleFromServer(pid: string): Promise<Bundle> {
  const p = (await (await fetch(`${server.url}/Patient/${pid}`)).json()) as FhirResource;
  const rest = await Promise.all(['Condition', 'Observation', 'Procedure'].map((t) => readAll(t, pid)));
  return bundleOf([p, ...rest.flat()], 'collection');
}

async function facts(pid: string): Promise<DiagnosisFacts> {
  return evaluateDiagnosis(engine, await bundleFromServer(pid), { now: NOW });
}

const own = (pid: string, id: string): { patientId: string; id: string } => ({ patientId: pid, id: `${pid}-${id}` });

// F3 stage group
const stageIII = define((p) => [
  stsCondition({ ...own(p, 'c'), icd10: 'C49.12', morphology: '8890/3' }),
  observation.stageGroup('III', '2025-01-10', { patientId: p }),
]);
const stageIV = define((p) => [
  stsCondition({ ...own(p, 'c'), icd10: 'C49.12', morphology: '8890/3' }),
  observation.stageGroup('IV', '2025-01-10', { patientId: p }),
]);
// F3 M0 then M1 (older M1 still wins), and M0 alone; a preliminary M1 does not count
const m0ThenM1 = define((p) => [
  stsCondition({ ...own(p, 'c'), icd10: 'C49.3', morphology: '8890/3' }),
  observation.mCategory('M1', '2024-01-10', { patientId: p }),
  observation.mCategory('M0', '2025-06-10', { patientId: p }),
]);
const m0Only = define((p) => [
  stsCondition({ ...own(p, 'c'), icd10: 'C49.3', morphology: '8890/3' }),
  observation.mCategory('M0', '2025-06-10', { patientId: p }),
]);
const m1Preliminary = define((p) => [
  stsCondition({ ...own(p, 'c'), icd10: 'C49.3', morphology: '8890/3' }),
  observation.mCategory('M1', '2025-06-10', { patientId: p, status: 'preliminary' }),
]);
// F3 metastasis as a Condition (ICD-10 C78), as the secondary profile only, as stage summary IV
const metCondition = define((p) => [
  stsCondition({ ...own(p, 'c'), icd10: 'C48.0', morphology: '8850/3' }),
  secondaryCondition({ ...own(p, 'm'), primaryId: `${p}-c`, code: EXAMPLE_CODES.lungMetastasisIcd10, profile: false }),
]);
const metProfileOnly = define((p) => [
  stsCondition({ ...own(p, 'c'), icd10: 'C48.0', morphology: '8850/3' }),
  secondaryCondition({ ...own(p, 'm'), profile: 'only' }),
]);
const stageSummaryIV = define((p) => [
  stsCondition({ ...own(p, 'c'), icd10: 'C48.0', morphology: '8850/3', stageSummary: EXAMPLE_CODES.ajccStageIV }),
]);
// F1 inactive primary with / without a metastasis that belongs to it
const inactiveWithMet = define((p) => [
  stsCondition({ ...own(p, 'c'), icd10: 'C49.12', morphology: '8890/3', clinicalStatus: 'remission' }),
  secondaryCondition({ ...own(p, 'm'), primaryId: `${p}-c` }),
]);
const inactiveNoMet = define((p) => [
  stsCondition({ ...own(p, 'c'), icd10: 'C49.12', morphology: '8890/3', clinicalStatus: 'remission' }),
]);
// F1 entered-in-error, unconfirmed, carcinoma on a §7.1 code
const enteredInError = define((p) => [
  stsCondition({
    ...own(p, 'c'),
    icd10: 'C49.12',
    morphology: '8890/3',
    verificationStatus: 'entered-in-error',
    clinicalStatus: null,
  }),
]);
const provisional = define((p) => [
  stsCondition({ ...own(p, 'c'), icd10: 'C49.12', morphology: '8890/3', verificationStatus: 'provisional' }),
]);
const carcinomaC482 = define((p) => [stsCondition({ ...own(p, 'c'), icd10: 'C48.2', morphology: '8140/3' })]);
// F2 sources and precedence
const histExtension = define((p) => [
  stsCondition({ ...own(p, 'c'), icd10: 'C49.12', morphology: '8850/3' }),
  observation.histology('8890/3', '2025-01-01', { patientId: p, id: `${p}-h`, focusId: `${p}-c` }),
]);
const histInCode = define((p) => [stsCondition({ ...own(p, 'c'), icd10: 'C49.12', morphologyInCode: '8830/3' })]);
const histObservation = define((p) => [
  stsCondition({ ...own(p, 'c'), icd10: 'C49.12' }),
  observation.histology('8890/3', '2025-01-01', { patientId: p, id: `${p}-h` }),
]);
const nonSpecificOnly = define((p) => [stsCondition({ ...own(p, 'c'), icd10: 'C49.12', morphology: '8805/3' })]);
const nonSpecificThenSpecific = define((p) => [
  stsCondition({ ...own(p, 'c'), icd10: 'C49.12', morphology: '8805/3' }),
  observation.histology('8890/3', '2025-01-01', { patientId: p, id: `${p}-h`, focusId: `${p}-c` }),
]);
const noHistology = define((p) => [stsCondition({ ...own(p, 'c'), icd10: 'C49.12' })]);
const twoClassesAcross = define((p) => [
  stsCondition({ ...own(p, 'a'), icd10: 'C49.12', morphology: '8890/3' }),
  stsCondition({ ...own(p, 'b'), icd10: 'C49.3', morphology: '8850/3' }),
]);
const uterineLms = define((p) => [
  otherCondition({ ...own(p, 'c'), code: EXAMPLE_CODES.uterus, morphology: '8890/3' }),
]);
const gist = define((p) => [otherCondition({ ...own(p, 'g'), code: EXAMPLE_CODES.gistStomach, morphology: '8890/3' })]);
const uncovered = define((p) => [stsCondition({ ...own(p, 'c'), icd10: 'C49.12', morphology: '9044/3' })]);
// Attribution: evidence of another primary
const otherPrimaryUnreferencedM1 = define((p) => [
  stsCondition({ ...own(p, 'c'), icd10: 'C49.12', morphology: '8890/3' }),
  otherCondition({ ...own(p, 'b'), code: EXAMPLE_CODES.breast }),
  observation.mCategory('M1', '2025-06-10', { patientId: p, id: `${p}-m1` }),
]);
const otherPrimaryReferencedM1 = define((p) => [
  stsCondition({ ...own(p, 'c'), icd10: 'C49.12', morphology: '8890/3' }),
  otherCondition({ ...own(p, 'b'), code: EXAMPLE_CODES.breast }),
  observation.mCategory('M1', '2025-06-10', { patientId: p, id: `${p}-m1`, focusId: `${p}-c` }),
]);
// F0 partial birthDate
const born200810 = define((p) => [stsCondition({ ...own(p, 'c'), icd10: 'C49.12', morphology: '8890/3' })], '2008-10');
const born200811 = define((p) => [stsCondition({ ...own(p, 'c'), icd10: 'C49.12', morphology: '8890/3' })], '2008-11');
// F8 grade: latest, tie -> highest
const grades = define((p) => [
  stsCondition({ ...own(p, 'c'), icd10: 'C49.12', morphology: '8890/3' }),
  observation.grade(3, '2024-01-01', { patientId: p, id: `${p}-g0` }),
  observation.grade(1, '2025-02-01', { patientId: p, id: `${p}-g1` }),
  observation.grade(2, '2025-02-01', { patientId: p, id: `${p}-g2` }),
]);
// F9 surgery, RT, local recurrence
const resected = define((p) => [
  stsCondition({ ...own(p, 'c'), icd10: 'C49.12', morphology: '8890/3', onset: '2025-01-05' }),
  procedure({ ...own(p, 's'), kind: 'surgery', date: '2025-02-01', reasonId: `${p}-c` }),
  procedure({ ...own(p, 'r'), kind: 'rt', date: '2025-03-01' }),
]);
const surgeryBeforeDiagnosis = define((p) => [
  stsCondition({ ...own(p, 'c'), icd10: 'C49.12', morphology: '8890/3', onset: '2025-01-05' }),
  procedure({ ...own(p, 's'), kind: 'surgery', date: '2020-02-01' }),
]);
const recurrence = define((p) => [
  stsCondition({
    ...own(p, 'c'),
    icd10: 'C49.12',
    morphology: '8890/3',
    clinicalStatus: 'recurrence',
    onset: '2025-01-05',
  }),
  procedure({ ...own(p, 's'), kind: 'surgery', date: '2025-02-01' }),
]);

beforeAll(async () => {
  server = await startTestFhirServer();
  await server.load(bundleOf([...cases.entries()].flatMap(([pid, build]) => build(pid))));
});
afterAll(async () => server.close());

describe('F3 extent', () => {
  test('stage group III is localized, stage IV is metastatic', async () => {
    expect((await facts(stageIII)).extent).toMatchObject({
      extent: 'LOCALIZED',
      evidence: [{ kind: 'stage-group', value: 'I-III' }],
    });
    expect((await facts(stageIV)).extent).toMatchObject({
      extent: 'METASTATIC',
      evidence: [{ kind: 'stage-group', value: 'IV' }],
    });
  });
  test('an older M1 wins over a later M0; M0 alone is localized; a preliminary M1 does not count', async () => {
    expect((await facts(m0ThenM1)).extent.extent).toBe('METASTATIC');
    expect((await facts(m0Only)).extent.extent).toBe('LOCALIZED');
    expect((await facts(m1Preliminary)).extent).toMatchObject({ extent: 'UNKNOWN', evidence: [] });
  });
  test('metastasis as a C78 Condition, as the secondary-cancer profile, as stage summary IV', async () => {
    expect((await facts(metCondition)).extent).toMatchObject({
      extent: 'METASTATIC',
      evidence: [{ kind: 'metastasis-condition', resource: `Condition/${metCondition}-m` }],
    });
    expect((await facts(metProfileOnly)).extent.extent).toBe('METASTATIC');
    expect((await facts(stageSummaryIV)).extent).toMatchObject({
      extent: 'METASTATIC',
      evidence: [{ kind: 'stage-summary' }],
    });
  });
  test('evidence of another primary is ignored and named; the same M1 referencing the STS counts', async () => {
    const ignored = await facts(otherPrimaryUnreferencedM1);
    expect(ignored.extent.extent).toBe('UNKNOWN');
    expect(ignored.otherPrimaryCancers).toEqual([`Condition/${otherPrimaryUnreferencedM1}-b`]);
    expect(ignored.ignoredEvidence).toMatchObject([
      {
        resource: `Observation/${otherPrimaryUnreferencedM1}-m1`,
        value: 'M1',
        // Without a reference, the reason names the other primary cancers.
        reason: { code: 'noReference', keys: [`Condition/${otherPrimaryUnreferencedM1}-b`] },
      },
    ]);
    expect((await facts(otherPrimaryReferencedM1)).extent.extent).toBe('METASTATIC');
  });
});

describe('F1 STS Conditions', () => {
  test('an inactive primary counts only with a metastasis that belongs to it', async () => {
    expect((await facts(inactiveWithMet)).hasStsCondition).toBe(true);
    expect((await facts(inactiveNoMet)).hasStsCondition).toBe(false);
  });
  test('entered-in-error is ignored; provisional is not confirmed; a carcinoma coded C48.2 is not STS', async () => {
    expect((await facts(enteredInError)).hasStsCondition).toBe(false);
    expect(await facts(provisional)).toMatchObject({ hasStsCondition: true, isConfirmed: false });
    expect((await facts(carcinomaC482)).hasStsCondition).toBe(false);
  });
  test('C55 with 8890/3 is an STS Condition by histology: LMS at NON_SOFT_TISSUE', async () => {
    const f = await facts(uterineLms);
    expect(f.hasStsCondition).toBe(true);
    expect(f.histology).toMatchObject({ class: 'LMS', code: '8890/3', conditionId: `Condition/${uterineLms}-c` });
    expect(f.site).toMatchObject({ site: 'NON_SOFT_TISSUE', code: 'C55' });
  });
});

describe('F2 histology', () => {
  test('the extension wins over a 31206-6 Observation, which is listed as also recorded', async () => {
    const h = (await facts(histExtension)).histology;
    expect(h).toMatchObject({
      class: 'LPS',
      code: '8850/3',
      source: 'extension',
      resource: `Condition/${histExtension}-c`,
    });
    expect(h.alsoRecorded).toMatchObject([
      { class: 'LMS', code: '8890/3', resource: `Observation/${histExtension}-h` },
    ]);
  });
  test('an ICD-O-3 coding of Condition.code, and an unreferenced 31206-6 Observation, are read', async () => {
    expect((await facts(histInCode)).histology).toMatchObject({ class: 'UPS', source: 'condition-code' });
    expect((await facts(histObservation)).histology).toMatchObject({
      class: 'LMS',
      source: 'observation',
      resource: `Observation/${histObservation}-h`,
      conditionId: `Condition/${histObservation}-c`,
    });
  });
  test('8805/3 alone gives OTHER; a specific code from a lower source wins over it', async () => {
    expect((await facts(nonSpecificOnly)).histology).toMatchObject({ class: 'OTHER', code: '8805/3' });
    expect((await facts(nonSpecificThenSpecific)).histology).toMatchObject({ class: 'LMS', source: 'observation' });
  });
  test('no histology is UNKNOWN; two classes across Conditions is a conflict', async () => {
    const none = (await facts(noHistology)).histology;
    expect(none).toMatchObject({ class: 'UNKNOWN', code: null, conflict: [] });
    const conflict = (await facts(twoClassesAcross)).histology;
    expect(conflict.class).toBe('UNKNOWN');
    expect(conflict.conflict.map((c) => c.class).sort()).toEqual(['LMS', 'LPS']);
  });
  test('GIST (C49.A*) is SPECIALTY whatever the histology; 9044/3 on a §7.1 Condition is UNCOVERED', async () => {
    expect((await facts(gist)).histology).toMatchObject({
      class: 'SPECIALTY',
      code: EXAMPLE_CODES.gistStomach.code,
      source: 'diagnosis-code',
    });
    expect((await facts(uncovered)).histology).toMatchObject({ class: 'UNCOVERED', code: '9044/3' });
  });
});

describe('F0 age', () => {
  test('a partial birthDate counts at its latest day: 2008-10 is 18, 2008-11 is 17 on 2026-11-22', async () => {
    expect((await facts(born200810)).age).toMatchObject({
      value: 18,
      birthDate: '2008-10',
      resource: `Patient/${born200810}`,
    });
    expect((await facts(born200811)).age.value).toBe(17);
  });
});

describe('F8 grade and F9 local therapy', () => {
  test('the latest grade counts, the highest on a date tie', async () => {
    expect((await facts(grades)).grade).toMatchObject({
      grade: 2,
      resource: `Observation/${grades}-g2`,
      date: '2025-02-01',
    });
  });
  test('surgery and RT done with their resources; surgery before the diagnosis does not count; recurrence is not resected', async () => {
    const f = await facts(resected);
    expect(f.surgery).toMatchObject({ done: true, resource: `Procedure/${resected}-s`, date: '2025-02-01' });
    expect(f.radiotherapy).toMatchObject({ done: true, resource: `Procedure/${resected}-r` });
    expect((await facts(surgeryBeforeDiagnosis)).surgery.done).toBe(false);
    expect((await facts(recurrence)).surgery).toMatchObject({ done: false, localRecurrence: true });
  });
});
