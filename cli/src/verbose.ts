import type { SigningDebugInfo } from 'apig-signer';

import { REDACTED, redactToken } from './redactToken';
import type { Answer, SentRequest } from './sendRequest';

const SECRET_HEADERS = new Set(['x-amz-security-token']);

/** curl -v's picture of a request: `> ` lines. */
export function describeSent(sent: SentRequest, token: string | undefined): string[] {
  const lines = [`> ${sent.method} ${redactToken(sent.target, token)} HTTP/1.1`];
  for (const [name, value] of sent.headers) {
    lines.push(`> ${name}: ${SECRET_HEADERS.has(name.toLowerCase()) ? REDACTED : value}`);
  }
  lines.push('>');
  return lines;
}

/** curl -v's picture of an answer's head: `< ` lines. */
export function describeAnswer(answer: Answer): string[] {
  const lines = [`< HTTP/${answer.httpVersion} ${answer.status} ${answer.statusText}`.trimEnd()];
  for (const [name, value] of answer.headers) lines.push(`< ${name}: ${value}`);
  lines.push('<');
  return lines;
}

/** The library's debug record: scope, canonical request and string to sign. */
export function describeSigning(info: SigningDebugInfo): string[] {
  return [
    `* Signing for region ${info.region}, service ${info.service}, at ${info.signingDate.toISOString()}`,
    '* Canonical request:',
    ...info.canonicalRequest.split('\n').map((line) => `*   ${line}`),
    '* String to sign:',
    ...info.stringToSign.split('\n').map((line) => `*   ${line}`),
  ];
}
