/**
 * The §9 threshold parameters of the CQL libraries, written by `npm run build:cql` from src/pathway/thresholds.ts
 * between two marker lines, so no library states a threshold's name, type or value by hand. No default: cql-execution
 * 3.3.2 never applies a parameter default, so a default would only be a second, dead copy of the value.
 */
import { CQL_THRESHOLDS, type ThresholdType } from '../../src/pathway/thresholds.js';

export const THRESHOLD_BLOCK_BEGIN =
  '// BEGIN §9 thresholds: written by `npm run build:cql` from src/pathway/thresholds.ts; do not edit.';
export const THRESHOLD_BLOCK_END = '// END §9 thresholds';

const CQL_TYPE: Record<ThresholdType, string> = {
  integer: 'System.Integer',
  decimal: 'System.Decimal',
  boolean: 'System.Boolean',
};

function block(): string {
  const lines = CQL_THRESHOLDS.map((d) => `parameter ${JSON.stringify(d.cql)} ${CQL_TYPE[d.type]}`);
  return [THRESHOLD_BLOCK_BEGIN, ...lines, THRESHOLD_BLOCK_END].join('\n');
}

/** A declaration of a threshold parameter outside the generated block, e.g. `parameter "lvefMinPercent" ...`. */
const handDeclared = (text: string): string | undefined =>
  CQL_THRESHOLDS.find((d) => new RegExp(`^\\s*parameter\\s+"${d.cql}"`, 'm').test(text))?.cql;

/** Whether the library reads a threshold ("name" outside the block). */
const readsThreshold = (text: string): boolean => CQL_THRESHOLDS.some((d) => text.includes(`"${d.cql}"`));

/**
 * Returns `cql` with its threshold block regenerated; throws when a library reads a threshold without the block
 * (its value would be null: included libraries take the main library's parameters by name) or declares one by hand.
 */
export function withThresholdBlock(file: string, cql: string): string {
  const begin = cql.indexOf(THRESHOLD_BLOCK_BEGIN);
  if (begin < 0) {
    if (readsThreshold(cql)) {
      throw new Error(
        `${file}: reads a §9 threshold but has no "${THRESHOLD_BLOCK_BEGIN}" ... "${THRESHOLD_BLOCK_END}" block`,
      );
    }
    return cql;
  }
  const end = cql.indexOf(THRESHOLD_BLOCK_END, begin);
  if (end < 0) throw new Error(`${file}: threshold block has no end line "${THRESHOLD_BLOCK_END}"`);
  const out = cql.slice(0, begin) + block() + cql.slice(end + THRESHOLD_BLOCK_END.length);
  const outside = out.slice(0, begin) + out.slice(begin + block().length);
  const declared = handDeclared(outside);
  if (declared !== undefined)
    throw new Error(`${file}: declares the threshold "${declared}" outside the generated block`);
  return out;
}
