/**
 * The "Based on" facts of every card (PATHWAY.md §1 "Facts"): histology, extent, site, current regimen, line, ECOG,
 * LVEF, cumulative doxorubicin, grade, local therapy and age, from the fact defines of cql/StsPathway.
 */
import type { FactEntry } from './decision.js';
import { SITE_WORDS, secondPrimaryWords, uncertainBehaviorSite } from '../pathway/card-texts.js';
import { OBSERVATION_CODES, type CodeDef } from '../pathway/codes.js';
import { SAFETY_TEXTS } from '../pathway/rules.js';
import { SYSTEMS } from '../pathway/systems.js';
import {
  administrationsSpan,
  cumulativeAtLeast,
  cumulativeKnown,
  cumulativePossible,
  DISEASE_STATUS_WORDS,
  EVENT_MARKS,
  HISTORY_INCOMPLETE_REASON,
  mg,
  otherAnthracyclines,
  pendingOrder,
  UNDATED_CURRENT,
  UNDATED_PRIOR,
} from '../pathway/treatment-words.js';
import { diseaseStatusWords } from './disease-status.js';
import type { PlainValue } from './plain.js';

type PlainRecord = { readonly [key: string]: PlainValue };

/** An ICD-O-3 morphology code ("8890/3"); anything else in the histology fact is the ICD-10-CM code of F2 rule 0. */
const ICDO3_MORPHOLOGY = /^\d{4}\/\d$/;

const rec = (v: PlainValue | undefined): PlainRecord | undefined =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? v : undefined;
const str = (v: PlainValue | undefined): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
const num = (v: PlainValue | undefined): number | undefined => (typeof v === 'number' ? v : undefined);
const strs = (v: PlainValue | undefined): string[] =>
  Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];

function entry(fact: string, value: string, reference?: string, date?: string): FactEntry {
  return { fact, value, ...(reference !== undefined ? { reference } : {}), ...(date !== undefined ? { date } : {}) };
}

const notFound = (fact: string, lookedFor: string | undefined): FactEntry =>
  entry(fact, `not found (looked for: ${lookedFor ?? fact.toLowerCase()})`);

const unavailable = (fact: string, why: string): FactEntry => entry(fact, `unavailable (${why})`);

const MEDICATION_TYPES = ['MedicationRequest', 'MedicationAdministration', 'MedicationStatement'];

