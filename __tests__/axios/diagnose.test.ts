import { AxiosError, AxiosHeaders } from 'axios';
import type { AxiosResponse, InternalAxiosRequestConfig } from 'axios';

import { diagnose } from '../../lib/axios/recovery';

/** An axios error carrying the answer an AWS endpoint (or an app) gave. */
function answered(status: number, headers: Record<string, string>, data: unknown): AxiosError {
  const config = { headers: new AxiosHeaders() } as InternalAxiosRequestConfig;
  const response = {
    status,
    statusText: '',
    headers: new AxiosHeaders(headers),
    config,
    data,
  } as AxiosResponse;
  return new AxiosError('Request failed', 'ERR_BAD_REQUEST', config, {}, response);
}

const API_GATEWAY_EXPIRED =
  'Signature expired: 20210330T175821Z is now earlier than 20210330T180403Z (20210330T180903Z - 5 min.)';
const API_GATEWAY_NOT_YET =
  'Signature not yet current: 20210330T181500Z is still later than 20210330T181403Z (20210330T180903Z + 5 min.)';

describe('diagnose: a query-signed (signQuery) request outside its window', () => {
  it.each([
    ['expired (device clock slow)', API_GATEWAY_EXPIRED],
    ['not yet current (device clock fast)', API_GATEWAY_NOT_YET],
  ])(
    "API Gateway's answer, %s, is clock skew with the server's time from the message",
    (_, message) => {
      const error = answered(
        403,
        {
          'x-amzn-ErrorType': 'InvalidSignatureException',
          // A Date that disagrees: the message's own time wins (CORS may hide Date).
          Date: 'Thu, 01 Jan 2026 00:00:00 GMT',
        },
        { message },
      );
      expect(diagnose(error)).toEqual({
        kind: 'clock-skew',
        serverTime: Date.parse('2021-03-30T18:09:03Z'),
      });
    },
  );

  it('reads the window in seconds too ("- 90 sec.)"), whatever the response type', () => {
    const message =
      'Signature expired: 20300601T115800Z is now earlier than 20300601T115830Z (20300601T120000Z - 90 sec.)';
    for (const data of [
      { message },
      JSON.stringify({ message }),
      new TextEncoder().encode(JSON.stringify({ message })),
      new TextEncoder().encode(JSON.stringify({ message })).buffer,
    ]) {
      const error = answered(403, { 'x-amzn-ErrorType': 'InvalidSignatureException' }, data);
      expect(diagnose(error)).toEqual({
        kind: 'clock-skew',
        serverTime: Date.parse('2030-06-01T12:00:00Z'),
      });
    }
  });

  it('learns the time from the Date header when the message states none', () => {
    const error = answered(
      403,
      { 'x-amzn-ErrorType': 'InvalidSignatureException', Date: 'Sat, 01 Jun 2030 12:00:00 GMT' },
      { message: 'Signature expired' },
    );
    expect(diagnose(error)).toEqual({
      kind: 'clock-skew',
      serverTime: Date.parse('2030-06-01T12:00:00Z'),
    });
  });

  it('is final when neither the message nor a Date states the server time', () => {
    const error = answered(
      403,
      { 'x-amzn-ErrorType': 'InvalidSignatureException' },
      { message: 'Signature expired: 20300601T115800Z is now earlier than 20300601T115900Z' },
    );
    expect(diagnose(error)).toBeUndefined();
  });

  it.each([
    [
      "S3's presigned-URL answer (AccessDenied: an IAM policy's no as well)",
      403,
      { 'x-amzn-ErrorType': 'AccessDeniedException', Date: 'Sat, 01 Jun 2030 12:00:00 GMT' },
      { message: 'Request has expired' },
    ],
    [
      "an application's 403 with AWS's words but no AWS error type",
      403,
      { Date: 'Sat, 01 Jun 2030 12:00:00 GMT' },
      { message: API_GATEWAY_EXPIRED },
    ],
    [
      'the right type and words on a status other than 403',
      400,
      { 'x-amzn-ErrorType': 'InvalidSignatureException' },
      { message: API_GATEWAY_EXPIRED },
    ],
    [
      'InvalidSignatureException about the signature, not its time',
      403,
      { 'x-amzn-ErrorType': 'InvalidSignatureException', Date: 'Sat, 01 Jun 2030 12:00:00 GMT' },
      { message: 'The request signature we calculated does not match the signature you provided.' },
    ],
  ])('is final for %s', (_, status, headers, data) => {
    expect(diagnose(answered(status, headers, data))).toBeUndefined();
  });
});

describe('diagnose: the other answers keep their meaning', () => {
  it('an expired session token, in the header or an AWS JSON __type', () => {
    expect(
      diagnose(
        answered(
          403,
          { 'x-amzn-ErrorType': 'ExpiredTokenException:http://internal.amazon.com/coral/' },
          { message: 'The security token included in the request is expired' },
        ),
      ),
    ).toEqual({ kind: 'expired-credentials' });
    expect(
      diagnose(answered(403, {}, { __type: 'com.amazonaws.coral#ExpiredTokenException' })),
    ).toEqual({ kind: 'expired-credentials' });
  });

  it('no response at all (a network error) is final', () => {
    const config = { headers: new AxiosHeaders() } as InternalAxiosRequestConfig;
    expect(diagnose(new AxiosError('socket hang up', 'ECONNRESET', config))).toBeUndefined();
  });
});
