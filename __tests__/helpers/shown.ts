import { inspect } from 'node:util';

/**
 * Collects every way an object can be shown (util.inspect, String, JSON.stringify, and for
 * errors the message, stack and each cause's message), for sweeps that no secret is shown.
 */
export function showCollector(): { shown: string[]; show: (value: unknown) => void } {
  const shown: string[] = [];
  const show = (value: unknown) => {
    shown.push(inspect(value, { depth: 12, showHidden: true }), String(value));
    if (value instanceof Error) {
      shown.push(value.message, String(value.stack));
      let cause: unknown = value.cause;
      while (cause instanceof Error) {
        shown.push(cause.message);
        cause = cause.cause;
      }
    }
    try {
      shown.push(JSON.stringify(value) ?? '');
    } catch {
      // functions and cycles: inspect covers them
    }
  };
  return { shown, show };
}
