import { bad } from './signUpFlow';
import type { AuthEvent } from './accountTypes';

/** One place auth events go out: `subscribe` for the app, `emit` for the session code. */
export interface AuthEvents {
  subscribe: (listener: (event: AuthEvent) => void) => () => void;
  emit: (type: AuthEvent['type'], username: string | undefined, fromOtherTab?: boolean) => void;
}

export function createAuthEvents(): AuthEvents {
  const listeners = new Set<(event: AuthEvent) => void>();
  return {
    subscribe(listener) {
      if (typeof listener !== 'function') {
        throw bad('subscribe(listener): listener must be a function.');
      }
      // A wrapper per subscription, so the same function subscribed twice is called twice and
      // each unsubscribe removes only its own.
      const entry = (event: AuthEvent) => {
        listener(event);
      };
      listeners.add(entry);
      return () => {
        listeners.delete(entry);
      };
    },
    emit(type, username, fromOtherTab = false) {
      if (username === undefined) return;
      const event: AuthEvent = { type, username, fromOtherTab };
      for (const listener of [...listeners]) {
        try {
          listener(event);
        } catch (error) {
          // One listener's fault must neither stop the others nor the sign-in that emitted.
          (globalThis as { reportError?: (error: unknown) => void }).reportError?.(error);
        }
      }
    },
  };
}
