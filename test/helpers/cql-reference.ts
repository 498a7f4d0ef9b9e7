/**
 * cql-execution 3.3.2's own ELM nodes as the reference for the compiled engine's runtime (src/engine/runtime/): a node
 * built from its JSON, fed operand values directly, evaluated in a fixed context (UTC, execution time
 * 2026-11-23T12:00:00Z). Results go through `describeValue`, so both sides compare deeply (type, value, precision).
 */
import { createRequire } from 'node:module';
import { DateTime } from 'cql-execution';
import { describeValue } from './engine-diff.js';

const require = createRequire(import.meta.url);
require('cql-execution');
/** cql-execution's ELM expression classes by node type. */
export const elm = require('cql-execution/lib/elm/expressions.js') as Record<string, any>;

/** An ELM expression that evaluates to a given value. */
export class Value extends elm.Expression {
  constructor(readonly v: unknown) {
    super({});
  }
  async exec(): Promise<unknown> {
    return this.v;
  }
}

/** The evaluation context every reference node runs in. */
export const ctx = {
  getTimezoneOffset: () => 0,
  getExecutionDateTime: () => DateTime.fromJSDate(new Date('2026-11-23T12:00:00Z'), 0),
};

/**
 * cql-execution's node `type` with `json` (precision...) over operand values; the result, or 'throws'. One operand is
 * the node's `arg`, several its `args`; `field` names another operand slot (e.g. `source`).
 */
export async function reference(
  type: string,
  operands: unknown[],
  json: Record<string, unknown> = {},
  field?: string,
): Promise<unknown> {
  const node = new elm[type]({ ...json });
  if (field !== undefined) node[field] = new Value(operands[0]);
  else if (operands.length === 1) node.arg = new Value(operands[0]);
  else node.args = operands.map((v) => new Value(v));
  try {
    return describeValue(await node.execute(ctx));
  } catch {
    return 'throws';
  }
}

/** The compiled side of a comparison: the runtime's result, or 'throws'. */
export function compiled(f: () => unknown): unknown {
  try {
    return describeValue(f());
  } catch {
    return 'throws';
  }
}
