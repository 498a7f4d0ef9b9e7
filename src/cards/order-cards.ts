/**
 * Order-time cards (order-select, order-sign): PATHWAY.md §5 "Order-select / order-sign classification" and rule cards.
 */
import { randomUUID } from 'node:crypto';
import type { DraftDoseFact } from '../cql/decision.js';
import type { FactEntry, WordedOrderCard, WordedOrderDecision } from './worded.js';
import type { Action, Card, Coding, Suggestion } from '../shared/cds-hooks.js';
import { CdsError, internalError } from '../errors.js';
import {
  BILIRUBIN_DRUG_SENTENCES,
  CARDIAC_RULES,
  DRUGS,
  HISTOLOGY_SPECIFIC_OPTIONS,
  NODES,
  OVERRIDE_REASONS,
  RULE_DETAILS,
  RULES,
  SAFETY_TEXTS,
  SOURCE_LABEL,
  isDrugKey,
  isRuleId,
  lvefText,
  mg,
  notCountedWords,
  topicOf,
  type DrugKey,
  type EvidenceKey,
  type NodeId,
  type RuleId,
  nodeTitle,
} from '../pathway/index.js';
import { docUrl, isNodeId, type CardContext } from './context.js';
import { basedOn, bullets, citations, factsExtension, paragraphs } from './detail.js';
import { evidenceLinks, textCitations } from './evidence.js';
import { createActions, isOrderable, orderWords, type ResourceContext } from './resources.js';
import { escapeMarkdown, fitPlain, fitSummary } from './text.js';

/** A draft MedicationRequest of the request, as the order cards name and delete it. */
export interface DraftInfo {
  /** MedicationRequest id in `context.draftOrders`. */
  readonly id: string;
  readonly drug: DrugKey;
  readonly liposomal: boolean;
}

/** The order-time card context: the request's recognised drafts. */
export interface OrderCardContext extends CardContext {
  readonly drafts: readonly DraftInfo[];
}

const coding = (r: (typeof OVERRIDE_REASONS)[number]): Coding => ({
  system: r.system,
  code: r.code,
  ...(r.display !== undefined ? { display: r.display } : {}),
});

/** The code of the §5 override reason offered only on the cardiac rules' cards. */
const CARDIO_ONCOLOGY_CLEARED = 'cardio-oncology-cleared';

/** §5 override reasons as CDS Hooks codings, for a card of `topic`: `cardio-oncology-cleared` only on the cardiac rules. */
export function overrideCodings(topic: NodeId | RuleId): Coding[] {
  const cardiac = isRuleId(topic) && CARDIAC_RULES.includes(topic);
  return OVERRIDE_REASONS.filter((r) => cardiac || r.code !== CARDIO_ONCOLOGY_CLEARED).map(coding);
}

/** The fact the F7 item 8 sentence is added to (src/cards/fact-entries.ts `cumulativeFact`). */
const CUMULATIVE_FACT = 'Cumulative doxorubicin';

/** The regimen whose drugs make the pathway order "gemcitabine + docetaxel first" (§5 step 6). */
const SECOND_LINE: NodeId = 'M-2L-GEM-DOCE';

const fail = (why: string): never => {
  throw new CdsError(internalError(), { cause: new Error(why) });
};

const nodeOf = (id: string): NodeId => (isNodeId(id) ? id : fail(`Order decision names unknown node '${id}'`));
const ruleOf = (id: string): RuleId => (isRuleId(id) ? id : fail(`Order decision names unknown rule '${id}'`));

/** "doxorubicin (liposomal) + ifosfamide" for the drafts a card is about. */
function draftNames(card: WordedOrderCard, ctx: OrderCardContext): string {
  const names = card.draftIds.map((id) => {
    const d = ctx.drafts.find((x) => x.id === id);
    if (!d) return `MedicationRequest/${id}`;
    return `${DRUGS[d.drug].name}${d.liposomal ? ' (liposomal)' : ''}`;
  });
  return [...new Set(names)].join(' + ') || 'the drafted order';
}

const positionTitle = (card: WordedOrderCard, ctx: OrderCardContext): string =>
  card.position !== undefined ? nodeTitle(nodeOf(card.position), ctx.thresholds) : 'not determined';

const capitalize = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);

