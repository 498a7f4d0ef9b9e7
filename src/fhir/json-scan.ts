/**
 * A single pass over JSON text before `JSON.parse` (issue 15, items 5 and 7): a FHIR answer nested deeper than the
 * request-body limit, or a Bundle with more entries than MAX_BUNDLE_ENTRIES, is refused before any object is built, so
 * it can neither overflow the stack later nor block the event loop allocating millions of entries.
 */

export interface JsonLimits {
  /** Objects/arrays nested deeper than this are refused. */
  readonly maxDepth: number;
  /** Items of the root object's `entry` array allowed at most. */
  readonly maxEntries: number;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const COMMA = 0x2c;
const COLON = 0x3a;

/** Why `text` is over a limit ("nested more than 100 levels deep"), or undefined. Malformed JSON is left to JSON.parse. */
export function jsonOverLimit(text: string, limits: JsonLimits): string | undefined {
  let depth = 0;
  let inString = false;
  let stringStart = -1;
  // The last string closed at depth 1 (the root object's key, once a colon follows).
  let lastRootString = '';
  let rootKey = '';
  // Inside the root's `entry` array (depth 2): counts value starts.
  let inEntries = false;
  let expectValue = false;
  let entries = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) {
        inString = false;
        if (depth === 1) lastRootString = text.slice(stringStart + 1, i);
      }
      continue;
    }
    if (c <= 0x20) continue;
    if (inEntries && depth === 2 && expectValue && c !== CLOSE_ARRAY) {
      expectValue = false;
      if (++entries > limits.maxEntries) return `a Bundle with more than ${limits.maxEntries} entries`;
    }
    switch (c) {
      case QUOTE:
        inString = true;
        stringStart = i;
        break;
      case COLON:
        if (depth === 1) rootKey = lastRootString;
        break;
      case OPEN_OBJECT:
      case OPEN_ARRAY:
        if (++depth > limits.maxDepth) return `JSON nested more than ${limits.maxDepth} levels deep`;
        if (depth === 2 && c === OPEN_ARRAY && rootKey === 'entry') {
          inEntries = true;
          expectValue = true;
        }
        break;
      case CLOSE_OBJECT:
      case CLOSE_ARRAY:
        if (depth === 2) inEntries = false;
        depth--;
        if (depth === 1) rootKey = '';
        break;
      case COMMA:
        if (depth === 1) rootKey = '';
        if (inEntries && depth === 2) expectValue = true;
        break;
      default:
        break;
    }
  }
  return undefined;
}
