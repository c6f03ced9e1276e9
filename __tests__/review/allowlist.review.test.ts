import axios from 'axios';
import type { InternalAxiosRequestConfig } from 'axios';

import { apigSigner } from '../../lib';
import { TEST_KEYS } from '../helpers/setup';

describe('review: RegExp host patterns', () => {
  it('an alternation whose first branch is not anchored at the end cannot sign a look-alike host', async () => {
    const sent: InternalAxiosRequestConfig[] = [];
    const api = axios.create({
      adapter: (config) => {
        sent.push(config);
        return Promise.resolve({ data: '', status: 200, statusText: 'OK', headers: {}, config });
      },
    });
    api.interceptors.request.use(
      apigSigner({
        credentials: { ...TEST_KEYS },
        region: 'eu-west-1',
        // Ends with `$`, but only its second branch is anchored.
        hosts: [/^api\.example\.com|^www\.example\.com$/],
      }),
    );
    await api.get('https://api.example.com.evil.net/x');
    expect(sent).toHaveLength(1);
    expect(sent[0]!.headers.get('authorization')).toBeUndefined();
    expect(sent[0]!.headers.get('x-amz-security-token')).toBeUndefined();
  });
});
