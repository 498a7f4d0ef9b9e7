/**
 * fast-check arbitraries for the fuzz suite. Requests are built as JSON *text*: a valid seed is mutated as an object
 * where a mutation leaves a sentinel, and the sentinel is replaced by raw JSON text after serialising. That is how the
 * bodies get what `JSON.stringify` cannot write: duplicate keys, `__proto__` members, 50,000-deep nesting.
 */
import fc from 'fast-check';
import { HOOKS, searchset, seedFeedback, seedRequest, seeds, type Hook } from './seeds.js';
import type { RawRequest } from './harness.js';

const SERVICE: Readonly<Record<Hook, string>> = {
  'patient-view': '/cds-services/sts-pathway-patient-view',
  'order-select': '/cds-services/sts-pathway-order-select',
  'order-sign': '/cds-services/sts-pathway-order-sign',
};

// ---------------------------------------------------------------------------------------------------------------------
// Garbage values, as JSON text

/** Strings, never one that parses as an http(s) URL: the fuzzer must not make the service resolve random host names. */
const safeString = fc
  .oneof(
    fc.string({ unit: 'binary', maxLength: 40 }),
    fc.string({ unit: 'grapheme', maxLength: 40 }),
    fc.constantFrom(
      '',
      ' ',
      '\u0000',
      '\uFEFF',
      '\uD800',
      '𝕊𝕋𝕊',
      'ﷺ',
      '<script>alert(1)</script>',
      '../../etc/passwd',
      '%00',
      '{{context.patientId}}',
    ),
  )
  .filter((s) => !/https?:/i.test(s));

/** Strings shaped like FHIR dates and codes, valid and broken. */
const fhirishString = fc.constantFrom(
  '2026-11-23',
  '2026-11',
  '2026',
  '2026-13-45',
  '2026-02-30T25:61:00Z',
  '0000-00-00',
  '9999-12-31T23:59:59Z',
  '+275760-09-13',
  '-000001-01-01',
  'T',
  '2026-11-23T12:00:00+99:00',
  'NaN',
  'Infinity',
  'final',
  'active',
  'draft',
  'completed',
  'entered-in-error',
  'Patient/',
  'Patient/../x',
  'Condition/#',
  '#',
  'mg/m2',
  '[in_i]',
  '%',
  'mg{',
  '10^',
  '1e999',
);

const deepNesting = fc
  .tuple(
    fc.integer({ min: 64, max: 50_000 }),
    fc.constantFrom('[', '{"a":', '{"resourceType":"Bundle","entry":[{"resource":'),
  )
  .map(([depth, open]) => {
    const close = open === '[' ? ']' : open === '{"a":' ? '}' : '}]}';
    return `${open.repeat(depth)}${open === '[' ? '' : '1'}${close.repeat(depth)}`;
  });

/** FHIR-looking values of the wrong shape. */
const wrongFhirShape = fc.constantFrom(
  '{"coding":5}',
  '{"coding":[5,null,"x",{"system":5,"code":{}}]}',
  '{"coding":{"system":"http://loinc.org","code":"10230-1"}}',
  '{"text":["doxorubicin"]}',
  '{"value":"abc","unit":5,"system":[],"code":{}}',
  '{"value":1e308,"unit":"mg/m2","system":"http://unitsofmeasure.org","code":"mg/m2"}',
  '{"value":-1,"unit":"%","system":"http://unitsofmeasure.org","code":"%"}',
  '{"start":5,"end":{}}',
  '{"reference":5}',
  '{"reference":"Patient/"}',
  '{"low":"x","high":[]}',
  '[{"url":5,"valueCodeableConcept":7}]',
  '[{"url":"http://hl7.org/fhir/StructureDefinition/condition-related","valueReference":{"reference":{}}}]',
  '{"resourceType":5}',
  '{"resourceType":""}',
  '{"resourceType":"Bundle","entry":5}',
  '{"resourceType":"Bundle","entry":"x"}',
  '{"resourceType":"Bundle","entry":{}}',
  '{"resourceType":"Bundle","entry":[null,5,"x",[],{"resource":null},{"resource":5},{"resource":{"resourceType":{}}}]}',
  '{"resourceType":"Bundle","link":[{"relation":"next","url":"http://127.0.0.1:1/x"}],"entry":[]}',
  '{"resourceType":"OperationOutcome","issue":[]}',
  '{"resourceType":"Patient","id":5}',
  '{"resourceType":"Condition","id":{},"subject":7,"code":"C49.2"}',
  '{"resourceType":"Observation","id":"o","status":"final","code":5,"effectiveDateTime":{},"valueQuantity":"50%"}',
  '{"resourceType":"MedicationRequest","id":"d","status":"draft","intent":"order","medicationCodeableConcept":5}',
  '{"resourceType":"MedicationRequest","id":"d","status":"draft","medicationReference":{"reference":"#m"},"contained":5}',
  '{"resourceType":"MedicationRequest","id":"d","status":"draft","medicationReference":{"reference":"#m"},"contained":[null,5,{"resourceType":"Medication","id":"m","code":5}]}',
  '{"resourceType":"MedicationAdministration","id":"a","status":"completed","medicationCodeableConcept":{"text":"doxorubicin"},"dosage":{"dose":"lots"},"effectivePeriod":{"start":{}}}',
);

