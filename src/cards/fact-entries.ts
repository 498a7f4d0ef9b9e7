/**
 * The "Based on" facts of every card in words (PATHWAY.md §1 "Facts"): histology, extent, site, current regimen, line,
 * ECOG, LVEF, cumulative doxorubicin, grade, local therapy and age, from the typed facts of src/cql/patient-facts.ts,
 * then the data-quality lines (§2: types read only in part, resources left out, the EHR's warnings).
 */
import type { DataQuality } from '../cql/decision.js';
import type { LeftOutCount, LeftOutReason } from '../fhir/types.js';
import type {
  CumulativeFact,
  DiseaseStatusFact,
  HistologyFinding,
  IgnoredEvidenceFact,
  PatientFacts,
  RecordedCode,
  SecondPrimaryFact,
  StsConditionFact,
  UndatedExposureFact,
} from '../cql/patient-facts.js';
import {
  administrationsSpan,
  cumulativeAtLeast,
  cumulativeKnown,
  cumulativePossible,
  DISEASE_STATUS_WORDS,
  EVENT_MARKS,
  HISTORY_INCOMPLETE_REASON,
  EVIDENCE_KIND_WORDS,
  ignoredEvidenceWords,
  LOOKED_FOR,
  lvefText,
  lvefUnusableWords,
  mg,
  NO_VALUE,
  notCountedWords,
  OBSERVATION_CODES,
  otherAnthracyclines,
  pendingOrder,
  SAFETY_TEXTS,
  secondPrimaryWords,
  SITE_WORDS,
  SYSTEMS,
  UNDATED_CURRENT,
  UNDATED_PRIOR,
  uncertainBehaviorSite,
  type CodeDef,
} from '../pathway/index.js';
import { diseaseStatusWords } from './disease-status.js';
import type { FactEntry } from './worded.js';

/** An ICD-O-3 morphology code ("8890/3"); anything else in the histology fact is the ICD-10-CM code of F2 rule 0. */
const ICDO3_MORPHOLOGY = /^\d{4}\/\d$/;

function entry(fact: string, value: string, reference?: string, date?: string): FactEntry {
  return { fact, value, ...(reference !== undefined ? { reference } : {}), ...(date !== undefined ? { date } : {}) };
}

const notFound = (fact: string, lookedFor: string): FactEntry => entry(fact, `not found (looked for: ${lookedFor})`);

const unavailable = (fact: string, why: string): FactEntry => entry(fact, `unavailable (${why})`);

const MEDICATION_TYPES = ['MedicationRequest', 'MedicationAdministration', 'MedicationStatement'];

/** The fact list of every card: the pathway facts, then the data-quality lines. */
export function factEntries(facts: PatientFacts, quality: DataQuality): FactEntry[] {
  // §2: an incomplete type counts as unreadable for the facts built on it, except that the exposures found still count.
  const unreadable = new Map(quality.unreadable);
  for (const [type, why] of quality.incomplete) {
    if (!MEDICATION_TYPES.includes(type) && !unreadable.has(type)) unreadable.set(type, `read only in part: ${why}`);
  }
  return [...pathwayFacts(facts, unreadable), ...dataQualityFacts(quality)];
}

/** The lines saying what of the record could not be used as it came. */
function dataQualityFacts(quality: DataQuality): FactEntry[] {
  const out: FactEntry[] = [];
  const partial = [...quality.incomplete].filter(
    ([type]) => MEDICATION_TYPES.includes(type) && !quality.unreadable.has(type),
  );
  if (partial.length > 0) {
    const why = partial.map(([type, reason]) => `${type}: ${reason}`).join('; ');
    out.push({
      fact: 'Treatment history',
      value: `incomplete (${why}): the line and the cumulative dose are lower bounds (at least)`,
    });
  }
  const { warnings, leftOut } = quality.notices;
  const shown = warnings.slice(0, SERVER_NOTES_SHOWN);
  if (shown.length > 0) {
    const more = warnings.length - shown.length;
    out.push({ fact: 'FHIR server notes', value: `${shown.join('; ')}${more > 0 ? `; and ${more} more` : ''}` });
  }
  if (leftOut.length > 0) out.push({ fact: "Left out (not this patient's)", value: leftOutWords(leftOut) });
  return out;
}

/** How many of the EHR's and server's warnings a card names (the rest are counted). */
const SERVER_NOTES_SHOWN = 5;

