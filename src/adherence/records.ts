/**
 * What one hook response leaves in the adherence store: its cards (topic, indicator, suggestions) and, at order time,
 * each drafted drug with its classification. Built on the request path from the response the EHR gets; holds no
 * patient id, user id, token or chart text (patient and user are pseudonyms).
 */
import { randomUUID } from 'node:crypto';
import type { OrderCardKind } from '../cql/decision.js';
import type { CdsRequest, CdsResponse } from '../shared/cds-hooks.js';
import { PATHWAY_VERSION, SYSTEMS, type DrugKey } from '../pathway/index.js';
import { classifyOrderCard, type Classification } from './classify.js';
import type { Pseudonymize } from './pseudonym.js';

/** One order card as the order hooks built it: the card's uuid, its kind and the drugs of the drafts it judges. */
export interface OrderCardNote {
  readonly uuid: string;
  readonly kind: OrderCardKind;
  readonly topic: string;
  readonly drugs: readonly DrugKey[];
}

export interface CardRecord {
  readonly uuid: string;
  readonly topic: string;
  readonly indicator: string;
  readonly suggestions: readonly { readonly uuid: string; readonly label: string }[];
}

export interface DraftRecord {
  readonly cardUuid: string;
  readonly drug: DrugKey;
  readonly classification: Classification;
}

export interface ResponseRecord {
  /** Random: the same record written twice (a batch retried after an unacknowledged commit) is counted once. */
  readonly id: string;
  readonly recordedAt: string;
  readonly service: string;
  readonly hook: string;
  readonly hookInstance: string;
  readonly pathwayVersion: string;
  readonly patient: string | undefined;
  readonly user: string | undefined;
  readonly cards: readonly CardRecord[];
  readonly drafts: readonly DraftRecord[];
}

const LABEL_MAX = 300;

/** The node or rule id of a card's `source.topic` (only topics of the pathway's CodeSystem). */
const topicOf = (topic: { system?: string; code: string } | undefined): string =>
  topic !== undefined && topic.system === SYSTEMS.pathwayNode ? topic.code : '';

/** The record of one hook response. */
export function buildResponseRecord(
  service: string,
  request: CdsRequest,
  response: CdsResponse,
  orderCards: readonly OrderCardNote[],
  pseudonymize: Pseudonymize,
  now: Date,
): ResponseRecord {
  const cards: CardRecord[] = response.cards.flatMap((card) =>
    card.uuid === undefined
      ? []
      : [
          {
            uuid: card.uuid,
            topic: topicOf(card.source.topic),
            indicator: card.indicator,
            suggestions: (card.suggestions ?? []).flatMap((s) =>
              s.uuid !== undefined ? [{ uuid: s.uuid, label: s.label.slice(0, LABEL_MAX) }] : [],
            ),
          },
        ],
  );
  const shown = new Set(cards.map((c) => c.uuid));
  const drafts: DraftRecord[] = orderCards.flatMap((note) => {
    const classification = classifyOrderCard(note.kind, note.topic);
    if (classification === undefined || !shown.has(note.uuid)) return [];
    return [...new Set(note.drugs)].map((drug) => ({ cardUuid: note.uuid, drug, classification }));
  });
  return {
    id: randomUUID(),
    recordedAt: now.toISOString(),
    service,
    hook: request.hook,
    hookInstance: request.hookInstance,
    pathwayVersion: PATHWAY_VERSION,
    patient: pseudonymize(request.fhirServer, request.context.patientId),
    user: pseudonymize(request.fhirServer, request.context.userId),
    cards,
    drafts,
  };
}
