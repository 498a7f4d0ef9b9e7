import { describe, expect, test } from '@jest/globals';
import { NODES, NODE_IDS, RULES, RULE_IDS, SYSTEMS, topicOf } from '../../../src/pathway/index.js';

const EXPECTED_TITLES: Readonly<Record<string, string>> = {
  'L-SURGERY': 'Surgical resection',
  'L-RT-EXTREMITY': 'Extremity STS: radiotherapy often added',
  'L-RT-TRUNK': 'Trunk wall / head and neck STS: radiotherapy per multidisciplinary decision',
  'L-RT-RETROPERITONEAL': 'Retroperitoneal STS: radiotherapy used selectively',
  'L-NEOADJ-DOXO-IFOS': 'Consider neoadjuvant doxorubicin + ifosfamide',
  'L-NEOADJ-UPS-PEMBRO-RT': 'UPS: consider neoadjuvant pembrolizumab + radiotherapy',
  'L-POST-RESECTION': 'Resected: adjuvant therapy and follow-up per multidisciplinary team',
  'L-OTHER-SITE': 'Primary site outside the soft-tissue codes: local therapy per the site-specific guideline',
  'M-LMS-1L-DOXO-TRAB': 'LMS first line: consider doxorubicin + trabectedin, followed by maintenance trabectedin',
  'M-LMS-TRAB-MAINT': 'LMS: maintenance trabectedin, up to 1 year',
  'M-1L-DOXO': 'First line: doxorubicin',
  'M-2L-GEM-DOCE': 'Second line: gemcitabine + docetaxel',
  'M-3L-TRABECTEDIN': 'Later line: trabectedin (LMS, LPS)',
  'M-3L-PAZOPANIB': 'Later line: pazopanib (non-adipocytic STS)',
  'M-3L-ERIBULIN': 'Later line: eribulin (LPS)',
  'M-TRIAL': 'Clinical trial',
  'D-UNCONFIRMED': 'STS diagnosis not confirmed',
  'D-MISSING-HISTOLOGY': 'Histology needed to place the patient on the pathway',
  'D-HISTOLOGY-CONFLICT': 'Conflicting sarcoma histologies: pathway position cannot be determined',
  'D-MISSING-EXTENT': 'Extent of disease needed (localized or metastatic)',
  'OFF-PATHWAY': 'Order is off the STS pathway',
  'HISTOLOGY-SPECIFIC-OPTION': 'Histology-specific option outside this pathway',
  'POSITION-UNKNOWN': 'No on-pathway regimen to compare',
  'CURRENT-OFF-PATHWAY': 'Current regimen is not a node of this line',
  'D-DATA-UNAVAILABLE': 'Patient data could not be read',
  'D-ANTHRACYCLINE-CONTRAINDICATED': 'Doxorubicin not recommended',
  'X-PEDIATRIC': 'Pediatric patient: outside this adult pathway',
  'X-UNCOVERED': 'Histology not covered by this pathway',
  'X-SPECIALTY': 'Histology with its own pathway',
};

describe('nodes', () => {
  test('has exactly the §4 node ids, each with its PATHWAY.md title', () => {
    expect([...NODE_IDS].sort()).toEqual(Object.keys(EXPECTED_TITLES).sort());
    for (const id of NODE_IDS) expect([id, NODES[id].title]).toEqual([id, EXPECTED_TITLES[id]]);
  });

  test('gives each metastatic line 1 node gemcitabine + docetaxel as next step', () => {
    for (const id of ['M-LMS-1L-DOXO-TRAB', 'M-LMS-TRAB-MAINT', 'M-1L-DOXO'] as const)
      expect(NODES[id].next).toEqual(['M-2L-GEM-DOCE']);
    expect(NODES['M-2L-GEM-DOCE'].next).toBe('line3');
    expect(NODES['M-TRIAL'].next).toEqual([]);
  });

  test('uses warning for the data nodes that block a recommendation', () => {
    expect(NODES['D-MISSING-HISTOLOGY'].indicator).toBe('warning');
    expect(NODES['D-UNCONFIRMED'].indicator).toBe('info');
    expect(NODES['X-PEDIATRIC'].indicator).toBe('warning');
  });

  test('L-SURGERY orders SNOMED 387713003 with the §4.1 text of the site', () => {
    expect(NODES['L-SURGERY'].service?.code).toEqual({
      system: SYSTEMS.snomed,
      code: '387713003',
      display: 'Surgical procedure',
    });
    expect(NODES['L-SURGERY'].service?.textBySite?.RETROPERITONEAL).toBe(
      'En bloc resection of retroperitoneal sarcoma at a sarcoma reference center, after multidisciplinary review',
    );
  });
});

describe('rules', () => {
  test('has exactly the §5 rule ids', () => {
    expect([...RULE_IDS].sort()).toEqual([
      'S-BILIRUBIN-HIGH',
      'S-COMBO-AGE',
      'S-COMBO-ECOG',
      'S-DOXO-CUMULATIVE',
      'S-DOXO-CUMULATIVE-WARN',
      'S-DOXO-LVEF',
      'S-DOXO-LVEF-UNKNOWN',
      'S-ECOG-POOR',
      'S-ERIBULIN-NON-LPS',
      'S-IFOS-MESNA',
      'S-OLARATUMAB',
      'S-PAZO-ADIPOCYTIC',
      'S-PEMBRO-SETTING',
      'S-REPEAT',
      'S-TRAB-LVEF',
      'S-TRABECTEDIN-HISTOLOGY',
    ]);
  });

  test('titles each rule with its §5 title, never a summary', () => {
    expect(RULES['S-OLARATUMAB'].title).toBe('Olaratumab (withdrawn)');
    expect(RULES['S-PAZO-ADIPOCYTIC'].title).toBe('Pazopanib for liposarcoma');
    expect(RULES['S-DOXO-CUMULATIVE'].title).toBe('Anthracycline at the cumulative doxorubicin limit');
  });

  test('makes the olaratumab and doxorubicin safety blocks critical', () => {
    for (const id of ['S-OLARATUMAB', 'S-DOXO-LVEF', 'S-DOXO-CUMULATIVE', 'S-PAZO-ADIPOCYTIC'] as const) {
      expect([id, RULES[id].kind, RULES[id].indicator]).toEqual([id, 'blocking', 'critical']);
    }
    expect(RULES['S-REPEAT']).toMatchObject({ kind: 'advisory', indicator: 'info' });
  });
});

describe('topicOf', () => {
  test('names a node or a rule in the pathway CodeSystem', () => {
    expect(topicOf('M-1L-DOXO')).toEqual({
      system: SYSTEMS.pathwayNode,
      code: 'M-1L-DOXO',
      display: 'First line: doxorubicin',
    });
    expect(topicOf('S-PAZO-ADIPOCYTIC')).toEqual({
      system: SYSTEMS.pathwayNode,
      code: 'S-PAZO-ADIPOCYTIC',
      display: 'Pazopanib for liposarcoma',
    });
  });
});