const LEFT_OUT_WORDS: Readonly<Record<LeftOutReason, string>> = {
  'another-patient': 'of another patient',
  'no-reference': 'with no patient reference (missing, or an identifier only)',
  'unresolved-reference': 'whose patient reference does not resolve to this patient',
};

/** "3 resources not counted: 2 of another patient (Condition 2); 1 with no patient reference (...) (Observation 1)". */
export function leftOutWords(counts: readonly LeftOutCount[]): string {
  const reasons = [...new Set(counts.map((c) => c.reason))];
  const parts = reasons.map((reason) => {
    const of = counts.filter((c) => c.reason === reason);
    const n = of.reduce((sum, c) => sum + c.count, 0);
    return `${n} ${LEFT_OUT_WORDS[reason]} (${of.map((c) => `${c.resourceType} ${c.count}`).join(', ')})`;
  });
  const total = counts.reduce((sum, c) => sum + c.count, 0);
  return `${total} resource${total === 1 ? '' : 's'} not counted: ${parts.join('; ')}`;
}

/** The pathway facts in words, given the unreadable resource types (§2). */
function pathwayFacts(facts: PatientFacts, unreadable: ReadonlyMap<string, string>): FactEntry[] {
  const out: FactEntry[] = [];
  const why = (type: string): string | undefined => {
    const reason = unreadable.get(type);
    return reason === undefined ? undefined : `${type} could not be read: ${reason}`;
  };
  const medicationWhy = MEDICATION_TYPES.map(why).find((w) => w !== undefined);

  // §4.3 D-DATA-UNAVAILABLE: the card names which query failed and why.
  const conditionWhy = why('Condition');
  if (conditionWhy !== undefined) {
    // Histology, extent and site are read from the Conditions: with none readable they are unknown, not absent.
    out.push(unavailable('Conditions', conditionWhy));
    for (const fact of ['Histology', 'Extent', 'Primary site'])
      out.push(unavailable(fact, 'the Conditions could not be read'));
    out.push(ageFact(facts, why));
    return out;
  }
  const conditions = stsConditions(facts.stsConditions);
  if (conditions !== undefined) out.push(conditions);

  const histology = facts.histology;
  const code = histology?.code;
  const conflict = histologyList(histology?.conflict ?? []);
  if (code !== undefined) {
    const display = histology?.display;
    const also = histologyList(histology?.alsoRecorded ?? []);
    out.push({
      ...entry(
        'Histology',
        `${display !== undefined ? `${display} (${code})` : code}${also !== undefined ? `; also recorded: ${also}` : ''}`,
        histology?.resource ?? histology?.conditionId,
        histology?.date,
      ),
      // F2 rule 0 gives the class from an ICD-10-CM code (C49.A* GIST, C46.* Kaposi): the fact keeps the system it was read from.
      code: {
        system: ICDO3_MORPHOLOGY.test(code) ? SYSTEMS.icdo3 : SYSTEMS.icd10cm,
        code,
        ...(display !== undefined ? { display } : {}),
      },
    });
  } else if (conflict !== undefined) {
    // F1, F2: two specific classes at the same level (or across Conditions): the card names both codes, Conditions and dates.
    out.push(entry('Histology', `conflict: ${conflict}`, histology?.conditionId));
  } else out.push(notFound('Histology', LOOKED_FOR.histology));
  out.push(...facts.secondPrimaries.map(secondPrimary));

  const extent = facts.extent;
  const extentValue = extent?.extent;
  if (extentValue !== undefined && extentValue !== 'UNKNOWN') {
    const first = extent?.firstEvidence;
    out.push(entry('Extent', extentValue.toLowerCase(), first?.resource, first?.date));
  } else if (why('Observation') !== undefined)
    out.push(unavailable('Extent', `${why('Observation')}; Conditions alone do not show it`));
  else out.push(notFound('Extent', LOOKED_FOR.extent));

  const site = facts.site;
  const siteValue = site?.site;
  // F3: the IIIB staging of nodal disease in the retroperitoneum is marked "(to verify)" in PATHWAY.md: not shown.
  const ignored = ignoredEvidence(facts.ignoredEvidence);
  if (ignored !== undefined) out.push(ignored);

  const siteCode = site?.code;
  // §1: a fact's code keeps its system; L-OTHER-SITE names the code's display from the record.
  const siteCoding =
    siteCode !== undefined
      ? {
          system: SYSTEMS.icd10cm,
          code: siteCode,
          ...(site?.display !== undefined ? { display: site.display } : {}),
        }
      : undefined;
  if (site?.uncertainBehavior === true && siteCode !== undefined) {
    // F1: a desmoid coded D48.1 (uncertain behavior) has no §7.5 site.
    out.push(withCode(entry('Primary site', uncertainBehaviorSite(siteCode), site.resource), siteCoding));
  } else if (siteValue !== undefined && siteValue !== 'UNKNOWN') {
    // §1: the site in words ("extremity", "trunk and other", ...) with its code.
    const words = SITE_WORDS[siteValue] ?? siteValue.toLowerCase();
    // §1: "a site as 'extremity', ... with its code and display".
    const display = site?.display;
    const coded = siteCode === undefined ? '' : display !== undefined ? `: ${display} (${siteCode})` : ` (${siteCode})`;
    out.push(withCode(entry('Primary site', `${words}${coded}`, site?.resource), siteCoding));
  } else out.push(notFound('Primary site', LOOKED_FOR.site));

  if (medicationWhy !== undefined) {
    out.push(unavailable('Treatment history', medicationWhy));
  } else {
    const current = facts.currentRegimen;
    const drugs = current.map((c) => c.drug).filter((d): d is string => d !== undefined);
    if (drugs.length > 0) {
      const start = current
        .map((c) => c.runStart)
        .filter((d): d is string => d !== undefined)
        .sort()[0];
      out.push(entry('Current regimen', drugs.join(' + '), current[0]?.sources[0], start));
      // §4.5 CURRENT-OFF-PATHWAY "(last given <date>)": the latest dated exposure of the regimen; a drug current only
      // through an undated active statement or request has none (F5).
      const last = current
        .map((c) => c.lastDate)
        .filter((d): d is string => d !== undefined)
        .sort()
        .at(-1);
      const undated = current
        .filter((c) => c.undated)
        .map((c) => c.drug)
        .filter((d): d is string => d !== undefined);
      out.push(
        entry(
          'Current regimen last given',
          [last, undated.length > 0 ? `${undated.join(' + ')}: ${UNDATED_CURRENT}` : undefined]
            .filter((x) => x !== undefined)
            .join('; '),
        ),
      );
    } else out.push(entry('Current regimen', 'none (no exposure within the current-regimen window)'));
    const line = facts.line;
    const sources = facts.lineSources;
    if (line !== undefined) {
      out.push(
        entry(
          'Line of therapy',
          `${line === 3 ? '3+' : String(line)}${sources.length > 0 ? ` (set by ${sources.join(', ')})` : ''}`,
        ),
      );
    }
    const prior = facts.priorLastExposure;
    if (line !== undefined && line > 1 && prior?.lastDate !== undefined) {
      out.push(
        entry(
          'Prior regimen last exposure',
          `${prior.drugs.length > 0 ? prior.drugs.join(' + ') : 'unknown drug'} on ${prior.lastDate}`,
          prior.source,
          prior.lastDate,
        ),
      );
    }
    const undated = undatedExposures(facts.undatedExposures);
    if (undated !== undefined) out.push(undated);
    const unrecognized = facts.unrecognized ?? 0;
    if (unrecognized > 0)
      out.push(
        entry(
          'Unrecognized medications',
          `${unrecognized} administered medications not recognized (the line may be understated)`,
        ),
      );
  }

  const observationWhy = why('Observation');
  out.push(diseaseStatusFact(facts.diseaseStatus, observationWhy));
  out.push(...observationFacts(facts, observationWhy));

  const cumulative = facts.cumulative;
  if (medicationWhy !== undefined) out.push(unavailable('Cumulative doxorubicin', medicationWhy));
  else if (cumulative !== undefined) out.push(cumulativeFact(cumulative));

  const grade = facts.grade;
  if (observationWhy !== undefined) out.push(unavailable('Grade', observationWhy));
  else if (grade?.grade !== undefined) out.push(entry('Grade', String(grade.grade), grade.resource, grade.date));
  else out.push(notFound('Grade', LOOKED_FOR.grade));

  const procedureWhy = why('Procedure');
  if (procedureWhy !== undefined) out.push(unavailable('Local therapy', procedureWhy));
  else {
    const surgery = facts.surgery;
    const rt = facts.radiotherapy;
    out.push(
      surgery?.done === true
        ? entry('Surgery', 'done', surgery.resource, surgery.date)
        : entry(
            'Surgery',
            surgery?.localRecurrence === true
              ? 'local recurrence: treated as not resected'
              : `not found (looked for: ${LOOKED_FOR.surgery})`,
          ),
    );
    out.push(
      rt?.done === true
        ? entry('Radiotherapy', 'done', rt.resource, rt.date)
        : entry('Radiotherapy', `not found (looked for: ${LOOKED_FOR.radiotherapy})`),
    );
  }

  out.push(ageFact(facts, why));
  return out;
}

