/**
 * Evidence references of PATHWAY.md §8 (links only where §8 gives a verified PMID, DOI or URL).
 */

/** Keys of the §8 evidence table. */
export type EvidenceKey =
  | 'LMS-04'
  | 'LMS-04-OS'
  | 'EORTC-62012'
  | 'GEDDIS'
  | 'MAKI-2007'
  | 'DEMETRI-2016'
  | 'PALETTE'
  | 'SCHOFFSKI-2016'
  | 'SU2C-SARC032'
  | 'STRASS-2020'
  | 'OSULLIVAN-2002'
  | 'YANG-1998'
  | 'ISG-STS-1001'
  | 'ANNOUNCE'
  | 'DEFI-2023'
  | 'CHEN-2023'
  | 'ESMO-GUIDELINE'
  | 'NCCN-STS'
  | 'CT-GOV-STS'
  | 'NCI-STS-RESEARCH'
  | 'NCI-2024-LMS'
  | 'NCI-2024-GIST-IMATINIB'
  | 'NCI-2023-ASPS'
  | 'NCI-2023-NIROGACESTAT'
  | 'NCI-2022-ASPS'
  | 'NCI-2020-KAPOSI'
  | 'NCI-2020-AVAPRITINIB'
  | 'NCI-2018-SORAFENIB'
  | 'NCI-2016-ERIBULIN'
  | 'NCI-2016-OLARATUMAB'
  | 'DOXORUBICIN-LABEL'
  | 'EPIRUBICIN-LABEL'
  | 'DEXRAZOXANE-LABEL'
  | 'IFOSFAMIDE-LABEL'
  | 'PAZOPANIB-LABEL'
  | 'TRABECTEDIN-LABEL'
  | 'ERIBULIN-LABEL'
  | 'LMS-02'
  | 'HENSLEY-GOG-2008'
  | 'DOCETAXEL-LABEL'
  | 'SARC028'
  | 'ANGIOTAX';

/**
 * One §8 reference; without `url` (and `urlFor`) it is cited as text only. `citation` is what a card shows: the
 * reference column without what §8 marks "to verify" (a label is cited by its name; its summary stays in §8).
 */
export interface EvidenceDef {
  readonly key: EvidenceKey;
  readonly citation: string;
  readonly label: string;
  readonly url?: string;
  /** CT-GOV-STS: the link is a search for a term. */
  readonly urlFor?: (term: string) => string;
}

const pubmed = (pmid: string): string => `https://pubmed.ncbi.nlm.nih.gov/${pmid}/`;
const doi = (id: string): string => `https://doi.org/${id}`;

/** §8: ClinicalTrials.gov search link for a condition term. */
export const ctGovSearchUrl = (term: string): string =>
  `https://clinicaltrials.gov/search?cond=${encodeURIComponent(term)}`;

const ev = (key: EvidenceKey, citation: string, label: string, url?: string): EvidenceDef => ({
  key,
  citation,
  label,
  ...(url ? { url } : {}),
});

