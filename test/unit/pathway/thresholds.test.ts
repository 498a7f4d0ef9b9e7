/**
 * PATHWAY.md §9 lives in one table (src/pathway/thresholds.ts): every row of the spec's §9 is there with its default,
 * the configuration reads each from its environment variable, and the CQL libraries declare and receive each.
 */
import { describe, expect, test } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, loadConfig } from '../../../src/config.js';
import { thresholdParameters } from '../../../src/cql/parameters.js';
import { DEFAULT_ELM_DIR } from '../../../src/cql/engine.js';
import {
  withThresholdBlock,
  THRESHOLD_BLOCK_BEGIN,
  THRESHOLD_BLOCK_END,
} from '../../../tools/cql-build/threshold-cql.js';
import {
  CQL_THRESHOLDS,
  DEFAULT_THRESHOLDS,
  THRESHOLDS,
  THRESHOLD_NAMES,
  type ThresholdDef,
} from '../../../src/pathway/thresholds.js';

const spec = readFileSync(new URL('../../../docs/PATHWAY.md', import.meta.url), 'utf8');

/** The §9 table rows of the spec: each backticked name of the first column with the first value of the second. */
function specThresholds(): Map<string, string> {
  const section = spec.slice(spec.indexOf('## 9. Thresholds'), spec.indexOf('## 10.'));
  const rows = new Map<string, string>();
  for (const line of section.split('\n').filter((l) => l.startsWith('| `'))) {
    const [, name, value] = line.split('|').map((c) => c.trim());
    const firstValue = /^(\d+|true|false)/.exec(value ?? '')?.[1] ?? value ?? '';
    for (const m of (name ?? '').matchAll(/`(\w+)`/g)) rows.set(m[1]!, firstValue);
  }
  return rows;
}

const env = (vars: Record<string, string>): Record<string, string> => ({ STS_MODE: 'development', ...vars });

describe('the §9 table', () => {
  test('has every row of PATHWAY.md §9, with the spec default, and nothing else', () => {
    const rows = specThresholds();
    // maintenanceMaxDays and maintenanceMaxCycles share one spec row; its second value is the cycle count.
    rows.set('maintenanceMaxCycles', '17');
    expect([...rows.keys()].sort()).toEqual([...THRESHOLD_NAMES].sort());
    for (const [name, value] of rows)
      expect([name, String(DEFAULT_THRESHOLDS[name as keyof typeof DEFAULT_THRESHOLDS])]).toEqual([name, value]);
  });

  test('the configuration reads each threshold from its variable, and the default when unset', () => {
    expect(loadConfig(env({})).thresholds).toEqual(DEFAULT_THRESHOLDS);
    for (const name of THRESHOLD_NAMES) {
      const def: ThresholdDef = THRESHOLDS[name];
      const value = def.type === 'boolean' ? 'true' : String((def.default as number) + 1);
      const loaded = loadConfig(env({ [def.env]: value })).thresholds[name];
      expect([name, loaded]).toEqual([name, def.type === 'boolean' ? true : Number(value)]);
    }
    expect(loadConfig(env({ FHIR_MAX_PAGES: '3' })).fhirMaxPages).toBe(3);
  });

  test('the earlier variable names still work, and two names of one threshold must agree', () => {
    expect(loadConfig(env({ CURRENT_REGIMEN_DAYS: '21' })).thresholds.currentRegimenWindowDays).toBe(21);
    expect(loadConfig(env({ DOXO_CUMULATIVE_CRITICAL_MG_M2: '400' })).thresholds.cumulativeDoxoCriticalMgM2).toBe(400);
    expect(loadConfig(env({ TRAB_MAINTENANCE_MAX_CYCLES: '12' })).thresholds.maintenanceMaxCycles).toBe(12);
    expect(() => loadConfig(env({ CURRENT_REGIMEN_DAYS: '21', CURRENT_REGIMEN_WINDOW_DAYS: '28' }))).toThrow(
      ConfigError,
    );
    expect(() => loadConfig(env({ LVEF_MIN_PERCENT: 'fifty' }))).toThrow(/LVEF_MIN_PERCENT/);
    expect(() => loadConfig(env({ COMPLETED_REQUESTS_ARE_ADMINISTRATIONS: 'maybe' }))).toThrow(
      /COMPLETED_REQUESTS_ARE_ADMINISTRATIONS/,
    );
  });

  test('the CQL receives every threshold it declares, under the declared name, with the configured value', () => {
    const t = loadConfig(env({ LVEF_MIN_PERCENT: '46', COVER_GAP_DAYS: '14' })).thresholds;
    const params = thresholdParameters(t);
    expect(params.lvefMinPercent).toBe(46);
    expect(params.coverGapDays).toBe(14);
    expect(Object.keys(params).sort()).toEqual(CQL_THRESHOLDS.map((d) => d.cql).sort());
    for (const file of readdirSync(DEFAULT_ELM_DIR).filter((f) => f.endsWith('.elm.json'))) {
      const elm = JSON.parse(readFileSync(join(DEFAULT_ELM_DIR, file), 'utf8')) as {
        library: { parameters?: { def: { name: string; default?: unknown }[] } };
      };
      const declared = elm.library.parameters?.def ?? [];
      const thresholds = declared.filter((p) => Object.hasOwn(params, p.name));
      // A library that declares one declares all (the generated block), none with a default (never applied).
      if (thresholds.length > 0) expect([file, thresholds.length]).toEqual([file, CQL_THRESHOLDS.length]);
      for (const p of thresholds) expect([file, p.name, p.default]).toEqual([file, p.name, undefined]);
    }
  });

  test('the build writes the declarations between the markers and refuses a threshold read without them', () => {
    const lib = `library X version '1'\n${THRESHOLD_BLOCK_BEGIN}\nparameter "old" System.Integer\n${THRESHOLD_BLOCK_END}\ndefine A: 1\n`;
    const out = withThresholdBlock('X.cql', lib);
    for (const d of CQL_THRESHOLDS) expect(out).toContain(`parameter "${d.cql}" System.`);
    expect(out).not.toContain('"old"');
    expect(withThresholdBlock('X.cql', out)).toBe(out);
    expect(() => withThresholdBlock('Y.cql', `library Y version '1'\ndefine A: "coverGapDays"\n`)).toThrow(/Y\.cql/);
    expect(() => withThresholdBlock('Z.cql', `${lib}parameter "coverGapDays" System.Integer default 28\n`)).toThrow(
      /outside/,
    );
  });
});
