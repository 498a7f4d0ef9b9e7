/**
 * A tiny DOM builder: text always goes through `textContent`, attributes through `setAttribute`; nothing here parses
 * HTML, so no data can become markup.
 */

type Child = Node | string | undefined | false;

/** Creates an element with attributes (`undefined` values skipped) and children (strings become text nodes). */
export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Readonly<Record<string, string | undefined>> = {},
  ...children: readonly Child[]
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) if (value !== undefined) node.setAttribute(name, value);
  for (const child of children) {
    if (child === undefined || child === false) continue;
    node.append(typeof child === 'string' ? document.createTextNode(child) : child);
  }
  return node;
}

/** The element with this id, of the expected class; throws when the page shell lacks it (a programming error). */
export function byId<T extends HTMLElement>(id: string, type: new () => T): T {
  const node = document.getElementById(id);
  if (!(node instanceof type)) throw new Error(`page element #${id} missing`);
  return node;
}

/** Sets a status line's text and tone. */
export function setStatus(node: HTMLElement, text: string, tone: 'info' | 'error' | 'ok' = 'info'): void {
  node.textContent = text;
  node.classList.toggle('error', tone === 'error');
  node.classList.toggle('ok', tone === 'ok');
}

/** A narrowing guard for plain JSON objects (the service's own, bundled in). */
export { isRecord } from '../../shared/guards.js';
