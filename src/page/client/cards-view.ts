/**
 * Cards as an EHR renders them (CDS Hooks 2.0 card attributes): indicator, summary, source, markdown detail, links,
 * suggestions as buttons, override reasons; and the facts panel built from the cards' facts extension.
 */
import type { Card, Coding, Suggestion } from '../../shared/cds-hooks.js';
import { el, isRecord } from './dom.js';
import { renderMarkdown, safeHref } from './markdown.js';

/** What the page does when a clinician acts on a card. */
export interface CardActions {
  accept(card: Card, suggestion: Suggestion, status: HTMLElement): void;
  override(card: Card, reason: Coding, comment: string, status: HTMLElement): void;
}

let fieldSeq = 0;

function sourceLine(card: Card): HTMLElement {
  const topic = card.source.topic;
  const href = card.source.url ? safeHref(card.source.url) : undefined;
  return el(
    'p',
    { class: 'card-source' },
    `Source: ${card.source.label}`,
    topic ? ` · topic ${topic.code}` : undefined,
    href ? ' · ' : undefined,
    href ? el('a', { href, target: '_blank', rel: 'noopener noreferrer' }, 'about this node') : undefined,
  );
}

function linksList(card: Card): HTMLElement | undefined {
  const items = (card.links ?? []).map((l) => {
    const href = l.type === 'absolute' ? safeHref(l.url) : undefined;
    // SMART app links need a launch context this page does not have: shown as text.
    return el(
      'li',
      {},
      href ? el('a', { href, target: '_blank', rel: 'noopener noreferrer' }, l.label) : `${l.label} (SMART app)`,
    );
  });
  return items.length > 0 ? el('ul', { class: 'card-links', 'aria-label': 'Evidence and links' }, ...items) : undefined;
}

function overrideControls(card: Card, actions: CardActions, status: HTMLElement): HTMLElement | undefined {
  const reasons = card.overrideReasons ?? [];
  if (reasons.length === 0) return undefined;
  const n = ++fieldSeq;
  const select = el(
    'select',
    { id: `override-reason-${n}` },
    ...reasons.map((r, i) => el('option', { value: String(i) }, r.display ?? r.code)),
  );
  const comment = el('input', {
    type: 'text',
    id: `override-comment-${n}`,
    placeholder: 'Comment (optional)',
    'aria-label': 'Override comment',
  });
  const button = el('button', { type: 'button', class: 'danger' }, 'Override');
  if (!card.uuid) {
    button.disabled = true;
    button.title = 'This card has no uuid: feedback cannot refer to it';
  }
  button.addEventListener('click', () => {
    const reason = reasons[Number(select.value)];
    if (reason) actions.override(card, reason, comment.value.trim(), status);
  });
  return el('div', { class: 'override' }, el('label', { for: select.id }, 'Override reason'), select, comment, button);
}

/** One card element (`data-card-topic` = its topic code). */
export function renderCard(card: Card, actions: CardActions): HTMLElement {
  const status = el('p', { class: 'feedback-status', role: 'status' });
  const suggestions = (card.suggestions ?? []).map((s) => {
    const b = el(
      'button',
      { type: 'button', 'data-suggestion-uuid': s.uuid },
      `${s.isRecommended ? '★ ' : ''}${s.label}`,
    );
    b.addEventListener('click', () => actions.accept(card, s, status));
    return b;
  });
  return el(
    'article',
    {
      class: `card indicator-${card.indicator}`,
      'data-card-topic': card.source.topic?.code,
      'data-card-uuid': card.uuid,
      'aria-label': `${card.indicator} card: ${card.summary}`,
    },
    el(
      'div',
      { class: 'card-head' },
      el('span', { class: `badge indicator-${card.indicator}` }, card.indicator),
      el('h3', { class: 'card-summary' }, card.summary),
    ),
    sourceLine(card),
    card.detail ? el('div', { class: 'card-detail' }, renderMarkdown(card.detail)) : undefined,
    linksList(card),
    suggestions.length > 0
      ? el('div', { class: 'suggestions', role: 'group', 'aria-label': 'Suggestions' }, ...suggestions)
      : undefined,
    overrideControls(card, actions, status),
    status,
  );
}

/** Fills a container with cards, or an explanation when there are none. */
export function showCards(into: HTMLElement, cards: readonly Card[], actions: CardActions, empty: string): void {
  into.replaceChildren(
    ...(cards.length > 0 ? cards.map((c) => renderCard(c, actions)) : [el('p', { class: 'empty' }, empty)]),
  );
}

/** One machine-readable fact of a card (PATHWAY.md §1 facts extension). */
export interface Fact {
  readonly fact: string;
  readonly value: string;
  readonly date?: string;
  readonly reference?: string;
}

const isFact = (v: unknown): v is Fact =>
  isRecord(v) &&
  typeof v.fact === 'string' &&
  typeof v.value === 'string' &&
  (v.date === undefined || typeof v.date === 'string') &&
  (v.reference === undefined || typeof v.reference === 'string');

/** The distinct facts of all cards. */
export function collectFacts(cards: readonly Card[], extensionUrl: string): Fact[] {
  const seen = new Set<string>();
  const out: Fact[] = [];
  for (const card of cards) {
    const list = card.extension?.[extensionUrl];
    if (!Array.isArray(list)) continue;
    for (const f of list) {
      if (!isFact(f)) continue;
      const key = JSON.stringify([f.fact, f.value, f.date, f.reference]);
      if (seen.has(key)) continue;
      seen.add(key);
      out.push(f);
    }
  }
  return out;
}

/** A missing or unreadable fact, as §1 words them. */
export const isMissing = (f: Fact): boolean => /^(not found|unavailable)\b/i.test(f.value);

/** The facts table (fact, value, date, source resource) and the list of what is missing. */
export function renderFacts(facts: readonly Fact[]): HTMLElement {
  const present = facts.filter((f) => !isMissing(f));
  const missing = facts.filter(isMissing);
  if (facts.length === 0) return el('p', { class: 'empty' }, 'No facts: the cards carry none.');
  return el(
    'div',
    {},
    present.length > 0
      ? el(
          'table',
          { class: 'facts' },
          el(
            'thead',
            {},
            el('tr', {}, ...['Fact', 'Value', 'Date', 'Source'].map((h) => el('th', { scope: 'col' }, h))),
          ),
          el(
            'tbody',
            {},
            ...present.map((f) =>
              el(
                'tr',
                {},
                el('td', {}, f.fact),
                el('td', {}, f.value),
                el('td', {}, f.date ?? '—'),
                el('td', {}, f.reference ?? '—'),
              ),
            ),
          ),
        )
      : undefined,
    el('h3', {}, 'Missing or unreadable'),
    missing.length > 0
      ? el('ul', { class: 'missing' }, ...missing.map((f) => el('li', {}, `${f.fact}: ${f.value}`)))
      : el('p', { class: 'empty' }, 'Nothing reported missing.'),
  );
}