interface Rendered {
  readonly summary: string;
  readonly lines: readonly string[];
  readonly evidence: readonly EvidenceKey[];
}

/** Fills the `{name}` placeholders of a rule summary; an unknown one stays visible rather than silently empty. */
const fillBraces = (template: string, values: Readonly<Record<string, string>>): string =>
  template.replace(/\{([^{}]+)\}/g, (m, k: string) => values[k] ?? m);

const fillAngles = (template: string, values: Readonly<Record<string, string>>): string =>
  template.replace(/<(\w+)>/g, (m, k: string) => values[k] ?? m);

/**
 * The variant of a rule's summary that applies (§5: the first that applies). S-DOXO-CUMULATIVE-WARN: (1) P reaches
 * the critical value, (2) N plus the drafts' convertible dose does, (3) the total is "at least", (4) N >= warn.
 */
function summaryVariant(
  rule: RuleId,
  values: Readonly<Record<string, string>>,
  decision: WordedOrderDecision,
  ctx: OrderCardContext,
): number {
  if (rule === 'S-TRAB-LVEF') return values.lvefLow === 'true' ? 0 : 1;
  const c = decision.cumulative;
  if (rule === 'S-DOXO-CUMULATIVE-WARN' && c !== undefined) {
    const critical = ctx.thresholds?.cumulativeDoxoCriticalMgM2 ?? Number(values.cumulativeDoxoCriticalMgM2);
    if (c.possible >= critical) return 0;
    if (c.nPlusD !== undefined && c.nPlusD >= critical) return 1;
    return c.known ? 3 : 2;
  }
  return 0;
}

/** The anthracycline drafts of a card with their doses (F7 item 8). */
const cardDoses = (card: WordedOrderCard, decision: WordedOrderDecision): readonly DraftDoseFact[] =>
  (decision.cumulative?.drafts ?? []).filter((d) => card.draftIds.includes(d.id));

/**
 * F7 item 8: "after this order: [at least] N + d mg/m²" when the card's anthracycline drafts have a convertible dose,
 * else "dose of this order not convertible (<why>)"; undefined for a card without an anthracycline draft.
 */
function afterThisOrder(card: WordedOrderCard, decision: WordedOrderDecision): string | undefined {
  const c = decision.cumulative;
  const doses = cardDoses(card, decision);
  if (c === undefined || doses.length === 0) return undefined;
  const convertible = doses.filter((d) => d.mgM2 !== undefined);
  const notConvertible = doses.filter((d) => d.mgM2 === undefined);
  const why = (d: DraftDoseFact): string => {
    const words = notCountedWords(d.reason?.code ?? 'noDose', d.reason?.unit);
    return fillAngles(SAFETY_TEXTS.doseNotConvertible, {
      why: doses.length > 1 ? `${draftLabel(d.drug)}: ${words}` : words,
    });
  };
  if (convertible.length === 0) return notConvertible.map(why).join('; ');
  const total = convertible.reduce((sum, d) => sum + (d.mgM2 ?? 0), c.n);
  const after = fillAngles(doses.length > 1 ? SAFETY_TEXTS.afterTheseOrders : SAFETY_TEXTS.afterThisOrder, {
    atLeast: c.known && notConvertible.length === 0 ? '' : 'at least ',
    total: mg(total),
  });
  const others = [...new Set(convertible.filter((d) => d.drug !== 'doxorubicin').map((d) => draftLabel(d.drug)))].map(
    (drug) => fillAngles(SAFETY_TEXTS.draftCountedAsRecorded, { drug }),
  );
  return [after, ...others, ...notConvertible.map(why)].join('; ');
}

const draftLabel = (drug: string): string => (isDrugKey(drug) ? DRUGS[drug].name : drug);

