/**
 * The data the server embeds in the page (`<script type="application/json" id="page-data">`), built from src/pathway.
 */
import { isRecord } from './dom.js';

export interface PageEdge {
  readonly id: string;
  readonly from: string;
  readonly to: string;
}

export interface PageData {
  /** Boxes every path starts from (the patient entry first). */
  readonly roots: readonly string[];
  readonly edges: readonly PageEdge[];
  /** Card extension URL of the facts list (PATHWAY.md §1). */
  readonly factsExtension: string;
  /** Code system of card topics (node and rule ids). */
  readonly topicSystem: string;
  readonly services: { readonly patientView: string; readonly orderSelect: string };
  /** Drug key -> ingredient name and RxNorm coding to put on a drafted MedicationRequest. */
  readonly drugs: Readonly<
    Record<
      string,
      {
        readonly name: string;
        readonly rxnorm?: { readonly system: string; readonly code: string; readonly display?: string };
      }
    >
  >;
}

const isPageData = (v: unknown): v is PageData =>
  isRecord(v) &&
  Array.isArray(v.roots) &&
  Array.isArray(v.edges) &&
  typeof v.factsExtension === 'string' &&
  typeof v.topicSystem === 'string' &&
  isRecord(v.services) &&
  isRecord(v.drugs);

/** Reads the embedded page data; throws if the shell is broken (a server bug, not user input). */
export function readPageData(): PageData {
  const text = document.getElementById('page-data')?.textContent ?? '';
  const data: unknown = JSON.parse(text);
  if (!isPageData(data)) throw new Error('page data missing or malformed');
  return data;
}