/** F7 item 5: the cumulative doxorubicin as recorded in this record, with what it leaves out. */
function cumulativeFact(c: CumulativeFact): FactEntry {
  const events = c.events;
  const dates = events
    .map((e) => e.date)
    .filter((d): d is string => d !== undefined)
    .sort();
  const span = administrationsSpan(events.length, dates[0] ?? null, dates[dates.length - 1] ?? null);
  const n = c.mgM2 ?? 0;
  const notCounted = c.notCounted.map(
    (x) =>
      `${x.source ?? 'a resource'}, ${x.date ?? 'undated'}, ${x.reason !== undefined ? notCountedWords(x.reason.code, x.reason.unit) : ''}`,
  );
  if (c.historyIncomplete) notCounted.push(HISTORY_INCOMPLETE_REASON);
  const marks = events.flatMap((e) => {
    const m: string[] = [];
    if (e.partial) m.push(EVENT_MARKS.partial);
    if (e.orderedDose) m.push(EVENT_MARKS.ordered);
    if (e.checkDose) m.push(EVENT_MARKS.checkDose);
    return m.length > 0 ? [`${e.source ?? 'an administration'} (${e.date ?? 'undated'}): ${m.join(', ')}`] : [];
  });
  const others = c.otherAnthracyclines.map(
    (o) => `${o.drug ?? 'anthracycline'} ${o.atLeast ? 'at least ' : ''}${mg(o.mgM2 ?? 0)} mg/m²`,
  );
  const pending = c.pending.map((p) => `${p.source ?? 'an order'}: ${pendingOrder(p.date ?? null)}`);
  const m = c.unconfirmedCount ?? 0;
  const parts = [
    c.known ? cumulativeKnown(n, span) : cumulativeAtLeast(n, span, notCounted),
    ...(others.length > 0 ? [otherAnthracyclines(others)] : []),
    // P only where it says more than N (an unconfirmed record with a convertible dose).
    ...(m > 0 && (c.possible ?? n) > n ? [cumulativePossible(m, c.possible ?? n)] : []),
    ...pending,
    ...marks,
  ];
  return entry('Cumulative doxorubicin', parts.join('; '));
}