/** The values a rule card's summary names: the decision's, the §9 thresholds, the card's drafted drugs. */
function ruleValues(
  card: WordedOrderCard,
  decision: WordedOrderDecision,
  ctx: OrderCardContext,
  rule: RuleId,
): Record<string, string> {
  const v = decision.values ?? {};
  const drugs = capitalize(draftNames(card, ctx));
  const lvefRule = rule === 'S-DOXO-LVEF';
  return {
    ...Object.fromEntries(Object.entries(ctx.thresholds ?? {}).map(([k, x]) => [k, String(x)])),
    ...v,
    // A fraction read as % (0.58 x 100) is not an exact binary number: the card shows it to one decimal.
    ...(v.lvef !== undefined && v.lvef !== '' && Number.isFinite(Number(v.lvef))
      ? { lvef: lvefText(Number(v.lvef), v.lvefComparator) }
      : {}),
    drug: drugs,
    combination: drugs,
    // "Eribulin for Synovial sarcoma, NOS (9040/3)": the name a clinician reads, with the code the rule judged.
    histology:
      v.histology === undefined
        ? 'this histology'
        : v.histologyName !== undefined && v.histologyName !== ''
          ? `${v.histologyName} (${v.histology})`
          : v.histology,
    date:
      lvefRule || rule === 'S-TRAB-LVEF'
        ? (v.lvefDate ?? '')
        : rule === 'S-BILIRUBIN-HIGH'
          ? (v.bilirubinDate ?? '')
          : (v.ecogDate ?? ''),
    reason: rule === 'S-TRAB-LVEF' ? (v.trabReason ?? '') : (v.reason ?? ''),
    value: v.bilirubin ?? '',
    unit: v.bilirubinUnit ?? '',
  };
}

/**
 * The §5 detail sentences of a rule card beyond its summary: S-DOXO-CUMULATIVE-WARN's, with the F7 sentence on other
 * anthracyclines when one was received or is drafted; S-BILIRUBIN-HIGH's per drug.
 */
function ruleDetail(
  rule: RuleId,
  card: WordedOrderCard,
  decision: WordedOrderDecision,
  ctx: OrderCardContext,
): string[] {
  if (rule === 'S-DOXO-CUMULATIVE-WARN') {
    const others =
      decision.cumulative?.otherAnthracyclines === true ||
      cardDoses(card, decision).some((d) => d.drug !== 'doxorubicin');
    return [RULE_DETAILS['S-DOXO-CUMULATIVE-WARN'], ...(others ? [RULE_DETAILS.otherAnthracyclines] : [])];
  }
  if (rule === 'S-BILIRUBIN-HIGH') {
    const drugs = new Set(card.draftIds.flatMap((id) => ctx.drafts.find((d) => d.id === id)?.drug ?? []));
    return [...drugs].flatMap((d) => BILIRUBIN_DRUG_SENTENCES[d] ?? []);
  }
  return [];
}

