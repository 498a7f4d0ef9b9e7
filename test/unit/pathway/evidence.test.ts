import { describe, expect, test } from '@jest/globals';
import {
  EVIDENCE,
  evidenceUrl,
  NODES,
  NODE_IDS,
  RULES,
  RULE_IDS,
  SPECIALTY_STATEMENTS,
  type EvidenceKey,
} from '../../../src/pathway/index.js';

import { readFileSync } from 'node:fs';

/** The §8 table of docs/PATHWAY.md: key to its link (PMID, DOI or URL), undefined for "text only". */
function specLinks(): Map<string, string | undefined> {
  const spec = readFileSync(new URL('../../../docs/PATHWAY.md', import.meta.url), 'utf8');
  const section = spec.slice(spec.indexOf('## 8. Evidence'), spec.indexOf('## 9.'));
  const out = new Map<string, string | undefined>();
  for (const line of section.split('\n').filter((l) => l.startsWith('| `'))) {
    const cells = line.split('|').map((c) => c.trim());
    const key = /`([^`]+)`/.exec(cells[1] ?? '')?.[1] ?? '';
    const link = cells[cells.length - 2] ?? '';
    const pmid = /^PMID (\d+)$/.exec(link)?.[1];
    const doi = /^DOI (\S+)$/.exec(link)?.[1];
    const url = /^`(https:[^`<]+)(<[^>]+>)?`/.exec(link);
    out.set(
      key,
      pmid !== undefined
        ? `https://pubmed.ncbi.nlm.nih.gov/${pmid}/`
        : doi !== undefined
          ? `https://doi.org/${doi}`
          : url !== null
            ? `${url[1]}${url[2] !== undefined ? 'soft%20tissue%20sarcoma' : ''}`
            : undefined,
    );
  }
  return out;
}
const EXPECTED_LINKS = specLinks();

describe('evidence', () => {
  test('links every §8 reference exactly as PATHWAY.md gives it, and text-only ones not at all', () => {
    expect(Object.keys(EVIDENCE).sort()).toEqual([...EXPECTED_LINKS.keys()].sort());
    for (const [key, link] of EXPECTED_LINKS) expect([key, evidenceUrl(key as EvidenceKey)]).toEqual([key, link]);
  });

  test('URL-encodes the ClinicalTrials.gov search term', () => {
    expect(evidenceUrl('CT-GOV-STS', 'Leiomyosarcoma, NOS')).toBe(
      'https://clinicaltrials.gov/search?cond=Leiomyosarcoma%2C%20NOS',
    );
  });

  test('labels a trial by first author, journal and year', () => {
    expect(EVIDENCE['LMS-04'].label).toBe('Pautier, Lancet Oncol, 2022');
    expect(EVIDENCE['LMS-04'].citation).toBe('Pautier P et al. Lancet Oncol 2022;23(8):1044-1054');
  });

  test('every evidence key used by a node, rule or specialty statement exists', () => {
    const used = [
      ...NODE_IDS.flatMap((id) => NODES[id].evidence),
      ...RULE_IDS.flatMap((id) => RULES[id].evidence),
      ...Object.values(SPECIALTY_STATEMENTS).flatMap((s) => s.evidence),
    ];
    for (const key of used) expect(EVIDENCE[key]?.key).toBe(key);
  });
});
