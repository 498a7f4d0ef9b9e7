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

/**
 * Scans JSON text chunk by chunk as it arrives (state kept between chunks), so an answer over a limit is refused
 * while it is read, before the rest is even received.
 */
export class JsonLimitScanner {
  private depth = 0;
  private inString = false;
  private escaped = false;
  // The current string at depth 1 (a root key, once a colon follows), collected only while short.
  private rootString = '';
  private lastRootString = '';
  private rootKey = '';
  // Inside the root's `entry` array (depth 2): counts value starts.
  private inEntries = false;
  private expectValue = false;
  private entries = 0;

  constructor(private readonly limits: JsonLimits) {}

  /** Why the text so far is over a limit ("nested more than 100 levels deep"), or undefined. */
  feed(text: string): string | undefined {
    const { limits } = this;
    // The next backslash at or after i (-1: none left): strings are most of FHIR JSON, and their plain characters are
    // skipped with indexOf instead of one by one (bench/profile.md, "Eleventh pass").
    let backslash = text.indexOf('\\');
    for (let i = 0; i < text.length; i++) {
      if (this.inString && !this.escaped) {
        if (backslash !== -1 && backslash < i) backslash = text.indexOf('\\', i);
        let end = text.indexOf('"', i);
        if (end === -1) end = text.length;
        if (backslash !== -1 && backslash < end) end = backslash;
        if (end > i) {
          if (this.depth === 1 && this.rootString.length < 16)
            this.rootString += text.slice(i, Math.min(end, i + 16 - this.rootString.length));
          i = end;
          if (i === text.length) break;
        }
      }
      const c = text.charCodeAt(i);
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (c === BACKSLASH) this.escaped = true;
        else if (c === QUOTE) {
          this.inString = false;
          if (this.depth === 1) this.lastRootString = this.rootString;
          continue;
        }
        if (this.depth === 1 && this.rootString.length < 16) this.rootString += text[i];
        continue;
      }
      if (c <= 0x20) continue;
      if (this.inEntries && this.depth === 2 && this.expectValue && c !== CLOSE_ARRAY) {
        this.expectValue = false;
        if (++this.entries > limits.maxEntries) return `a Bundle with more than ${limits.maxEntries} entries`;
      }
      switch (c) {
        case QUOTE:
          this.inString = true;
          this.rootString = '';
          break;
        case COLON:
          if (this.depth === 1) this.rootKey = this.lastRootString;
          break;
        case OPEN_OBJECT:
        case OPEN_ARRAY:
          if (++this.depth > limits.maxDepth) return `JSON nested more than ${limits.maxDepth} levels deep`;
          if (this.depth === 2 && c === OPEN_ARRAY && this.rootKey === 'entry') {
            this.inEntries = true;
            this.expectValue = true;
          }
          break;
        case CLOSE_OBJECT:
        case CLOSE_ARRAY:
          if (this.depth === 2) this.inEntries = false;
          this.depth--;
          if (this.depth === 1) this.rootKey = '';
          break;
        case COMMA:
          if (this.depth === 1) this.rootKey = '';
          if (this.inEntries && this.depth === 2) this.expectValue = true;
          break;
        default:
          break;
      }
    }
    return undefined;
  }
}

/** Why `text` is over a limit, or undefined. Malformed JSON is left to JSON.parse. */
export function jsonOverLimit(text: string, limits: JsonLimits): string | undefined {
  return new JsonLimitScanner(limits).feed(text);
}