/** Summary, opening lines and evidence of one order card, by kind. */
function render(card: WordedOrderCard, decision: WordedOrderDecision, ctx: OrderCardContext): Rendered {
  const drafts = draftNames(card, ctx);
  const alternatives = card.alternatives.map((a) => nodeTitle(nodeOf(a), ctx.thresholds));
  const options =
    alternatives.length > 0
      ? `On-pathway options (each suggestion below replaces the draft): ${alternatives.join('; ')}.`
      : 'No on-pathway regimen can be suggested in its place.';
  switch (card.kind) {
    case 'on-pathway': {
      const node = nodeOf(card.topic);
      return {
        summary: fitPlain(`On the STS pathway: ${nodeTitle(node, ctx.thresholds)}`),
        lines: [`**On the STS pathway: ${nodeTitle(node, ctx.thresholds)}.** Drafted: ${drafts}.`],
        evidence: NODES[node].evidence,
      };
    }
    case 'next-step-early': {
      const node = nodeOf(card.topic);
      // §5 step 5 "<current>": the node the current regimen matches, else its drugs as the facts name them.
      const currentDrugs = decision.facts.find((f) => f.fact === 'Current regimen')?.value;
      const current =
        card.position !== undefined
          ? nodeTitle(nodeOf(card.position), ctx.thresholds)
          : currentDrugs !== undefined && currentDrugs !== '' && !currentDrugs.startsWith('none')
            ? currentDrugs
            : 'the current regimen';
      // §5 step 5: "Progression recorded on <date>" instead of the request to confirm it when F10 finds one after the
      // current regimen's start.
      const progressed = decision.values?.progressionDate;
      const text =
        progressed !== undefined && progressed !== ''
          ? fillAngles(SAFETY_TEXTS.nextStepEarly, { current }).replace(
              /confirm progression or intolerance$/,
              fillAngles(SAFETY_TEXTS.nextStepProgression, { date: progressed }),
            )
          : fillAngles(SAFETY_TEXTS.nextStepEarly, { current });
      return {
        summary: fitPlain(text),
        lines: [`**${text}.** Drafted: ${drafts}, a drug of "${nodeTitle(node, ctx.thresholds)}".`],
        evidence: NODES[node].evidence,
      };
    }
    case 'later-line-early': {
      const node = nodeOf(card.topic);
      const first = orderWords(SECOND_LINE);
      return {
        summary: fitSummary('Ordered before ', first, ': ', nodeTitle(node, ctx.thresholds)),
        lines: [
          `**${nodeTitle(node, ctx.thresholds)}: ordered at line 2.** Drafted: ${drafts}.`,
          `${capitalize(SAFETY_TEXTS.laterLineEarly)}.`,
        ],
        evidence: NODES[node].evidence,
      };
    }
    case 'off-pathway':
      return {
        summary: fitSummary(`${nodeTitle('OFF-PATHWAY', ctx.thresholds)}: `, drafts, '', ''),
        lines: [
          `**${nodeTitle('OFF-PATHWAY', ctx.thresholds)}.** Drafted: ${drafts}.`,
          `Pathway position: ${positionTitle(card, ctx)}.`,
          options,
        ],
        evidence: [],
      };
    case 'histology-specific': {
      const option = HISTOLOGY_SPECIFIC_OPTIONS.find((o) => card.notes.includes(o.drug));
      const histology = decision.values?.histology;
      const title = nodeTitle('HISTOLOGY-SPECIFIC-OPTION', ctx.thresholds);
      return {
        summary: fitSummary(`${title}: `, drafts, '', ''),
        lines: [
          `**${title}.** Drafted: ${drafts}${histology !== undefined ? ` (histology ${histology})` : ''}.`,
          ...(option ? [option.sentence] : []),
          `Pathway position: ${positionTitle(card, ctx)}.`,
        ],
        evidence: option?.evidence ?? [],
      };
    }
    case 'position-unknown': {
      const text = fillAngles(SAFETY_TEXTS.positionUnknown, { position: positionTitle(card, ctx) });
      return { summary: fitPlain(text), lines: [`**${text}.** Drafted: ${drafts}.`], evidence: [] };
    }
    case 'pediatric': {
      const title = nodeTitle('X-PEDIATRIC', ctx.thresholds);
      return {
        summary: fitPlain(title),
        lines: [`**${title}.** Drafted: ${drafts}.`, SAFETY_TEXTS.pediatricOrder],
        evidence: NODES['X-PEDIATRIC'].evidence,
      };
    }
    case 'rule': {
      const id = ruleOf(card.topic);
      const rule = RULES[id];
      const values = ruleValues(card, decision, ctx, id);
      const summary = fillBraces(
        rule.summary[summaryVariant(id, values, decision, ctx)] ?? rule.summary[0] ?? rule.title,
        values,
      );
      return {
        summary: fitPlain(summary),
        lines: [
          `**${summary}.** Drafted: ${drafts}.`,
          ...ruleDetail(id, card, decision, ctx),
          ...(rule.kind === 'blocking' ? [options] : []),
        ],
        evidence: ruleEvidence(id, card, ctx),
      };
    }
  }
}

/** S-BILIRUBIN-HIGH: each §5 label is its drug's; a card cites only the labels of the drugs it is about. */
const BILIRUBIN_LABELS: Readonly<Partial<Record<DrugKey, EvidenceKey>>> = {
  docetaxel: 'DOCETAXEL-LABEL',
  trabectedin: 'TRABECTEDIN-LABEL',
  pazopanib: 'PAZOPANIB-LABEL',
  doxorubicin: 'DOXORUBICIN-LABEL',
};

/** A rule card's evidence (§5 evidence column), narrowed to the card's drugs for S-BILIRUBIN-HIGH. */
function ruleEvidence(rule: RuleId, card: WordedOrderCard, ctx: OrderCardContext): readonly EvidenceKey[] {
  if (rule !== 'S-BILIRUBIN-HIGH') return RULES[rule].evidence;
  const labels = new Set(
    card.draftIds.flatMap((id) => {
      const drug = ctx.drafts.find((d) => d.id === id)?.drug;
      return drug !== undefined ? (BILIRUBIN_LABELS[drug] ?? []) : [];
    }),
  );
  return RULES[rule].evidence.filter((e) => labels.has(e));
}

