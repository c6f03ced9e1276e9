import { ConfigurationError } from '../../errors';
import type { EmulatorFault } from './types';

/** What to do with one call instead of (or before) answering it. */
export type FaultAction =
  | { kind: 'error'; type: string; message: string; status: number }
  | { kind: 'reset' }
  | { kind: 'malformed'; status: number }
  | { kind: 'delay' };

/** A planned fault, with how long to wait first. */
export interface PlannedFault {
  delayMs: number;
  action: FaultAction;
}

/** Injected faults, spent one call at a time, oldest first. */
export interface FaultQueue {
  add(fault: EmulatorFault): void;
  /** The fault for this call of `operation`, spending one of its `times`; or `undefined`. */
  take(operation: string): PlannedFault | undefined;
  clear(): void;
}

function validate(fault: EmulatorFault): void {
  const times = fault.times ?? 1;
  if (!Number.isInteger(times) || times < 1) {
    throw new ConfigurationError(
      'ERR_CONFIGURATION',
      'fail(): times must be a whole number, 1 or more.',
    );
  }
  const delay = fault.delayMs ?? 0;
  if (typeof delay !== 'number' || Number.isNaN(delay) || delay < 0) {
    throw new ConfigurationError(
      'ERR_CONFIGURATION',
      'fail(): delayMs must be 0 or more milliseconds (or Infinity).',
    );
  }
}

function actionOf(fault: EmulatorFault): FaultAction {
  if (fault.reset) return { kind: 'reset' };
  if (fault.malformedBody) return { kind: 'malformed', status: fault.status ?? 200 };
  if (fault.error !== undefined) {
    return {
      kind: 'error',
      type: fault.error,
      message: fault.message ?? `Injected ${fault.error}`,
      status: fault.status ?? (fault.error === 'InternalErrorException' ? 500 : 400),
    };
  }
  return { kind: 'delay' };
}

export function createFaultQueue(): FaultQueue {
  let faults: Array<{ operation: string; remaining: number; planned: PlannedFault }> = [];
  return {
    add(fault) {
      validate(fault);
      faults.push({
        operation: fault.operation,
        remaining: fault.times ?? 1,
        planned: { delayMs: fault.delayMs ?? 0, action: actionOf(fault) },
      });
    },
    take(operation) {
      const fault = faults.find(
        (f) => f.remaining > 0 && (f.operation === operation || f.operation === '*'),
      );
      if (fault === undefined) return undefined;
      fault.remaining -= 1;
      if (fault.remaining === 0) faults = faults.filter((f) => f !== fault);
      return fault.planned;
    },
    clear() {
      faults = [];
    },
  };
}
