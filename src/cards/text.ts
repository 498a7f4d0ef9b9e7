/**
 * Text helpers of the card builders: markdown escaping of data-derived strings and summaries that fit the
 * CDS Hooks limit (https://cds-hooks.hl7.org/2.0/#card-attributes: summary under 140 characters).
 */

/** Longest summary CDS Hooks allows ("<140 characters"). */
export const SUMMARY_MAX = 139;

const ELLIPSIS = '…';

/**
 * Escapes characters that would turn patient-supplied text into markdown or HTML (emphasis, links, tags, tables),
 * so a Condition display can never inject a link or markup into a card.
 */
export function escapeMarkdown(s: string): string {
  return s.replace(/[\\`*_[\]<>|#~]/g, (c) => `\\${c}`).replace(/\r?\n/g, ' ');
}

/** Cuts `s` to at most `max` characters at a word boundary, marking the cut with an ellipsis. */
export function shortenAtWord(s: string, max: number): string {
  if (s.length <= max) return s;
  if (max <= 1) return ELLIPSIS.slice(0, max);
  const room = s.slice(0, max - 1);
  const space = room.lastIndexOf(' ');
  // Keep at least half the room: a very long first word is cut mid-word rather than dropped.
  const cut = space >= room.length / 2 ? room.slice(0, space) : room;
  return `${cut.replace(/[\s,;:+/-]+$/, '')}${ELLIPSIS}`;
}

/**
 * A summary made of a prefix with a variable part (a related title or regimen) and the node title:
 * `<before><related><between><title>`. When too long, the related part is shortened first (the recommendation
 * itself is what the clinician must see), then the whole string.
 */
export function fitSummary(before: string, related: string, between: string, title: string): string {
  const full = `${before}${related}${between}${title}`;
  if (full.length <= SUMMARY_MAX) return full;
  const roomForRelated = SUMMARY_MAX - before.length - between.length - title.length;
  if (roomForRelated >= 12) return `${before}${shortenAtWord(related, roomForRelated)}${between}${title}`;
  return shortenAtWord(`${before}${shortenAtWord(related, 12)}${between}${title}`, SUMMARY_MAX);
}

/** A plain summary cut to fit. */
export function fitPlain(s: string): string {
  return shortenAtWord(s, SUMMARY_MAX);
}
