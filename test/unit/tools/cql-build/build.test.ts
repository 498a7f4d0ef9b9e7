/**
 * The CQL build: StsCodes generated from src/pathway/, translator errors with positions, and the stale check of CI.
 */
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HISTOLOGY_CODES, STS_DIAGNOSIS_CODES } from '../../../../src/pathway/codes.js';
import { buildCql, formatMessage, staleOutputs } from '../../../../tools/cql-build/build.js';
import { generateStsCodesCql } from '../../../../tools/cql-build/codes-cql.js';
import { DEFAULT_ELM_DIR } from '../../../../src/cql/engine.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'cql-build-'));
  copyFileSync(join(DEFAULT_ELM_DIR, 'FHIRHelpers.cql'), join(dir, 'FHIRHelpers.cql'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

test('StsCodes is generated from the pathway module and says so', () => {
  const text = generateStsCodesCql();
  expect(text).toMatch(/^\/\/ GENERATED .* DO NOT EDIT/);
  for (const c of STS_DIAGNOSIS_CODES) expect(text).toContain(`'${c.code}'`);
  for (const c of HISTOLOGY_CODES.LMS) expect(text).toContain(`'${c.code}'`);
  expect(generateStsCodesCql()).toBe(text);
});

test('the committed StsCodes.cql and ELM are up to date (npm run build:cql -- --check)', () => {
  expect(readFileSync(join(DEFAULT_ELM_DIR, 'StsCodes.cql'), 'utf8')).toBe(generateStsCodesCql());
  const result = buildCql(DEFAULT_ELM_DIR, ['FHIRHelpers', 'StsCodes', 'StsCommon', 'StsDiagnosis']);
  expect(result.messages).toEqual([]);
  expect(staleOutputs(DEFAULT_ELM_DIR, result, false)).toEqual([]);
});

test('a translator error fails with file:line:col and message', () => {
  writeFileSync(
    join(dir, 'Broken.cql'),
    "library Broken version '1.0.0'\nusing FHIR version '4.0.1'\ninclude FHIRHelpers version '4.0.1'\ncontext Patient\ndefine X: Nope\n",
  );
  const result = buildCql(dir, ['Broken']);
  expect(result.messages.map((m) => formatMessage('cql', m))).toEqual([
    expect.stringMatching(/^cql\/Broken\.cql:5:\d+: error: Could not resolve identifier Nope/),
  ]);
});

test('--check reports an edited source as stale, and a fresh build as up to date', () => {
  writeFileSync(join(dir, 'Ok.cql'), "library Ok version '1.0.0'\ndefine X: 1\n");
  const first = buildCql(dir, ['Ok']);
  for (const o of first.outputs) writeFileSync(o.path, o.text);
  expect(staleOutputs(dir, buildCql(dir, ['Ok']), false)).toEqual([]);
  writeFileSync(join(dir, 'Ok.cql'), "library Ok version '1.0.0'\ndefine X: 2\n");
  expect(staleOutputs(dir, buildCql(dir, ['Ok']), false)).toEqual([join(dir, 'Ok.elm.json')]);
});