/** F0: the age, or why it is unknown. */
function ageFact(facts: PatientFacts, why: (type: string) => string | undefined): FactEntry {
  const patientWhy = why('Patient');
  const age = facts.age;
  if (patientWhy !== undefined) return unavailable('Age', patientWhy);
  if (age?.value !== undefined) return entry('Age', `${age.value} years`, age.resource, age.birthDate);
  return notFound('Age', LOOKED_FOR.age);
}

/**
 * "Display (code, Condition, date)" of each histology finding (§4.5 D-HISTOLOGY-CONFLICT: "<A> (<code>, <Condition>,
 * <date>) and <B> (...)"; an Observation source is named after its Condition), joined with "and"; undefined when none.
 */
function histologyList(items: readonly HistologyFinding[]): string | undefined {
  if (items.length === 0) return undefined;
  // Oldest first (undated last), so the order does not depend on how the record was sent.
  const dated = [...items].sort((a, b) => (a.date ?? '\uffff').localeCompare(b.date ?? '\uffff'));
  const words = dated.map((h) => {
    const condition = h.condition;
    const resource = h.resource;
    const where = [
      h.code,
      condition ?? resource,
      condition !== undefined && resource !== condition ? resource : undefined,
      h.date === undefined ? undefined : (h.date?.slice(0, 10) ?? 'date unknown'),
    ]
      .filter((x): x is string => x !== undefined)
      .join(', ');
    return `${h.display ?? h.class ?? 'histology'} (${where})`;
  });
  return words.length <= 2
    ? words.join(' and ')
    : `${words.slice(0, -1).join(', ')} and ${words[words.length - 1] ?? ''}`;
}

