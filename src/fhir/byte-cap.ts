import { ResponseTooLargeError } from './fetch-error.js';

/*
 * fhir-kit-client reads each answer whole with `response.text()`, so a byte cap must sit below it, in the HTTP stack.
 * Node's fetch honours an undici `dispatcher` given in the RequestInit (fhir-kit-client passes `requestOptions` through),
 * and undici dispatchers take interceptors (`compose`). The interceptor counts body bytes and aborts the response
 * when they pass the cap, so an endless or huge answer costs at most `maxBytes` of memory.
 */

type Dispatch = (opts: unknown, handler: object) => boolean;
interface ComposableDispatcher {
  compose(interceptor: (dispatch: Dispatch) => Dispatch): object;
}

/**
 * Node's global undici dispatcher (the one `fetch` uses), under the symbol undici registers it with, on the global
 * object of the realm `fetch` comes from: under a VM context (jest) that is not the local `globalThis`. Node loads its
 * bundled undici (which installs the dispatcher) lazily; constructing a `Request` loads it, so this works before any fetch.
 */
export function nodeGlobalDispatcher(): object | undefined {
  const key = Symbol.for('undici.globalDispatcher.1');
  const fetchRealmGlobal: unknown = Reflect.apply(fetch.constructor, undefined, ['return globalThis']);
  const realmGlobal: unknown = typeof fetchRealmGlobal === 'function' ? fetchRealmGlobal() : undefined;
  const find = (): unknown =>
    Reflect.get(globalThis, key) ?? (typeof realmGlobal === 'object' && realmGlobal ? Reflect.get(realmGlobal, key) : undefined);
  if (find() === undefined) new Request('http://127.0.0.1/');
  const d = find();
  return typeof d === 'object' && d !== null ? d : undefined;
}

function asComposable(d: object | undefined): ComposableDispatcher | undefined {
  if (d === undefined || !('compose' in d) || typeof d.compose !== 'function') return undefined;
  const compose = d.compose;
  return { compose: (interceptor) => Reflect.apply(compose, d, [interceptor]) };
}

/**
 * A fetch `dispatcher` that aborts a response body longer than `maxBytes` and then calls `onExceeded` (the abort
 * reason does not reliably survive undici's error wrapping). `base` is the dispatcher it wraps (default: Node's global
 * one). Undefined if that dispatcher cannot compose interceptors.
 */
export function byteCappedDispatcher(
  maxBytes: number,
  onExceeded: () => void,
  base: object | undefined = nodeGlobalDispatcher(),
): object | undefined {
  return asComposable(base)?.compose((dispatch) => (opts, handler) => dispatch(opts, countingHandler(handler, maxBytes, onExceeded)));
}

/** Wraps an undici handler (new `onResponseData(controller, chunk)` and legacy `onConnect`/`onData` styles). */
function countingHandler(handler: object, maxBytes: number, onExceeded: () => void): object {
  let bytes = 0;
  let legacyAbort: ((err: Error) => void) | undefined;
  const over = (chunk: unknown): boolean => {
    bytes += ArrayBuffer.isView(chunk) ? chunk.byteLength : 0;
    if (bytes <= maxBytes) return false;
    onExceeded();
    return true;
  };
  return new Proxy(handler, {
    get(target, key, receiver) {
      const value: unknown = Reflect.get(target, key, receiver);
      if (typeof value !== 'function') return value;
      const call = (...args: unknown[]): unknown => Reflect.apply(value, target, args);
      switch (key) {
        case 'onResponseData':
          return (controller: unknown, chunk: unknown) => {
            if (!over(chunk)) return call(controller, chunk);
            if (isAbortable(controller)) controller.abort(new ResponseTooLargeError(maxBytes));
            return undefined;
          };
        case 'onConnect':
          return (abort: unknown, ...rest: unknown[]) => {
            if (typeof abort === 'function') legacyAbort = (err) => Reflect.apply(abort, undefined, [err]);
            return call(abort, ...rest);
          };
        case 'onData':
          return (chunk: unknown) => {
            if (!over(chunk)) return call(chunk);
            legacyAbort?.(new ResponseTooLargeError(maxBytes));
            return false;
          };
        default:
          return call;
      }
    },
  });
}

function isAbortable(v: unknown): v is { abort(reason: Error): void } {
  return typeof v === 'object' && v !== null && 'abort' in v && typeof v.abort === 'function';
}
