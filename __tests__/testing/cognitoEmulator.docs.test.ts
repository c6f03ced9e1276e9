import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { createChallengeStore } from '../../lib/testing/cognito/challenges';
import { identityPoolOperations } from '../../lib/testing/cognito/identityPool';
import { createOutbox } from '../../lib/testing/cognito/outbox';
import { createState } from '../../lib/testing/cognito/state';
import { createTokenService } from '../../lib/testing/cognito/tokens';
import { userPoolOperations } from '../../lib/testing/cognito/userPool';

/** docs/testing.md's table of what the emulator speaks is the emulator's own table. */
describe('docs/testing.md "What the emulator speaks"', () => {
  const doc = readFileSync(join(__dirname, '../../docs/testing.md'), 'utf8');
  const section = doc.slice(doc.indexOf('### What the emulator speaks'));
  const start = section.indexOf('\n|');
  const table = section.slice(start, section.indexOf('\n\n', start));
  const named = new Set(
    [...table.matchAll(/`([A-Za-z_]+)`/g)]
      .map((m) => m[1] ?? '')
      .filter((n) => /^[A-Z][a-z]/.test(n)),
  );

  const state = createState({});
  const tokens = createTokenService(state);
  const operations = [
    ...Object.keys(
      userPoolOperations({
        state,
        tokens,
        challenges: createChallengeStore(state),
        outbox: createOutbox(state),
      }),
    ),
    ...Object.keys(identityPoolOperations(state, tokens).operations),
  ].sort();

  it('lists every operation the emulator answers, and no other', () => {
    expect([...named].sort()).toEqual(operations);
  });
});