/** Builds the fact list from the evaluated StsPathway defines and the unreadable resource types (§2). */
export function buildFacts(
  raw: Readonly<Record<string, PlainValue>>,
  unreadable: ReadonlyMap<string, string>,
): FactEntry[] {
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
    out.push(ageFact(raw, why));
    return out;
  }
  const conditions = stsConditions(raw['Fact STS Conditions']);
  if (conditions !== undefined) out.push(conditions);

  const histology = rec(raw['Fact Histology']);
  const code = str(histology?.code);
  const conflict = histologyList(histology?.conflict);
  if (code !== undefined) {
    const display = str(histology?.display);
    const also = histologyList(histology?.alsoRecorded);
    out.push({
      ...entry(
        'Histology',
        `${display !== undefined ? `${display} (${code})` : code}${also !== undefined ? `; also recorded: ${also}` : ''}`,
        str(histology?.resource) ?? str(histology?.conditionId),
        str(histology?.date),
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
    out.push(entry('Histology', `conflict: ${conflict}`, str(histology?.conditionId)));
  } else out.push(notFound('Histology', str(histology?.lookedFor)));
  out.push(...secondPrimaries(raw['Fact Second Primary']));

  const extent = rec(raw['Fact Extent']);
  const extentValue = str(extent?.extent);
  if (extentValue !== undefined && extentValue !== 'UNKNOWN') {
    const first = rec(Array.isArray(extent?.evidence) ? extent.evidence[0] : undefined);
    out.push(entry('Extent', extentValue.toLowerCase(), str(first?.resource), str(first?.date)));
  } else if (why('Observation') !== undefined)
    out.push(unavailable('Extent', `${why('Observation')}; Conditions alone do not show it`));
  else out.push(notFound('Extent', str(extent?.lookedFor)));

  const site = rec(raw['Fact Site']);
  const siteValue = str(site?.site);
  // F3: the IIIB staging of nodal disease in the retroperitoneum is marked "(to verify)" in PATHWAY.md: not shown.
  const ignored = ignoredEvidence(raw['Fact Ignored Evidence']);
  if (ignored !== undefined) out.push(ignored);

  const siteCode = str(site?.code);
  // §1: a fact's code keeps its system; L-OTHER-SITE names the code's display from the record.
  const siteCoding =
    siteCode !== undefined
      ? {
          system: SYSTEMS.icd10cm,
          code: siteCode,
          ...(str(site?.display) !== undefined ? { display: str(site?.display) ?? '' } : {}),
        }
      : undefined;
  if (site?.uncertainBehavior === true && siteCode !== undefined) {
    // F1: a desmoid coded D48.1 (uncertain behavior) has no §7.5 site.
    out.push(withCode(entry('Primary site', uncertainBehaviorSite(siteCode), str(site?.resource)), siteCoding));
  } else if (siteValue !== undefined && siteValue !== 'UNKNOWN') {
    // §1: the site in words ("extremity", "trunk and other", ...) with its code.
    const words = SITE_WORDS[siteValue] ?? siteValue.toLowerCase();
    // §1: "a site as 'extremity', ... with its code and display".
    const display = str(site?.display);
    const coded = siteCode === undefined ? '' : display !== undefined ? `: ${display} (${siteCode})` : ` (${siteCode})`;
    out.push(withCode(entry('Primary site', `${words}${coded}`, str(site?.resource)), siteCoding));
  } else out.push(notFound('Primary site', str(site?.lookedFor)));

  if (medicationWhy !== undefined) {
    out.push(unavailable('Treatment history', medicationWhy));
  } else {
    const current = Array.isArray(raw['Fact Current Regimen']) ? raw['Fact Current Regimen'].map(rec) : [];
    const drugs = current.map((c) => str(c?.drug)).filter((d): d is string => d !== undefined);
    if (drugs.length > 0) {
      const start = current
        .map((c) => str(c?.runStart))
        .filter((d): d is string => d !== undefined)
        .sort()[0];
      out.push(entry('Current regimen', drugs.join(' + '), strs(current[0]?.sources)[0], start));
      // §4.5 CURRENT-OFF-PATHWAY "(last given <date>)": the latest dated exposure of the regimen; a drug current only
      // through an undated active statement or request has none (F5).
      const last = current
        .map((c) => str(c?.lastDate))
        .filter((d): d is string => d !== undefined)
        .sort()
        .at(-1);
      const undated = current
        .filter((c) => c?.undated === true)
        .map((c) => str(c?.drug))
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
    const line = num(raw['Fact Line']);
    const sources = strs(raw['Fact Line Sources']);
    if (line !== undefined) {
      out.push(
        entry(
          'Line of therapy',
          `${line === 3 ? '3+' : String(line)}${sources.length > 0 ? ` (set by ${sources.join(', ')})` : ''}`,
        ),
      );
    }
    const prior = rec(raw['Fact Prior Last Exposure']);
    if (line !== undefined && line > 1 && str(prior?.lastDate) !== undefined) {
      out.push(
        entry(
          'Prior regimen last exposure',
          `${str(prior?.drug) ?? 'unknown drug'} on ${str(prior?.lastDate) ?? ''}`,
          str(prior?.source),
          str(prior?.lastDate),
        ),
      );
    }
    const undated = undatedExposures(raw['Fact Undated Exposures']);
    if (undated !== undefined) out.push(undated);
    const unrecognized = num(raw['Fact Unrecognized']) ?? 0;
    if (unrecognized > 0)
      out.push(
        entry(
          'Unrecognized medications',
          `${unrecognized} administered medications not recognized (the line may be understated)`,
        ),
      );
  }

  const observationWhy = why('Observation');
  out.push(diseaseStatusFact(raw['Fact Disease Status'], observationWhy));
  out.push(...observationFacts(raw, observationWhy));

  const cumulative = rec(raw['Fact Cumulative']);
  if (medicationWhy !== undefined) out.push(unavailable('Cumulative doxorubicin', medicationWhy));
  else if (cumulative !== undefined) out.push(cumulativeFact(cumulative));

  const grade = rec(raw['Fact Grade']);
  if (observationWhy !== undefined) out.push(unavailable('Grade', observationWhy));
  else if (num(grade?.grade) !== undefined)
    out.push(entry('Grade', String(num(grade?.grade)), str(grade?.resource), str(grade?.date)));
  else out.push(notFound('Grade', str(grade?.lookedFor)));

  const procedureWhy = why('Procedure');
  if (procedureWhy !== undefined) out.push(unavailable('Local therapy', procedureWhy));
  else {
    const surgery = rec(raw['Fact Surgery']);
    const rt = rec(raw['Fact Radiotherapy']);
    out.push(
      surgery?.done === true
        ? entry('Surgery', 'done', str(surgery.resource), str(surgery.date))
        : entry(
            'Surgery',
            surgery?.localRecurrence === true
              ? 'local recurrence: treated as not resected'
              : `not found (looked for: ${str(surgery?.lookedFor) ?? 'a surgical Procedure'})`,
          ),
    );
    out.push(
      rt?.done === true
        ? entry('Radiotherapy', 'done', str(rt.resource), str(rt.date))
        : entry('Radiotherapy', `not found (looked for: ${str(rt?.lookedFor) ?? 'a radiotherapy Procedure'})`),
    );
  }

  out.push(ageFact(raw, why));
  return out;
}

/** F7 item 5: the cumulative doxorubicin as recorded in this record, with what it leaves out. */
function cumulativeFact(c: PlainRecord): FactEntry {
  const events = Array.isArray(c.events) ? c.events.map(rec).filter((x): x is PlainRecord => x !== undefined) : [];
  const dates = events
    .map((e) => str(e.date))
    .filter((d): d is string => d !== undefined)
    .sort();
  const span = administrationsSpan(events.length, dates[0] ?? null, dates[dates.length - 1] ?? null);
  const n = num(c.mgM2) ?? 0;
  const notCounted = (Array.isArray(c.notCounted) ? c.notCounted.map(rec) : []).map(
    (x) => `${str(x?.source) ?? 'a resource'}, ${str(x?.date) ?? 'undated'}, ${str(x?.reason) ?? ''}`,
  );
  if (c.historyIncomplete === true) notCounted.push(HISTORY_INCOMPLETE_REASON);
  const marks = events.flatMap((e) => {
    const m: string[] = [];
    if (e.partial === true) m.push(EVENT_MARKS.partial);
    if (e.orderedDose === true) m.push(EVENT_MARKS.ordered);
    if (e.checkDose === true) m.push(EVENT_MARKS.checkDose);
    return m.length > 0
      ? [`${str(e.source) ?? 'an administration'} (${str(e.date) ?? 'undated'}): ${m.join(', ')}`]
      : [];
  });
  const others = (Array.isArray(c.otherAnthracyclines) ? c.otherAnthracyclines.map(rec) : []).map(
    (o) => `${str(o?.drug) ?? 'anthracycline'} ${o?.atLeast === true ? 'at least ' : ''}${mg(num(o?.mgM2) ?? 0)} mg/m²`,
  );
  const pending = (Array.isArray(c.pending) ? c.pending.map(rec) : []).map(
    (p) => `${str(p?.source) ?? 'an order'}: ${pendingOrder(str(p?.date) ?? null)}`,
  );
  const m = num(c.unconfirmedCount) ?? 0;
  const parts = [
    c.known === true ? cumulativeKnown(n, span) : cumulativeAtLeast(n, span, notCounted),
    ...(others.length > 0 ? [otherAnthracyclines(others)] : []),
    // P only where it says more than N (an unconfirmed record with a convertible dose).
    ...(m > 0 && (num(c.possible) ?? n) > n ? [cumulativePossible(m, num(c.possible) ?? n)] : []),
    ...pending,
    ...marks,
  ];
  return entry('Cumulative doxorubicin', parts.join('; '));
}

/** F0: the age, or why it is unknown. */
function ageFact(raw: Readonly<Record<string, PlainValue>>, why: (type: string) => string | undefined): FactEntry {
  const patientWhy = why('Patient');
  const age = rec(raw['Fact Age']);
  if (patientWhy !== undefined) return unavailable('Age', patientWhy);
  if (num(age?.value) !== undefined)
    return entry('Age', `${num(age?.value)} years`, str(age?.resource), str(age?.birthDate));
  return notFound('Age', 'Patient.birthDate');
}

/**
 * "Display (code, Condition, date)" of each histology finding (§4.5 D-HISTOLOGY-CONFLICT: "<A> (<code>, <Condition>,
 * <date>) and <B> (...)"; an Observation source is named after its Condition), joined with "and"; undefined when none.
 */
function histologyList(v: PlainValue | undefined): string | undefined {
  const items = Array.isArray(v) ? v.map(rec).filter((x): x is PlainRecord => x !== undefined) : [];
  if (items.length === 0) return undefined;
  // Oldest first (undated last), so the order does not depend on how the record was sent.
  const dated = [...items].sort((a, b) => (str(a.date) ?? '\uffff').localeCompare(str(b.date) ?? '\uffff'));
  const words = dated.map((h) => {
    const condition = str(h.condition);
    const resource = str(h.resource);
    const where = [
      str(h.code),
      condition ?? resource,
      condition !== undefined && resource !== condition ? resource : undefined,
      h.date === undefined ? undefined : (str(h.date)?.slice(0, 10) ?? 'date unknown'),
    ]
      .filter((x): x is string => x !== undefined)
      .join(', ');
    return `${str(h.display) ?? str(h.class) ?? 'histology'} (${where})`;
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
function undatedExposures(v: PlainValue | undefined): FactEntry | undefined {
  const items = Array.isArray(v) ? v.map(rec).filter((x): x is PlainRecord => x !== undefined) : [];
  if (items.length === 0) return undefined;
  const value = items
    .map((e) => {
      const kind = KIND_WORDS[str(e.kind) ?? ''] ?? 'record';
      return `${str(e.drug) ?? 'a drug'} (${str(e.status) ?? 'no status'} ${kind}): ${e.current === true ? UNDATED_CURRENT : UNDATED_PRIOR}`;
    })
    .join('; ');
  return entry('Undated exposures', value, str(items[0]?.source));
}

/** F1: each SPECIALTY second primary, with the drugs of its §4.4 row left out of the other tumor's line. */
function secondPrimaries(v: PlainValue | undefined): FactEntry[] {
  const items = Array.isArray(v) ? v.map(rec).filter((x): x is PlainRecord => x !== undefined) : [];
  return items.map((p) => {
    const code = str(p.code);
    const display = str(p.display);
    // The resources left out are in the machine-readable facts (Current regimen sources), not in the words (§1).
    const e = entry('Second primary', secondPrimaryWords(display, code, strs(p.drugs)), str(p.resource), str(p.date));
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
  });
}

/** F1: the STS Conditions with their statuses (absent statuses say how they were read). */
function stsConditions(v: PlainValue | undefined): FactEntry | undefined {
  const items = Array.isArray(v) ? v.map(rec).filter((x): x is PlainRecord => x !== undefined) : [];
  const keys = items.map((c) => str(c.resource)).filter((x): x is string => x !== undefined);
  if (keys.length === 0) return undefined;
  // §1: a Condition by its codes and statuses in words (the reference is machine-readable).
  const value = items
    .map((c) => {
      const codes = strs(c.icd10);
      return [
        codes.length > 0 ? codes.join(', ') : 'STS diagnosis',
        str(c.verificationStatus) ?? 'confirmed (status not recorded)',
        str(c.clinicalStatus) ?? 'active (status not recorded)',
      ].join(', ');
    })
    .join('; ');
  return entry(keys.length === 1 ? 'STS Condition' : 'STS Conditions', value, keys[0]);
}

/** §2: evidence that belongs to another primary cancer, named with why it was ignored; undefined when none. */
function ignoredEvidence(v: PlainValue | undefined): FactEntry | undefined {
  const items = Array.isArray(v) ? v.map(rec).filter((x): x is PlainRecord => x !== undefined) : [];
  if (items.length === 0) return undefined;
  const value = items
    .map(
      (e) =>
        `${str(e.resource) ?? 'a resource'} (${str(e.kind) ?? 'evidence'}${str(e.value) !== undefined ? ` ${str(e.value) ?? ''}` : ''}): ${str(e.reason) ?? 'belongs to another primary cancer'}`,
    )
    .join('; ');
  return entry('Ignored (another primary cancer)', value);
}

/** "LOINC 10230-1, SNOMED 250908004, ..." for a "not found (looked for: ...)" line. */
const lookedForCodes = (what: string, defs: readonly CodeDef[]): string =>
  `${what} (${defs.map((d) => `${d.system === SYSTEMS.loinc ? 'LOINC' : d.system === SYSTEMS.snomed ? 'SNOMED' : d.system} ${d.code}`).join(', ')})`;

const fill = (template: string, values: Readonly<Record<string, string>>): string =>
  template.replace(/<(\w+)>/g, (m, k: string) => values[k] ?? m);

/** The code of an Observation fact, as it was read (§1: a fact's code keeps its system). */
function codeOf(v: PlainValue | undefined): FactEntry['code'] | undefined {
  const c = rec(v);
  const system = str(c?.system);
  const code = str(c?.code);
  return system !== undefined && code !== undefined ? { system, code } : undefined;
}

function withCode(e: FactEntry, code: FactEntry['code'] | undefined): FactEntry {
  return code !== undefined ? { ...e, code } : e;
}

/** F10: the latest disease status that belongs to the STS, or why there is none (never assumed). */
function diseaseStatusFact(v: PlainValue | undefined, observationWhy: string | undefined): FactEntry {
  if (observationWhy !== undefined) return unavailable('Disease status', observationWhy);
  const s = rec(v);
  if (s === undefined)
    return notFound('Disease status', lookedForCodes('a disease status Observation', OBSERVATION_CODES.diseaseStatus));
  const status = str(s.status) ?? 'unknown';
  const words = diseaseStatusWords(s);
  const classWords = DISEASE_STATUS_WORDS[status] ?? status;
  const code = str(s.code);
  return {
    ...entry('Disease status', words === classWords ? words : `${words} (${classWords})`, str(s.key), str(s.date)),
    ...(code !== undefined ? { code: { system: SYSTEMS.snomed, code } } : {}),
  };
}

/** F6 ECOG, F7 LVEF and §7.3 total bilirubin, or why they are unavailable. */
function observationFacts(raw: Readonly<Record<string, PlainValue>>, observationWhy: string | undefined): FactEntry[] {
  if (observationWhy !== undefined) return [unavailable('ECOG', observationWhy), unavailable('LVEF', observationWhy)];
  const out: FactEntry[] = [];

  const ecog = rec(raw['Fact ECOG']);
  const ecogValue = num(ecog?.value);
  const ecogBad = rec(ecog?.notInterpretable);
  const ecogText =
    ecogValue === undefined
      ? undefined
      : ecog?.recent === true
        ? String(ecogValue)
        : fill(SAFETY_TEXTS.ecogNotRecent, { ecog: String(ecogValue), date: str(ecog?.date) ?? 'an unknown date' });
  if (ecogBad !== undefined) {
    const bad = fill(SAFETY_TEXTS.ecogNotInterpretable, { value: str(ecogBad.text) ?? 'no value' });
    out.push(
      withCode(
        entry(
          'ECOG',
          ecogText !== undefined ? `${bad}; earlier: ${ecogText}` : bad,
          str(ecogBad.source),
          str(ecogBad.date),
        ),
        codeOf(ecogBad.code),
      ),
    );
  } else if (ecogText !== undefined)
    out.push(withCode(entry('ECOG', ecogText, str(ecog?.source), str(ecog?.date)), codeOf(ecog?.code)));
  else out.push(notFound('ECOG', lookedForCodes('an ECOG Observation', OBSERVATION_CODES.ecog)));

  const lvef = rec(raw['Fact LVEF']);
  const lvefValue = num(lvef?.value);
  const lvefBad = rec(lvef?.notInterpretable);
  const unusable = str(lvef?.unusable);
  // The F7 sentence itself goes on the anthracycline node's card (StsSafety "Doxo Notes"); the fact says why.
  const usableNote = unusable !== undefined ? ` (not usable: ${unusable})` : '';
  if (lvefBad !== undefined) {
    const bad = fill(SAFETY_TEXTS.lvefNotInterpretable, { value: str(lvefBad.text) ?? 'no value' });
    const earlier =
      lvefValue !== undefined ? `; earlier: ${mg(lvefValue)} % on ${str(lvef?.date) ?? 'an unknown date'}` : '';
    // §7.3: the LVEF and bilirubin codes are matched only, never emitted (no `code` on their facts).
    out.push(entry('LVEF', `${bad}${earlier}${usableNote}`, str(lvefBad.source), str(lvefBad.date)));
  } else if (lvefValue !== undefined) {
    out.push(entry('LVEF', `${mg(lvefValue)} %${usableNote}`, str(lvef?.source), str(lvef?.date)));
  } else out.push(notFound('LVEF', lookedForCodes('an LVEF Observation', OBSERVATION_CODES.lvef)));

  const bilirubin = rec(raw['Fact Bilirubin']);
  const reading = rec(bilirubin?.reading);
  if (reading !== undefined) {
    const value = num(reading.value);
    const shown =
      value !== undefined
        ? `${value}${str(reading.unit) !== undefined ? ` ${str(reading.unit) ?? ''}` : ''}`
        : 'no value';
    const upper = str(reading.upperLimit);
    const judged =
      reading.high === true
        ? 'above the upper limit of normal'
        : reading.high === false
          ? 'not above the upper limit of normal'
          : 'not judged (no reference range in the same unit and no interpretation)';
    const age = bilirubin?.recent === true ? '' : '; not recent: not judged';
    out.push(
      entry(
        'Total bilirubin',
        `${shown}${upper !== undefined ? ` (upper limit ${upper})` : ''}: ${judged}${age}`,
        str(reading.source),
        str(reading.date),
      ),
    );
  }
  return out;
}
