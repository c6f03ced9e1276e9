import axios from 'axios';

import { apigSigner, signRequest } from '../../lib';
import { startSigV4Gateway } from '../../lib/testing';
import type { SigV4Gateway } from '../../lib/testing';

/**
 * Credentials rotated in place: the strategy hands back the same object, updated with new keys
 * (the AWS SDK v2's `AWS.Credentials` refresh this way). The signing-key cache must follow the
 * keys, not the object. The gateway, an independent verifier, is the judge.
 */
let gateway: SigV4Gateway;
afterEach(async () => {
  await gateway.close();
});

const FIRST = { accessKeyId: 'AKIDROTATE', secretAccessKey: 'first/secret' };

describe('credentials rotated in place', () => {
  it('axios: a new secret under the same key id signs correctly at once', async () => {
    gateway = await startSigV4Gateway({ credentials: [FIRST] });
    const shared: { accessKeyId: string; secretAccessKey: string; sessionToken?: string } = {
      ...FIRST,
    };
    const api = axios.create({ baseURL: `${gateway.url}/prod` });
    api.interceptors.request.use(
      apigSigner({
        credentials: () => Promise.resolve(shared),
        region: 'us-east-1',
        hosts: ['127.0.0.1'],
      }),
    );
    expect((await api.get('/notes')).status).toBe(200);

    gateway.addCredentials({ ...FIRST, secretAccessKey: 'second/secret' });
    shared.secretAccessKey = 'second/secret';
    expect((await api.get('/notes')).status).toBe(200);

    gateway.addCredentials({
      accessKeyId: 'ASIATHIRD',
      secretAccessKey: 'third/secret',
      sessionToken: 'third-token',
    });
    Object.assign(shared, {
      accessKeyId: 'ASIATHIRD',
      secretAccessKey: 'third/secret',
      sessionToken: 'third-token',
    });
    expect((await api.post('/notes', { n: 3 })).status).toBe(200);
    expect(gateway.requests.map((r) => [r.verdict.accepted, r.verdict.accessKeyId])).toEqual([
      [true, 'AKIDROTATE'],
      [true, 'AKIDROTATE'],
      [true, 'ASIATHIRD'],
    ]);
  });

  it('signRequest: the same credentials object, mutated, signs with its new secret', async () => {
    gateway = await startSigV4Gateway({ credentials: [FIRST] });
    const shared = { ...FIRST };
    const send = async () => {
      const signed = await signRequest({
        method: 'GET',
        url: `${gateway.url}/prod/x`,
        credentials: () => Promise.resolve(shared),
        region: 'us-east-1',
      });
      return (await fetch(signed.url, { headers: signed.headers })).status;
    };
    expect(await send()).toBe(200);
    gateway.addCredentials({ ...FIRST, secretAccessKey: 'second/secret' });
    shared.secretAccessKey = 'second/secret';
    expect(await send()).toBe(200);
  });
});