/** Any JSON value text that a field should not hold. */
export const garbage: fc.Arbitrary<string> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.constantFrom(
      'null',
      'true',
      'false',
      '0',
      '-1',
      '-0',
      '1e308',
      '5',
      '""',
      '[]',
      '{}',
      '[null]',
      '[[]]',
      '[{}]',
    ),
  },
  { weight: 2, arbitrary: fc.integer().map(String) },
  { weight: 1, arbitrary: fc.double({ noNaN: true, noDefaultInfinity: true }).map((n) => JSON.stringify(n)) },
  { weight: 4, arbitrary: safeString.map((s) => JSON.stringify(s)) },
  { weight: 3, arbitrary: fhirishString.map((s) => JSON.stringify(s)) },
  { weight: 5, arbitrary: wrongFhirShape },
  {
    weight: 2,
    arbitrary: fc
      .jsonValue({ maxDepth: 3 })
      .map((v) => JSON.stringify(v))
      .filter((t) => !/https?:/i.test(t)),
  },
  { weight: 1, arbitrary: fc.integer({ min: 10_000, max: 300_000 }).map((n) => JSON.stringify('x'.repeat(n))) },
  {
    weight: 1,
    arbitrary: fc.integer({ min: 100, max: 5_000 }).map((n) => JSON.stringify(Array.from({ length: n }, (_, i) => i))),
  },
  { weight: 1, arbitrary: deepNesting },
);

/** Members that try to pollute prototypes when an object is merged or assigned without care. */
const pollutingMember = fc.constantFrom(
  '"__proto__":{"polluted":"yes","isAdmin":true}',
  '"constructor":{"prototype":{"polluted":"yes"}}',
  '"prototype":{"polluted":"yes"}',
  '"__proto__":{"__proto__":{"fuzzPolluted":1}}',
  '"__proto__":[1,2,3]',
  '"__proto__":null',
  '"constructor":5',
  '"hasOwnProperty":5',
  '"toString":"x"',
  '"valueOf":{}',
);

const KNOWN_KEYS = [
  'hook',
  'hookInstance',
  'fhirServer',
  'fhirAuthorization',
  'context',
  'prefetch',
  'patientId',
  'userId',
  'draftOrders',
  'selections',
  'resourceType',
  'id',
  'entry',
  'resource',
  'code',
  'coding',
  'system',
  'status',
  'subject',
  'reference',
  'effectiveDateTime',
  'valueQuantity',
  'value',
  'unit',
  'medicationCodeableConcept',
  'text',
  'meta',
  'extension',
  'url',
  'feedback',
  'card',
  'outcome',
  'acceptedSuggestions',
  'overrideReason',
  'outcomeTimestamp',
  'birthDate',
  'dosage',
] as const;

// ---------------------------------------------------------------------------------------------------------------------
// Mutations of a seed object

type PathStep = string | number;

/** Every path into `root` (objects and arrays, breadth-first), at most `limit`. */
function pathsOf(root: unknown, limit = 4_000): PathStep[][] {
  const out: PathStep[][] = [];
  const queue: { value: unknown; path: PathStep[] }[] = [{ value: root, path: [] }];
  for (let i = 0; i < queue.length && out.length < limit; i++) {
    const item = queue[i];
    if (!item) break;
    const { value, path } = item;
    const children: [PathStep, unknown][] = Array.isArray(value)
      ? value.map((v, j): [PathStep, unknown] => [j, v])
      : typeof value === 'object' && value !== null
        ? Object.entries(value)
        : [];
    for (const [step, child] of children) {
      out.push([...path, step]);
      queue.push({ value: child, path: [...path, step] });
    }
  }
  return out;
}

