import { redactToken, redactTokenInBytes } from './redactToken';
import type { Answer } from './sendRequest';

/**
 * The answer with the session token replaced by `<redacted>` in its status text, headers and
 * body. AWS's signature refusals quote the canonical request they expected, token included:
 * printed as it came, it would end up on screens, in CI logs and in bug reports.
 *
 * @returns the answer (the same object when the token is not in it), and where a token was
 * replaced: in the status line or headers (`head`), in the body.
 */
export function redactAnswer(
  answer: Answer,
  token: string | undefined,
): { answer: Answer; redacted: { head: boolean; body: boolean } } {
  const statusText = redactToken(answer.statusText, token);
  const headers = answer.headers.map(([name, value]): [string, string] => [
    redactToken(name, token),
    redactToken(value, token),
  ]);
  const body = redactTokenInBytes(answer.body, token);
  const redacted = {
    head:
      statusText !== answer.statusText ||
      headers.some(
        ([name, value], i) => name !== answer.headers[i]?.[0] || value !== answer.headers[i]?.[1],
      ),
    body: body !== answer.body,
  };
  return {
    answer: redacted.head || redacted.body ? { ...answer, statusText, headers, body } : answer,
    redacted,
  };
}
