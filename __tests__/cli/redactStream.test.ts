import { Readable } from 'node:stream';
import { text as readText } from 'node:stream/consumers';

import { redactStream } from '../../cli/src/redactStream';
import { TEST_KEYS } from '../helpers/setup';

const TOKEN = TEST_KEYS.sessionToken;

/** The token as answers quote it: raw, percent-encoded, JSON-escaped. */
const FORMS = {
  raw: TOKEN,
  'percent-encoded': encodeURIComponent(TOKEN),
  'JSON-escaped': TOKEN.replace(/\//g, '\\/'),
};

async function through(chunks: readonly string[], token: string | undefined) {
  let told = 0;
  const out = await readText(
    Readable.from(chunks.map((chunk) => Buffer.from(chunk, 'latin1'))).pipe(
      redactStream(token, () => {
        told += 1;
      }),
    ),
  );
  return { out, told };
}

describe('redactStream', () => {
  it.each(Object.entries(FORMS))(
    'finds the token (%s) split across two chunks at every byte',
    async (_form, written) => {
      const whole = `before ${written} after`;
      for (let cut = 1; cut < whole.length; cut += 1) {
        const { out, told } = await through([whole.slice(0, cut), whole.slice(cut)], TOKEN);
        expect(out).toBe('before <redacted> after');
        expect(told).toBe(1);
      }
    },
  );

  it('finds the token arriving one byte at a time, twice, and says so once', async () => {
    const whole = `${TOKEN}|${encodeURIComponent(TOKEN)}`;
    const { out, told } = await through(Array.from(whole), TOKEN);
    expect(out).toBe('<redacted>|<redacted>');
    expect(told).toBe(1);
  });

  it('passes bytes through unchanged when the token is not there, or there is none', async () => {
    const chunks = ['a'.repeat(5000), TOKEN.slice(0, 10), 'b'.repeat(5000)];
    expect(await through(chunks, TOKEN)).toEqual({ out: chunks.join(''), told: 0 });
    expect(await through([TOKEN], undefined)).toEqual({ out: TOKEN, told: 0 });
  });
});