function containerAt(root: unknown, path: readonly PathStep[]): unknown {
  let v: unknown = root;
  for (const step of path) v = typeof v === 'object' && v !== null ? Reflect.get(v, step) : undefined;
  return v;
}

type Mutation =
  | { readonly kind: 'replace'; readonly at: number; readonly text: string }
  | { readonly kind: 'delete'; readonly at: number }
  | { readonly kind: 'member'; readonly at: number; readonly member: string; readonly last: boolean }
  | { readonly kind: 'duplicate'; readonly at: number; readonly text: string }
  | { readonly kind: 'foreign-resource'; readonly key: number; readonly from: number }
  | { readonly kind: 'many-entries'; readonly key: number; readonly count: number; readonly type: string };

const PREFETCH_KEYS = [
  'patient',
  'conditions',
  'observations',
  'medicationRequests',
  'medicationAdministrations',
  'medicationStatements',
  'procedures',
];

const member = fc.oneof(
  { weight: 3, arbitrary: pollutingMember },
  { weight: 2, arbitrary: fc.tuple(fc.constantFrom(...KNOWN_KEYS), garbage).map(([k, g]) => `"${k}":${g}`) },
  { weight: 1, arbitrary: fc.tuple(safeString, garbage).map(([k, g]) => `${JSON.stringify(k)}:${g}`) },
);

/** A prefetch key replaced by a searchset of thousands of small resources (each costs the CQL engine ~0.3 ms). */
const manyEntries = fc.record({
  kind: fc.constant('many-entries' as const),
  key: fc.nat(),
  count: fc.integer({ min: 1_000, max: 3_000 }),
  type: fc.constantFrom('Observation', 'Condition', 'MedicationAdministration', 'Patient', 'Basic'),
});

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 40, arbitrary: fc.record({ kind: fc.constant('replace' as const), at: fc.nat(), text: garbage }) },
  { weight: 15, arbitrary: fc.record({ kind: fc.constant('delete' as const), at: fc.nat() }) },
  {
    weight: 15,
    arbitrary: fc.record({ kind: fc.constant('member' as const), at: fc.nat(), member, last: fc.boolean() }),
  },
  { weight: 15, arbitrary: fc.record({ kind: fc.constant('duplicate' as const), at: fc.nat(), text: garbage }) },
  {
    weight: 10,
    arbitrary: fc.record({ kind: fc.constant('foreign-resource' as const), key: fc.nat(), from: fc.nat() }),
  },
);

/** Prefetch-level mutations, on the object itself: a resource of another type in a key, or a Bundle of thousands. */
function reshapePrefetch(
  root: Record<string, unknown>,
  m: Extract<Mutation, { kind: 'foreign-resource' | 'many-entries' }>,
): void {
  const prefetch = root.prefetch;
  if (typeof prefetch !== 'object' || prefetch === null) return;
  if (m.kind === 'foreign-resource') {
    const key = PREFETCH_KEYS[m.key % PREFETCH_KEYS.length] ?? 'patient';
    const source = PREFETCH_KEYS[m.from % PREFETCH_KEYS.length] ?? 'conditions';
    const value: unknown = Reflect.get(prefetch, source);
    // A resource of another type where the key's type belongs: a Bundle in `patient`, Patients in `conditions`...
    const entries: unknown = typeof value === 'object' && value !== null ? Reflect.get(value, 'entry') : undefined;
    const entry0: unknown = Array.isArray(entries) ? entries[0] : undefined;
    const first: unknown = Array.isArray(entries)
      ? typeof entry0 === 'object' && entry0 !== null
        ? Reflect.get(entry0, 'resource')
        : undefined
      : value;
    Reflect.set(
      prefetch,
      key,
      m.from % 2 === 0 ? structuredClone(value) : searchset(first ? [structuredClone(first) as never] : []),
    );
    return;
  }
  const key = PREFETCH_KEYS[m.key % PREFETCH_KEYS.length] ?? 'observations';
  const context: unknown = root.context;
  const patientId: unknown =
    typeof context === 'object' && context !== null ? Reflect.get(context, 'patientId') : undefined;
  const subject = { reference: `Patient/${String(patientId)}` };
  const resources = Array.from({ length: m.count }, (_, i) => ({
    resourceType: m.type,
    id: `m${i}`,
    status: 'final',
    code: { text: `x${i % 7}` },
    subject,
  }));
  Reflect.set(prefetch, key, searchset(resources as never[]));
}