const KIND_WORDS: Readonly<Record<string, string>> = {
  MedicationStatement: 'statement',
  MedicationRequest: 'order',
  MedicationAdministration: 'administration',
};

/** F5: the undated exposures ("every card lists the undated exposures"); undefined when none. */
function undatedExposures(items: readonly UndatedExposureFact[]): FactEntry | undefined {
  if (items.length === 0) return undefined;
  const value = items
    .map((e) => {
      const kind = KIND_WORDS[e.kind ?? ''] ?? 'record';
      return `${e.drug ?? 'a drug'} (${e.status ?? 'no status'} ${kind}): ${e.current ? UNDATED_CURRENT : UNDATED_PRIOR}`;
    })
    .join('; ');
  return entry('Undated exposures', value, items[0]?.source);
}

/** F1: a SPECIALTY second primary, with the drugs of its §4.4 row left out of the other tumor's line. */
function secondPrimary(p: SecondPrimaryFact): FactEntry {
  const { code, display } = p;
  // The resources left out are in the machine-readable facts (Current regimen sources), not in the words (§1).
  const e = entry('Second primary', secondPrimaryWords(display, code, p.drugs), p.resource, p.date);
  return code !== undefined
    ? {
        ...e,
        code: {
          system: ICDO3_MORPHOLOGY.test(code) ? SYSTEMS.icdo3 : SYSTEMS.icd10cm,
          code,
          ...(display !== undefined ? { display } : {}),
        },
      }
    : e;
}

/** F1: the STS Conditions with their statuses (absent statuses say how they were read). */
function stsConditions(items: readonly StsConditionFact[]): FactEntry | undefined {
  const keys = items.map((c) => c.resource).filter((x): x is string => x !== undefined);
  if (keys.length === 0) return undefined;
  // §1: a Condition by its codes and statuses in words (the reference is machine-readable).
  const value = items
    .map((c) =>
      [
        c.icd10.length > 0 ? c.icd10.join(', ') : 'STS diagnosis',
        c.verificationStatus ?? 'confirmed (status not recorded)',
        c.clinicalStatus ?? 'active (status not recorded)',
      ].join(', '),
    )
    .join('; ');
  return entry(keys.length === 1 ? 'STS Condition' : 'STS Conditions', value, keys[0]);
}

/** §2: evidence that belongs to another primary cancer, named with why it was ignored; undefined when none. */
function ignoredEvidence(items: readonly IgnoredEvidenceFact[]): FactEntry | undefined {
  if (items.length === 0) return undefined;
  const value = items
    .map(
      (e) =>
        `${e.resource ?? 'a resource'} (${e.kind !== undefined ? (EVIDENCE_KIND_WORDS[e.kind] ?? e.kind) : 'evidence'}${e.value !== undefined ? ` ${e.value}` : ''}): ${e.reason !== undefined ? ignoredEvidenceWords(e.reason.code, e.reason.keys) : 'belongs to another primary cancer'}`,
    )
    .join('; ');
  return entry('Ignored (another primary cancer)', value);
}

/** "LOINC 10230-1, SNOMED 250908004, ..." for a "not found (looked for: ...)" line. */
const lookedForCodes = (what: string, defs: readonly CodeDef[]): string =>
  `${what} (${defs.map((d) => `${d.system === SYSTEMS.loinc ? 'LOINC' : d.system === SYSTEMS.snomed ? 'SNOMED' : d.system} ${d.code}`).join(', ')})`;

const fill = (template: string, values: Readonly<Record<string, string>>): string =>
  template.replace(/<(\w+)>/g, (m, k: string) => values[k] ?? m);

function withCode(e: FactEntry, code: FactEntry['code'] | undefined): FactEntry {
  return code !== undefined ? { ...e, code } : e;
}

const coding = (c: RecordedCode | undefined): FactEntry['code'] | undefined =>
  c !== undefined ? { system: c.system, code: c.code } : undefined;

/** F10: the latest disease status that belongs to the STS, or why there is none (never assumed). */
function diseaseStatusFact(s: DiseaseStatusFact | undefined, observationWhy: string | undefined): FactEntry {
  if (observationWhy !== undefined) return unavailable('Disease status', observationWhy);
  if (s === undefined)
    return notFound('Disease status', lookedForCodes('a disease status Observation', OBSERVATION_CODES.diseaseStatus));
  const status = s.status ?? 'unknown';
  const words = diseaseStatusWords(s);
  const classWords = DISEASE_STATUS_WORDS[status] ?? status;
  return {
    ...entry('Disease status', words === classWords ? words : `${words} (${classWords})`, s.key, s.date),
    ...(s.code !== undefined ? { code: { system: SYSTEMS.snomed, code: s.code } } : {}),
  };
}