/** Suggestions replacing the drafts with each alternative node: delete the drafts, create the node's orders. */
function replacements(card: WordedOrderCard, decision: WordedOrderDecision, ctx: OrderCardContext): Suggestion[] {
  const res: ResourceContext = {
    patientRef: ctx.patientRef,
    now: ctx.now,
    ...(decision.stsConditions[0] !== undefined ? { reasonRef: decision.stsConditions[0] } : {}),
    ...(ctx.thresholds !== undefined ? { thresholds: ctx.thresholds } : {}),
  };
  // One delete per draft, resourceId a string (CDS Hooks 2.0 Action); the creates come first, since a client that
  // applies only the first action (the CDS Hooks sandbox) must not just delete the draft.
  const removals: Action[] = card.draftIds.map((id) => ({
    type: 'delete',
    description: `Remove the draft order (${draftNames({ ...card, draftIds: [id] }, ctx)})`,
    resourceId: `MedicationRequest/${id}`,
  }));
  return card.alternatives
    .map(nodeOf)
    .filter(isOrderable)
    .map((node) => {
      const uuid = randomUUID();
      return {
        label: `Replace with ${nodeTitle(node, ctx.thresholds)}`,
        uuid,
        actions: [...createActions(node, uuid, res), ...removals],
      };
    });
}

/** The topic of an order card: a node, or a rule for rule cards. */
function topicIdOf(card: WordedOrderCard): NodeId | RuleId {
  return card.kind === 'rule' ? ruleOf(card.topic) : nodeOf(card.topic);
}

/** The decision's notes that do not repeat what the card's opening lines already say (e.g. the step-6 sentence). */
function notesBeyond(lines: readonly string[], notes: readonly string[]): string[] {
  const said = lines.join(' ').toLowerCase();
  return notes.filter((n) => !said.includes(n.toLowerCase().replace(/\s*\(.*\)\s*$/, '')));
}

/** One order-time card. */
export function buildOrderCard(card: WordedOrderCard, decision: WordedOrderDecision, ctx: OrderCardContext): Card {
  const topic = topicIdOf(card);
  const rendered = render(card, decision, ctx);
  const after = afterThisOrder(card, decision);
  // F7 item 8: the drafted dose is never added to N; the card's cumulative fact says where this order would bring it.
  const facts: readonly FactEntry[] = (card.facts.length > 0 ? card.facts : decision.facts).map((f) =>
    after !== undefined && f.fact === CUMULATIVE_FACT ? { ...f, value: `${f.value}; ${after}` } : f,
  );
  const offersReplacements =
    card.kind === 'off-pathway' || (card.kind === 'rule' && isRuleId(topic) && RULES[topic].kind === 'blocking');
  const suggestions = offersReplacements ? replacements(card, decision, ctx) : [];
  const links = evidenceLinks(rendered.evidence, decision.facts);
  const url = docUrl(ctx, topic);
  const overridable = card.indicator === 'warning' || card.indicator === 'critical';
  return {
    uuid: randomUUID(),
    summary: rendered.summary,
    detail: paragraphs([
      rendered.lines.join('\n\n'),
      bullets(notesBeyond(rendered.lines, card.notes).map(escapeMarkdown)),
      citations(textCitations(rendered.evidence)),
      basedOn(facts),
    ]),
    indicator: card.indicator,
    source: { label: SOURCE_LABEL, ...(url !== undefined ? { url } : {}), topic: topicOf(topic, ctx.thresholds) },
    ...(suggestions.length > 0 ? { suggestions, selectionBehavior: 'at-most-one' as const } : {}),
    ...(overridable ? { overrideReasons: overrideCodings(topic) } : {}),
    ...(links.length > 0 ? { links } : {}),
    extension: factsExtension(facts),
  };
}

/** The order-time cards of a decision: none without an STS Condition. */
export function buildOrderCards(decision: WordedOrderDecision, ctx: OrderCardContext): Card[] {
  if (!decision.hasSts) return [];
  return decision.cards.map((c) => buildOrderCard(c, decision, ctx));
}