/** Applies `mutations` to `root` and serialises it, splicing in the raw texts the sentinels stand for. */
export function mutateToText(root: Record<string, unknown>, mutations: readonly Mutation[]): string {
  const raw: string[] = [];
  const sentinel = (text: string): string => {
    raw.push(text);
    return `\u0000S${raw.length - 1}\u0000`;
  };
  for (const m of mutations) {
    switch (m.kind) {
      case 'replace':
      case 'delete': {
        const paths = pathsOf(root);
        const path = paths[m.at % Math.max(paths.length, 1)];
        if (!path) break;
        const parent = containerAt(root, path.slice(0, -1));
        const step = path[path.length - 1];
        if (step === undefined || typeof parent !== 'object' || parent === null) break;
        if (m.kind === 'replace') Reflect.set(parent, step, sentinel(m.text));
        else if (Array.isArray(parent) && typeof step === 'number') parent.splice(step, 1);
        else Reflect.deleteProperty(parent, step);
        break;
      }
      case 'member':
      case 'duplicate': {
        const objects = [[], ...pathsOf(root)].filter((p) => {
          const v = containerAt(root, p);
          return typeof v === 'object' && v !== null && !Array.isArray(v);
        });
        const path = objects[m.at % objects.length] ?? [];
        const target = containerAt(root, path);
        if (typeof target !== 'object' || target === null) break;
        let text: string;
        let last = true;
        if (m.kind === 'member') {
          text = m.member;
          last = m.last;
        } else {
          // A second member with an existing key: JSON.parse keeps the last one, so this one wins.
          const keys = Object.keys(target);
          const key = keys[m.at % Math.max(keys.length, 1)] ?? 'resourceType';
          text = `${JSON.stringify(key)}:${m.text}`;
        }
        const key = sentinel(text);
        const entries = Object.entries(target);
        for (const k of Object.keys(target)) Reflect.deleteProperty(target, k);
        if (!last) Reflect.set(target, key, null);
        for (const [k, v] of entries) Reflect.set(target, k, v);
        if (last) Reflect.set(target, key, null);
        break;
      }
      case 'foreign-resource':
      case 'many-entries':
        reshapePrefetch(root, m);
        break;
    }
  }
  let text = JSON.stringify(root);
  // Replace from the last sentinel down: a later sentinel's text never contains an earlier one.
  for (let i = raw.length - 1; i >= 0; i--) {
    const token = JSON.stringify(`\u0000S${i}\u0000`);
    const memberToken = `${token}:null`;
    const value = raw[i] ?? 'null';
    text = text.includes(memberToken) ? text.split(memberToken).join(value) : text.split(token).join(value);
  }
  return text;
}

// ---------------------------------------------------------------------------------------------------------------------
// Requests

/** fast-check prints counterexamples whole; a body can be a megabyte, so it prints a short form. */
function printable(req: RawRequest): RawRequest {
  const short = `${req.path} ${req.contentType ?? ''} (${req.body.length} chars) ${req.body.slice(0, 300)}`;
  return Object.defineProperty({ ...req }, fc.toStringMethod, { value: () => short, enumerable: false });
}

const hookArb = fc.constantFrom(...HOOKS);

/** `arb` in `present` of `present + absent` cases, else null. */
const sometimes = <T>(arb: fc.Arbitrary<T>, present: number, absent: number): fc.Arbitrary<T | null> =>
  fc.oneof({ weight: absent, arbitrary: fc.constant(null) }, { weight: present, arbitrary: arb });
const seedIndex = fc.nat({ max: 9 });

/** A fhirServer value that never makes the service resolve a real host name or leave loopback. */
export const fhirServerText = (loopbackFhir: string): fc.Arbitrary<string> =>
  fc.constantFrom(
    JSON.stringify(loopbackFhir),
    JSON.stringify(loopbackFhir),
    '"http://10.0.0.1/fhir"',
    '"http://169.254.169.254/latest/meta-data"',
    '"http://[::ffff:169.254.169.254]/"',
    '"http://metadata.google.internal/"',
    '"http://0.0.0.0:1/"',
    '"http://[::]/"',
    '"http://user:pw@127.0.0.1:1/fhir"',
    '"http://127.0.0.1:1/fhir?x=1#y"',
    '"file:///etc/passwd"',
    '"gopher://127.0.0.1:1/"',
    '"javascript:alert(1)"',
    '"not a url"',
    '5',
    '{}',
  );

