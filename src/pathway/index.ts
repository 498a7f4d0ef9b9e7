/**
 * The pathway model: the one place for PATHWAY.md's codes, node ids, titles, system URLs, drugs and evidence.
 */
import { ALL_CODE_DEFS, type CodeDef } from './codes.js';
import { RXNORM_CODES } from './drugs.js';
import { NODES, NODE_IDS } from './nodes.js';

export * from './version.js';
export * from './systems.js';
export * from './codes.js';
export * from './drugs.js';
export * from './nodes.js';
export * from './rules.js';
export * from './evidence.js';
export * from './override-reasons.js';
export * from './examples.js';
export * from './value-sets.js';
export * from './thresholds.js';
export * from './treatment-words.js';
export * from './card-words.js';
export * from './card-texts.js';
export * from './note-words.js';

/** Every CodeDef of the module marked "(to verify)" in PATHWAY.md (matched on input, never emitted). */
export const toVerifyCodes = (): readonly CodeDef[] => {
  const services = NODE_IDS.flatMap((id) => NODES[id].service?.code ?? []);
  return [...ALL_CODE_DEFS, ...RXNORM_CODES, ...services].filter((c) => c.toVerify === true);
};
