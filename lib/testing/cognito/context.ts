import type { ChallengeStore } from './challenges';
import type { Outbox } from './outbox';
import type { EmulatorState } from './state';
import type { TokenService } from './tokens';

/** One operation of the JSON protocol: the request body in, the answer body out. */
export type Operation = (body: Record<string, unknown>) => unknown;

/** Operations by name, as `X-Amz-Target` names them. */
export type OperationTable = Record<string, Operation>;

/** What every user-pool module works on. */
export interface PoolContext {
  readonly state: EmulatorState;
  readonly tokens: TokenService;
  readonly challenges: ChallengeStore;
  readonly outbox: Outbox;
}

/** A string field of a request body, or `''`. */
export const text = (value: unknown): string => (typeof value === 'string' ? value : '');

/** A table lookup that ignores what `Object.prototype` has (`toString`, `__proto__`). */
export function lookup<T>(table: Record<string, T>, name: string): T | undefined {
  return Object.hasOwn(table, name) ? table[name] : undefined;
}