/** CDS requests with 0-4 mutations of any field (hook, hookInstance, context.*, prefetch.*, fhirServer, ...). */
export function cdsRequest(loopbackFhir: string): fc.Arbitrary<RawRequest> {
  return fc
    .record({
      hook: hookArb,
      path: fc.oneof(
        { weight: 12, arbitrary: fc.constant('same') },
        { weight: 1, arbitrary: hookArb },
        { weight: 1, arbitrary: fc.constant('unknown') },
      ),
      seed: seedIndex,
      drafts: fc.integer({ min: 1, max: 3 }),
      fhirServer: sometimes(fhirServerText(loopbackFhir), 1, 3),
      fhirAuthorization: sometimes(
        fc.oneof(garbage, fc.constant('{"access_token":"fuzz-token","token_type":"Bearer"}')),
        1,
        3,
      ),
      dropPrefetch: fc.boolean(),
      // Mostly the envelope (hook, hookInstance, context, fhirServer...): the prefetch property covers the data.
      envelopeOnly: fc.nat({ max: 3 }).map((n) => n > 0),
      mutations: fc.array(mutation, { maxLength: 4 }),
    })
    .map((r) => {
      const seed = seeds()[r.seed % seeds().length];
      if (!seed) throw new Error('no seeds');
      const body = seedRequest(seed, r.hook, r.drafts);
      if (r.fhirServer !== null) {
        body.fhirServer = '\u0000FHIRSERVER\u0000';
        // Fetching is what fhirServer is for: drop some keys so the service must ask it.
        if (r.dropPrefetch) body.prefetch = { patient: (body.prefetch as Record<string, unknown>).patient };
      }
      if (r.fhirAuthorization !== null) body.fhirAuthorization = '\u0000FHIRAUTH\u0000';
      const prefetch = body.prefetch;
      if (r.envelopeOnly) body.prefetch = '\u0000PREFETCH\u0000';
      let text = mutateToText(body, r.mutations);
      text = text.split(JSON.stringify('\u0000PREFETCH\u0000')).join(JSON.stringify(prefetch));
      text = text.split(JSON.stringify('\u0000FHIRSERVER\u0000')).join(r.fhirServer ?? 'null');
      text = text.split(JSON.stringify('\u0000FHIRAUTH\u0000')).join(r.fhirAuthorization ?? 'null');
      const path =
        r.path === 'same' ? SERVICE[r.hook] : r.path === 'unknown' ? '/cds-services/no-such-service' : SERVICE[r.path];
      return printable({ path, body: text });
    });
}

/** Prefetch-focused requests: many mutations inside the FHIR resources, wrong resource types, huge Bundles. */
export const prefetchRequest: fc.Arbitrary<RawRequest> = fc
  .record({
    hook: hookArb,
    seed: seedIndex,
    mutations: fc.array(mutation, { minLength: 1, maxLength: 8 }),
    underPrefetch: fc.boolean(),
    // Rare: the CQL engine needs a second or more for such a Bundle.
    many: fc.oneof({ weight: 79, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: manyEntries }),
  })
  .map((r) => {
    const seed = seeds()[r.seed % seeds().length];
    if (!seed) throw new Error('no seeds');
    const body = seedRequest(seed, r.hook, 2);
    const structural = (m: Mutation): m is Extract<Mutation, { kind: 'foreign-resource' | 'many-entries' }> =>
      m.kind === 'foreign-resource' || m.kind === 'many-entries';
    for (const m of r.mutations) if (structural(m)) reshapePrefetch(body, m);
    if (r.many !== null) reshapePrefetch(body, r.many);
    // Aim the path mutations at the prefetch (and the draft orders) rather than the envelope.
    const field = r.underPrefetch ? 'prefetch' : 'context';
    const innerText = mutateToText(
      body[field] as Record<string, unknown>,
      r.mutations.filter((m) => !structural(m)),
    );
    const outer = JSON.stringify({ ...body, [field]: '\u0000INNER\u0000' });
    return printable({ path: SERVICE[r.hook], body: outer.split(JSON.stringify('\u0000INNER\u0000')).join(innerText) });
  });

