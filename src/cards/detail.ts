/**
 * Card detail markdown (PATHWAY.md §1): paragraphs, bullet lists, text citations, and the closing "Based on" list with
 * the same facts machine-readable in the card extension.
 */
import type { FactEntry } from './worded.js';
import { SYSTEMS } from '../pathway/index.js';
import { escapeMarkdown } from './text.js';

/** One line of the "Based on" list: name, value, date and resource. */
export function factLine(f: FactEntry): string {
  const where = [f.date, f.reference !== undefined ? `\`${f.reference.replace(/`/g, '')}\`` : undefined].filter(
    (x): x is string => x !== undefined && x !== '',
  );
  // A value worded as a sentence that names its fact ("ECOG 1 on <date> (not recent: ...)", F6) is not prefixed again.
  const words = f.value.startsWith(`${f.fact} `)
    ? escapeMarkdown(f.value)
    : `${escapeMarkdown(f.fact)}: ${escapeMarkdown(f.value)}`;
  return `- ${words}${where.length > 0 ? ` (${where.join(', ')})` : ''}`;
}

/** The closing "Based on" section. */
export function basedOn(facts: readonly FactEntry[]): string {
  if (facts.length === 0) return '**Based on**\n\n- no patient facts were needed for this card';
  return `**Based on**\n\n${facts.map(factLine).join('\n')}`;
}

/** The card `extension` carrying the facts machine-readable (§1 facts extension). */
export function factsExtension(facts: readonly FactEntry[]): Record<string, unknown> {
  const entries = facts.map((f) => ({
    fact: f.fact,
    value: f.value,
    ...(f.code !== undefined ? { code: f.code } : {}),
    ...(f.reference !== undefined ? { reference: f.reference } : {}),
    ...(f.date !== undefined ? { date: f.date } : {}),
  }));
  return { [SYSTEMS.factsExtension]: entries };
}

/** A bullet list of lines (already markdown), or nothing. */
export function bullets(lines: readonly string[]): string | undefined {
  return lines.length > 0 ? lines.map((l) => `- ${l}`).join('\n') : undefined;
}

/** Text citations as a section, or nothing. */
export function citations(texts: readonly string[]): string | undefined {
  return texts.length > 0 ? `References: ${texts.join('; ')}.` : undefined;
}

/** Joins the present paragraphs with blank lines. */
export function paragraphs(parts: readonly (string | undefined)[]): string {
  return parts.filter((p): p is string => p !== undefined && p !== '').join('\n\n');
}
