/**
 * A time limit on an AbortController, as `AbortSignal.timeout` sets one (aborted with a "TimeoutError" DOMException,
 * never what keeps the process running), but with a timer the caller clears once the work is over: the built-in's
 * fired seconds after every call and request had ended, making a DOMException and an abort event each time
 * (bench/profile.md, "Eleventh pass (HTTP)").
 */
export function abortAfter(controller: AbortController, ms: number, onTimeout?: () => void): NodeJS.Timeout {
  const timer = setTimeout(() => {
    onTimeout?.();
    controller.abort(new DOMException('The operation was aborted due to timeout', 'TimeoutError'));
  }, ms);
  timer.unref();
  return timer;
}
