import { describe, expect, test } from '@jest/globals';
import { EVIDENCE, evidenceUrl, NODES, NODE_IDS, RULES, RULE_IDS, SPECIALTY_STATEMENTS, type EvidenceKey } from '../../../src/pathway/index.js';

const PM = (id: string): string => `https://pubmed.ncbi.nlm.nih.gov/${id}/`;
const EXPECTED_LINKS: Readonly<Record<EvidenceKey, string | undefined>> = {
  'LMS-04': PM('35835135'),
  'LMS-04-OS': PM('39231341'),
  'EORTC-62012': PM('24618336'),
  GEDDIS: PM('28882536'),
  'MAKI-2007': PM('17602081'),
  'DEMETRI-2016': PM('26371143'),
  PALETTE: 'https://doi.org/10.1016/S0140-6736(12)60651-5',
  'SCHOFFSKI-2016': PM('26874885'),
  'SU2C-SARC032': 'https://doi.org/10.1016/S0140-6736(24)01812-9',
  'STRASS-2020': PM('32941794'),
  'OSULLIVAN-2002': PM('12103287'),
  'YANG-1998': PM('9440743'),
  'ISG-STS-1001': undefined,
  ANNOUNCE: PM('32259228'),
  'DEFI-2023': PM('36884323'),
  'CHEN-2023': PM('37672694'),
  'ESMO-GUIDELINE': undefined,
  'NCCN-STS': undefined,
  'CT-GOV-STS': 'https://clinicaltrials.gov/search?cond=soft%20tissue%20sarcoma',
  'NCI-STS-RESEARCH': 'https://www.cancer.gov/types/soft-tissue-sarcoma/research',
  'NCI-2024-LMS': 'https://www.cancer.gov/news-events/cancer-currents-blog/2024/leiomyosarcoma-yondelis-doxorubicin-improve-survival',
  'NCI-2024-GIST-IMATINIB': 'https://www.cancer.gov/news-events/cancer-currents-blog/2024/gist-uninterrupted-gleevec-treatment',
  'NCI-2023-ASPS': 'https://www.cancer.gov/news-events/cancer-currents-blog/2023/atezolizumab-effective-alveolar-soft-part-sarcoma',
  'NCI-2023-NIROGACESTAT': 'https://www.cancer.gov/news-events/cancer-currents-blog/2023/nirogacestat-shrinks-desmoid-tumors',
  'NCI-2022-ASPS': 'https://www.cancer.gov/news-events/press-releases/2022/nci-trial-atezolizumab-approval-alveolar-soft-part-sarcoma',
  'NCI-2020-KAPOSI': 'https://www.cancer.gov/news-events/cancer-currents-blog/2020/kaposi-sarcoma-aids-paclitaxel-clinical-trial',
  'NCI-2020-AVAPRITINIB': 'https://www.cancer.gov/news-events/cancer-currents-blog/2020/avapritinib-gist-pdgfra-alteration-fda-approval',
  'NCI-2018-SORAFENIB': 'https://www.cancer.gov/news-events/press-releases/2018/sorafenib-desmoid-trial',
  'NCI-2016-ERIBULIN': 'https://www.cancer.gov/news-events/cancer-currents-blog/2016/fda-eribulin-mesylate',
  'NCI-2016-OLARATUMAB': 'https://www.cancer.gov/news-events/cancer-currents-blog/2016/fda-olaratumab-sarcoma',
  'DOXORUBICIN-LABEL': undefined,
  'EPIRUBICIN-LABEL': undefined,
  'DEXRAZOXANE-LABEL': undefined,
  'IFOSFAMIDE-LABEL': undefined,
  'PAZOPANIB-LABEL': undefined,
  'TRABECTEDIN-LABEL': undefined,
  'DOCETAXEL-LABEL': undefined,
  SARC028: 'https://doi.org/10.1016/S1470-2045(17)30624-1',
  ANGIOTAX: undefined,
};

describe('evidence', () => {
  test('links every §8 reference exactly as PATHWAY.md gives it, and text-only ones not at all', () => {
    expect(Object.keys(EVIDENCE).sort()).toEqual(Object.keys(EXPECTED_LINKS).sort());
    for (const key of Object.keys(EXPECTED_LINKS) as EvidenceKey[]) {
      expect([key, evidenceUrl(key)]).toEqual([key, EXPECTED_LINKS[key]]);
    }
  });

  test('URL-encodes the ClinicalTrials.gov search term', () => {
    expect(evidenceUrl('CT-GOV-STS', 'Leiomyosarcoma, NOS')).toBe('https://clinicaltrials.gov/search?cond=Leiomyosarcoma%2C%20NOS');
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
