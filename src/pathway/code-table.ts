/**
 * Tables of codes the CQL emits to their words (note-words.ts, treatment-words.ts, card-texts.ts): the guard that
 * reads a code back from a result, and the list of codes the CQL build declares (tools/cql-build/codes-cql.ts).
 */

/** Whether a string is one of `table`'s codes. */
export const isCodeOf =
  <T extends object>(table: T) =>
  (s: string): s is Extract<keyof T, string> =>
    Object.hasOwn(table, s);

/** Every code of `table`, in its order. */
export const codeListOf = <T extends object>(table: T): readonly Extract<keyof T, string>[] =>
  Object.keys(table).filter(isCodeOf(table));