/** F6 ECOG, F7 LVEF and §7.3 total bilirubin, or why they are unavailable. */
function observationFacts(facts: PatientFacts, observationWhy: string | undefined): FactEntry[] {
  if (observationWhy !== undefined) return [unavailable('ECOG', observationWhy), unavailable('LVEF', observationWhy)];
  const out: FactEntry[] = [];

  const ecog = facts.ecog;
  const ecogValue = ecog?.value;
  const ecogBad = ecog?.notInterpretable;
  const ecogText =
    ecogValue === undefined
      ? undefined
      : ecog?.recent === true
        ? String(ecogValue)
        : fill(SAFETY_TEXTS.ecogNotRecent, { ecog: String(ecogValue), date: ecog?.date ?? 'an unknown date' });
  if (ecogBad !== undefined) {
    const bad = fill(SAFETY_TEXTS.ecogNotInterpretable, { value: ecogBad.text ?? NO_VALUE });
    // A valid reading of the same day is named as such, an older one as earlier.
    const other = ecog?.date !== undefined && ecog.date === ecogBad.date ? 'same day' : 'earlier';
    out.push(
      withCode(
        entry('ECOG', ecogText !== undefined ? `${bad}; ${other}: ${ecogText}` : bad, ecogBad.source, ecogBad.date),
        coding(ecogBad.code),
      ),
    );
  } else if (ecogText !== undefined)
    out.push(withCode(entry('ECOG', ecogText, ecog?.source, ecog?.date), coding(ecog?.code)));
  else out.push(notFound('ECOG', lookedForCodes('an ECOG Observation', OBSERVATION_CODES.ecog)));

  const lvef = facts.lvef;
  const lvefValue = lvef?.value;
  const lvefBad = lvef?.notInterpretable;
  const unusable = lvef?.unusable;
  // The F7 sentence itself goes on the anthracycline node's card (StsSafety "Doxo Notes"); the fact says why.
  const usableNote = unusable !== undefined ? ` (not usable: ${lvefUnusableWords(unusable)})` : '';
  if (lvefBad !== undefined) {
    const bad = fill(SAFETY_TEXTS.lvefNotInterpretable, { value: lvefBad.text ?? NO_VALUE });
    // A valid reading of the same day is named as such (the unreadable one wins the tie: it could be the lower).
    const earlier =
      lvefValue === undefined
        ? ''
        : lvef?.date !== undefined && lvef.date === lvefBad.date
          ? `; same day: ${lvefText(lvefValue, lvef.comparator)} %`
          : `; earlier: ${lvefText(lvefValue, lvef?.comparator)} % on ${lvef?.date ?? 'an unknown date'}`;
    // §7.3: the LVEF and bilirubin codes are matched only, never emitted (no `code` on their facts).
    out.push(entry('LVEF', `${bad}${earlier}${usableNote}`, lvefBad.source, lvefBad.date));
  } else if (lvefValue !== undefined) {
    out.push(entry('LVEF', `${lvefText(lvefValue, lvef?.comparator)} %${usableNote}`, lvef?.source, lvef?.date));
  } else out.push(notFound('LVEF', lookedForCodes('an LVEF Observation', OBSERVATION_CODES.lvef)));

  const reading = facts.bilirubin;
  if (reading !== undefined) {
    const value = reading.value;
    const shown = value !== undefined ? `${value}${reading.unit !== undefined ? ` ${reading.unit}` : ''}` : NO_VALUE;
    const upper = reading.upperLimit;
    const judged =
      reading.high === true
        ? 'above the upper limit of normal'
        : reading.high === false
          ? 'not above the upper limit of normal'
          : 'not judged (no reference range in the same unit and no interpretation)';
    const age = reading.recent ? '' : '; not recent: not judged';
    out.push(
      entry(
        'Total bilirubin',
        `${shown}${upper !== undefined ? ` (upper limit ${upper})` : ''}: ${judged}${age}`,
        reading.source,
        reading.date,
      ),
    );
  }
  return out;
}
