/**
 * Node's fetch takes an undici `dispatcher` in its RequestInit (it ignores `agent`), and Node bundles undici without
 * exporting it: the connect-time address guard needs an instance of its Agent class, reached through the global one.
 */

/**
 * Node's global undici dispatcher (the one `fetch` uses), under the symbol undici registers it with, on the global
 * object of the realm `fetch` comes from: under a VM context (jest) that is not the local `globalThis`. Node loads its
 * bundled undici (which installs the dispatcher) lazily; constructing a `Request` loads it, so this works before any fetch.
 */
export function nodeGlobalDispatcher(): object | undefined {
  const key = Symbol.for('undici.globalDispatcher.1');
  const fetchRealmGlobal: unknown = Reflect.apply(fetch.constructor, undefined, ['return globalThis']);
  const realmGlobal: unknown =
    typeof fetchRealmGlobal === 'function' ? Reflect.apply(fetchRealmGlobal, undefined, []) : undefined;
  const find = (): unknown =>
    Reflect.get(globalThis, key) ??
    (typeof realmGlobal === 'object' && realmGlobal ? Reflect.get(realmGlobal, key) : undefined);
  if (find() === undefined) new Request('http://127.0.0.1/');
  const d = find();
  return typeof d === 'object' && d !== null ? d : undefined;
}
