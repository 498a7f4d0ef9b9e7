/**
 * CDS Hooks 2.0 wire shapes (https://cds-hooks.hl7.org/2.0/), as this service sends and receives them: the request
 * http/ validates, the cards cards/ builds, the response hooks/ returns and adherence/ records.
 */
import type { FhirResource } from 'fhir/r4.js';

/** https://cds-hooks.hl7.org/2.0/#response (Discovery: one service). */
export interface CdsServiceDefinition {
  readonly hook: string;
  readonly id: string;
  readonly title: string;
  readonly description: string;
  readonly prefetch: Readonly<Record<string, string>>;
  readonly usageRequirements?: string;
}

/** https://cds-hooks.hl7.org/2.0/#http-request */
export interface CdsRequest {
  readonly hook: string;
  readonly hookInstance: string;
  readonly fhirServer?: string;
  readonly fhirAuthorization?: FhirAuthorization;
  readonly context: Readonly<Record<string, unknown>>;
  readonly prefetch?: Readonly<Record<string, unknown>>;
}

/** https://cds-hooks.hl7.org/2.0/#passing-the-access-token-to-the-cds-service */
export interface FhirAuthorization {
  readonly access_token: string;
  readonly token_type: string;
  readonly expires_in: number;
  readonly scope: string;
  readonly subject: string;
  readonly patient?: string;
}

/** https://cds-hooks.hl7.org/2.0/#source */
export interface Coding {
  readonly system?: string;
  readonly code: string;
  readonly display?: string;
}

export interface CardSource {
  readonly label: string;
  readonly url?: string;
  readonly icon?: string;
  readonly topic?: Coding;
}

/** https://cds-hooks.hl7.org/2.0/#action */
export interface Action {
  readonly type: 'create' | 'update' | 'delete';
  readonly description: string;
  readonly resource?: FhirResource;
  /** CDS Hooks 2.0 Action: one resource, "Type/id" (a string). */
  readonly resourceId?: string;
}

/** https://cds-hooks.hl7.org/2.0/#suggestion */
export interface Suggestion {
  readonly label: string;
  readonly uuid?: string;
  readonly isRecommended?: boolean;
  readonly actions?: readonly Action[];
}

/** https://cds-hooks.hl7.org/2.0/#link */
export interface Link {
  readonly label: string;
  readonly url: string;
  readonly type: 'absolute' | 'smart';
  readonly appContext?: string;
}

export type Indicator = 'info' | 'warning' | 'critical';

/** https://cds-hooks.hl7.org/2.0/#card-attributes */
export interface Card {
  readonly uuid?: string;
  readonly summary: string;
  readonly detail?: string;
  readonly indicator: Indicator;
  readonly source: CardSource;
  readonly suggestions?: readonly Suggestion[];
  readonly selectionBehavior?: 'at-most-one' | 'any';
  readonly overrideReasons?: readonly Coding[];
  readonly links?: readonly Link[];
  readonly extension?: Readonly<Record<string, unknown>>;
}

/** https://cds-hooks.hl7.org/2.0/#cds-service-response */
export interface CdsResponse {
  readonly cards: readonly Card[];
  readonly systemActions?: readonly Action[];
}
