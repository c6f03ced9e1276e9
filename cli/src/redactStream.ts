import { Transform } from 'node:stream';

import { redactTokenInBytes, tokenFormsLength, tokenPatternFor } from './redactToken';

/**
 * A stream that replaces the session token in what passes through, in every form
 * {@link redactTokenInBytes} knows, even when the token arrives split across chunks. The last
 * bytes of each chunk that could hold the start of a token (its longest form less one byte, six
 * bytes per byte of the token: a few KiB for an STS session token) are held back and scanned
 * again with the next chunk. The cost: those bytes are written one chunk later, and scanned
 * twice.
 *
 * @param onRedacted - called once, the first time the token is found.
 */
export function redactStream(token: string | undefined, onRedacted: () => void): Transform {
  if (token === undefined || token === '') {
    return new Transform({
      transform: (chunk, _encoding, done) => {
        done(null, chunk);
      },
    });
  }
  const keep = tokenFormsLength(token) - 1;
  const pattern = tokenPatternFor(token);
  let carry: Buffer = Buffer.alloc(0);
  let told = false;
  const scan = (bytes: Buffer): Buffer => {
    const redacted = redactTokenInBytes(bytes, token);
    if (redacted !== bytes && !told) {
      told = true;
      onRedacted();
    }
    return redacted;
  };
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      const bytes: Buffer = carry.length === 0 ? chunk : Buffer.concat([carry, chunk]);
      if (bytes.length <= keep) {
        carry = bytes;
        done();
        return;
      }
      // Bytes before `cut` are written now. A token that starts before `cut` lies whole in
      // `bytes` (its longest form fits): the output runs to its end, so it is never split.
      let cut = bytes.length - keep;
      const text = bytes.toString('latin1');
      pattern.lastIndex = 0;
      for (let match = pattern.exec(text); match !== null; match = pattern.exec(text)) {
        if (match.index >= cut) break;
        cut = Math.max(cut, match.index + match[0].length);
      }
      carry = Buffer.from(bytes.subarray(cut));
      done(null, scan(bytes.subarray(0, cut)));
    },
    flush(done) {
      done(null, carry.length === 0 ? undefined : scan(carry));
    },
  });
}