/** Order hooks whose draftOrders / selections are garbage. */
export const orderRequest: fc.Arbitrary<RawRequest> = fc
  .record({
    hook: fc.constantFrom<Hook>('order-select', 'order-sign'),
    seed: seedIndex,
    drafts: fc.integer({ min: 1, max: 4 }),
    selections: sometimes(
      fc.array(
        fc.oneof(
          garbage,
          safeString.map((s) => JSON.stringify(s)),
          fc.constantFrom(
            '"MedicationRequest/draft-0"',
            '"MedicationRequest/draft-0/x"',
            '"/"',
            '"MedicationRequest/"',
            '"Patient/draft-0"',
          ),
        ),
        { maxLength: 5 },
      ),
      1,
      1,
    ),
    mutations: fc.array(mutation, { minLength: 1, maxLength: 5 }),
  })
  .map((r) => {
    const seed = seeds()[r.seed % seeds().length];
    if (!seed) throw new Error('no seeds');
    const body = seedRequest(seed, r.hook, r.drafts);
    const context = body.context as Record<string, unknown>;
    const draftText = mutateToText(context.draftOrders as Record<string, unknown>, r.mutations);
    context.draftOrders = '\u0000DRAFTS\u0000';
    if (r.selections !== null) context.selections = '\u0000SELECTIONS\u0000';
    const text = JSON.stringify(body)
      .split(JSON.stringify('\u0000DRAFTS\u0000'))
      .join(draftText)
      .split(JSON.stringify('\u0000SELECTIONS\u0000'))
      .join(`[${(r.selections ?? []).join(',')}]`);
    return printable({ path: SERVICE[r.hook], body: text });
  });

/** Feedback bodies with mutations. */
export const feedbackRequest: fc.Arbitrary<RawRequest> = fc
  .record({
    hook: hookArb,
    entries: fc.integer({ min: 1, max: 3 }),
    outcome: fc.constantFrom('accepted', 'overridden'),
    mutations: fc.array(mutation, { maxLength: 4 }),
  })
  .map((r) => {
    const body = seedFeedback();
    const [first] = body.feedback as Record<string, unknown>[];
    if (first && r.outcome === 'overridden') {
      first.outcome = 'overridden';
      delete first.acceptedSuggestions;
    }
    body.feedback = Array.from({ length: r.entries }, () => structuredClone(first));
    return printable({ path: `${SERVICE[r.hook]}/feedback`, body: mutateToText(body, r.mutations) });
  });

/** Raw text: truncated, corrupted, deeply nested, odd content types and encodings. */
export const rawRequest: fc.Arbitrary<RawRequest> = fc
  .record({
    hook: hookArb,
    seed: seedIndex,
    feedback: fc.boolean(),
    edit: fc.oneof(
      fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
      fc.record({
        kind: fc.constant('insert' as const),
        at: fc.nat(),
        text: fc.oneof(
          fc.constantFrom('{', '}', '[', ']', '"', ',', ':', '\\', '\u0000', '\uFEFF', 'NaN', '-', 'e', '\n'),
          safeString,
        ),
      }),
      fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 50 }) }),
      fc.record({
        kind: fc.constant('whole' as const),
        text: fc.oneof(
          garbage,
          safeString,
          fc.constantFrom('', ' ', 'null', '"x"', '[', '{', '{"hook":', '{}}', '\uFEFF{}', '{"a":1}{"b":2}'),
        ),
      }),
      fc.record({ kind: fc.constant('none' as const) }),
    ),
    contentType: fc.constantFrom(
      'application/json',
      'application/json',
      'application/json',
      'application/fhir+json',
      'application/json; charset=utf-8',
      'application/json; charset=latin1',
      'application/json; charset=utf-16',
      'text/plain',
      'application/x-www-form-urlencoded',
      '',
    ),
  })
  .map((r) => {
    const seed = seeds()[r.seed % seeds().length];
    if (!seed) throw new Error('no seeds');
    let text = r.feedback ? JSON.stringify(seedFeedback()) : JSON.stringify(seedRequest(seed, r.hook));
    const e = r.edit;
    if (e.kind === 'truncate') text = text.slice(0, e.at % text.length);
    if (e.kind === 'insert') text = `${text.slice(0, e.at % text.length)}${e.text}${text.slice(e.at % text.length)}`;
    if (e.kind === 'delete')
      text = `${text.slice(0, e.at % text.length)}${text.slice((e.at % text.length) + e.length)}`;
    if (e.kind === 'whole') text = e.text;
    return printable({
      path: `${SERVICE[r.hook]}${r.feedback ? '/feedback' : ''}`,
      body: text,
      contentType: r.contentType,
    });
  });