/** §8 evidence by key. */
export const EVIDENCE: Readonly<Record<EvidenceKey, EvidenceDef>> = {
  'LMS-04': ev(
    'LMS-04',
    'Pautier P et al. Lancet Oncol 2022;23(8):1044-1054',
    'Pautier, Lancet Oncol, 2022',
    pubmed('35835135'),
  ),
  'LMS-04-OS': ev(
    'LMS-04-OS',
    'Pautier P et al. N Engl J Med 2024;391(9):789-799',
    'Pautier, N Engl J Med, 2024',
    pubmed('39231341'),
  ),
  'EORTC-62012': ev(
    'EORTC-62012',
    'Judson I et al. Lancet Oncol 2014;15(4):415-423',
    'Judson, Lancet Oncol, 2014',
    pubmed('24618336'),
  ),
  GEDDIS: ev(
    'GEDDIS',
    'Seddon B et al. Lancet Oncol 2017;18(10):1397-1410',
    'Seddon, Lancet Oncol, 2017',
    pubmed('28882536'),
  ),
  'MAKI-2007': ev(
    'MAKI-2007',
    'Maki RG et al. J Clin Oncol 2007;25(19):2755-2763 (SARC002)',
    'Maki, J Clin Oncol, 2007',
    pubmed('17602081'),
  ),
  'DEMETRI-2016': ev(
    'DEMETRI-2016',
    'Demetri GD et al. J Clin Oncol 2016',
    'Demetri, J Clin Oncol, 2016',
    pubmed('26371143'),
  ),
  PALETTE: ev(
    'PALETTE',
    'van der Graaf WTA et al. Lancet 2012;379(9829):1879-1886',
    'van der Graaf, Lancet, 2012',
    doi('10.1016/S0140-6736(12)60651-5'),
  ),
  'SCHOFFSKI-2016': ev(
    'SCHOFFSKI-2016',
    'Schöffski P et al. Lancet 2016;387(10028):1629-1637',
    'Schöffski, Lancet, 2016',
    pubmed('26874885'),
  ),
  'SU2C-SARC032': ev(
    'SU2C-SARC032',
    'Mowery YM et al. Lancet 2024',
    'Mowery, Lancet, 2024',
    doi('10.1016/S0140-6736(24)01812-9'),
  ),
  'STRASS-2020': ev(
    'STRASS-2020',
    'Bonvalot S et al. Lancet Oncol 2020;21(10):1366-1377',
    'Bonvalot, Lancet Oncol, 2020',
    pubmed('32941794'),
  ),
  'OSULLIVAN-2002': ev(
    'OSULLIVAN-2002',
    "O'Sullivan B et al. Lancet 2002;359(9325):2235-2241",
    "O'Sullivan, Lancet, 2002",
    pubmed('12103287'),
  ),
  'YANG-1998': ev(
    'YANG-1998',
    'Yang JC et al. J Clin Oncol 1998;16(1):197-203',
    'Yang, J Clin Oncol, 1998',
    pubmed('9440743'),
  ),
  'ISG-STS-1001': ev('ISG-STS-1001', 'Gronchi A et al. Lancet Oncol 2017;18:812-822', 'Gronchi, Lancet Oncol, 2017'),
  ANNOUNCE: ev('ANNOUNCE', 'Tap WD et al. JAMA 2020', 'Tap, JAMA, 2020', pubmed('32259228')),
  'DEFI-2023': ev(
    'DEFI-2023',
    'Gounder M et al. N Engl J Med 2023;388(10) (nirogacestat)',
    'Gounder, N Engl J Med, 2023',
    pubmed('36884323'),
  ),
  'CHEN-2023': ev(
    'CHEN-2023',
    'Chen AP et al. N Engl J Med 2023;389(10):911-921 (atezolizumab, ASPS)',
    'Chen, N Engl J Med, 2023',
    pubmed('37672694'),
  ),
  // §8: "(year and citation to verify)": cited by name only.
  'ESMO-GUIDELINE': ev(
    'ESMO-GUIDELINE',
    'ESMO-EURACAN-GENTURIS soft tissue and visceral sarcoma guidelines',
    'ESMO-EURACAN-GENTURIS guidelines',
  ),
  'NCCN-STS': ev('NCCN-STS', 'NCCN Guidelines: Soft Tissue Sarcoma', 'NCCN Guidelines: Soft Tissue Sarcoma'),
  'CT-GOV-STS': {
    key: 'CT-GOV-STS',
    citation: 'ClinicalTrials.gov search',
    label: 'ClinicalTrials.gov',
    urlFor: ctGovSearchUrl,
  },
  'NCI-STS-RESEARCH': ev(
    'NCI-STS-RESEARCH',
    'NCI, Soft Tissue Sarcoma Research',
    'NCI, Soft Tissue Sarcoma Research',
    'https://www.cancer.gov/types/soft-tissue-sarcoma/research',
  ),
  'NCI-2024-LMS': ev(
    'NCI-2024-LMS',
    'NCI 2024: combination chemo helps people with leiomyosarcoma live longer',
    'NCI, 2024',
    'https://www.cancer.gov/news-events/cancer-currents-blog/2024/leiomyosarcoma-yondelis-doxorubicin-improve-survival',
  ),
  'NCI-2024-GIST-IMATINIB': ev(
    'NCI-2024-GIST-IMATINIB',
    'NCI 2024: uninterrupted imatinib for some GISTs',
    'NCI, 2024',
    'https://www.cancer.gov/news-events/cancer-currents-blog/2024/gist-uninterrupted-gleevec-treatment',
  ),
  'NCI-2023-ASPS': ev(
    'NCI-2023-ASPS',
    'NCI 2023: atezolizumab effective against alveolar soft part sarcoma',
    'NCI, 2023',
    'https://www.cancer.gov/news-events/cancer-currents-blog/2023/atezolizumab-effective-alveolar-soft-part-sarcoma',
  ),
  'NCI-2023-NIROGACESTAT': ev(
    'NCI-2023-NIROGACESTAT',
    'NCI 2023: nirogacestat for desmoid tumors',
    'NCI, 2023',
    'https://www.cancer.gov/news-events/cancer-currents-blog/2023/nirogacestat-shrinks-desmoid-tumors',
  ),
  'NCI-2022-ASPS': ev(
    'NCI-2022-ASPS',
    'NCI 2022: atezolizumab approval for advanced ASPS',
    'NCI, 2022',
    'https://www.cancer.gov/news-events/press-releases/2022/nci-trial-atezolizumab-approval-alveolar-soft-part-sarcoma',
  ),
  'NCI-2020-KAPOSI': ev(
    'NCI-2020-KAPOSI',
    'NCI 2020: paclitaxel for AIDS-related Kaposi sarcoma',
    'NCI, 2020',
    'https://www.cancer.gov/news-events/cancer-currents-blog/2020/kaposi-sarcoma-aids-paclitaxel-clinical-trial',
  ),
  'NCI-2020-AVAPRITINIB': ev(
    'NCI-2020-AVAPRITINIB',
    'NCI 2020: avapritinib for GIST with a PDGFRA exon 18 alteration',
    'NCI, 2020',
    'https://www.cancer.gov/news-events/cancer-currents-blog/2020/avapritinib-gist-pdgfra-alteration-fda-approval',
  ),
  'NCI-2018-SORAFENIB': ev(
    'NCI-2018-SORAFENIB',
    'NCI 2018: sorafenib for desmoid tumors',
    'NCI, 2018',
    'https://www.cancer.gov/news-events/press-releases/2018/sorafenib-desmoid-trial',
  ),
  'NCI-2016-ERIBULIN': ev(
    'NCI-2016-ERIBULIN',
    'NCI 2016: FDA approves eribulin for advanced liposarcoma',
    'NCI, 2016',
    'https://www.cancer.gov/news-events/cancer-currents-blog/2016/fda-eribulin-mesylate',
  ),
  'NCI-2016-OLARATUMAB': ev(
    'NCI-2016-OLARATUMAB',
    'NCI 2016: olaratumab accelerated approval (later withdrawn)',
    'NCI, 2016',
    'https://www.cancer.gov/news-events/cancer-currents-blog/2016/fda-olaratumab-sarcoma',
  ),
  'DOXORUBICIN-LABEL': ev('DOXORUBICIN-LABEL', 'US doxorubicin label', 'US doxorubicin label'),
  'EPIRUBICIN-LABEL': ev('EPIRUBICIN-LABEL', 'US epirubicin label', 'US epirubicin label'),
  'DEXRAZOXANE-LABEL': ev('DEXRAZOXANE-LABEL', 'US dexrazoxane label', 'US dexrazoxane label'),
  'IFOSFAMIDE-LABEL': ev('IFOSFAMIDE-LABEL', 'US ifosfamide label', 'US ifosfamide label'),
  'PAZOPANIB-LABEL': ev('PAZOPANIB-LABEL', 'US pazopanib label', 'US pazopanib label'),
  'TRABECTEDIN-LABEL': ev('TRABECTEDIN-LABEL', 'US trabectedin label (Yondelis; generic EVDI)', 'US trabectedin label'),
  'ERIBULIN-LABEL': ev('ERIBULIN-LABEL', 'US eribulin label', 'US eribulin label'),
  'DOCETAXEL-LABEL': ev('DOCETAXEL-LABEL', 'US docetaxel label', 'US docetaxel label'),
  // §8: "(first author and pages to verify)": cited without them.
  'LMS-02': ev(
    'LMS-02',
    'LMS-02 phase 2 trial (French Sarcoma Group, NCT02131480), Lancet Oncol 2015',
    'LMS-02, Lancet Oncol, 2015',
  ),
  'HENSLEY-GOG-2008': ev(
    'HENSLEY-GOG-2008',
    'Hensley ML et al. Gynecol Oncol 2008;109(3):323-328',
    'Hensley, Gynecol Oncol, 2008',
    pubmed('18394689'),
  ),
  SARC028: ev(
    'SARC028',
    'Tawbi HA et al. Lancet Oncol 2017 (SARC028)',
    'Tawbi, Lancet Oncol, 2017',
    doi('10.1016/S1470-2045(17)30624-1'),
  ),
  // §8: "(citation to verify)": named by the trial only.
  ANGIOTAX: ev(
    'ANGIOTAX',
    'ANGIOTAX, French Sarcoma Group phase II trial of weekly paclitaxel in angiosarcoma',
    'ANGIOTAX',
  ),
};

/** The link of a reference, or undefined when §8 gives none; `term` fills the CT-GOV-STS search. */
export const evidenceUrl = (key: EvidenceKey, term = 'soft tissue sarcoma'): string | undefined => {
  const def = EVIDENCE[key];
  return def.urlFor ? def.urlFor(term) : def.url;
};
