import {
  compareSigning,
  expectedSigning,
  isSignatureMismatch,
} from '../../cli/src/signatureMismatch';

const CANONICAL = [
  'GET',
  '/prod/notes',
  'q=1',
  'host:api.example.com',
  'x-amz-date:20260101T000000Z',
  '',
  'host;x-amz-date',
  'e3b0',
].join('\n');
const STRING_TO_SIGN = [
  'AWS4-HMAC-SHA256',
  '20260101T000000Z',
  '20260101/eu-west-2/execute-api/aws4_request',
  'abcd',
].join('\n');

describe('isSignatureMismatch', () => {
  it.each([
    ['InvalidSignatureException', '', true],
    [
      'InvalidSignatureException:http://internal.amazon.com/coral/com.amazon.coral.service/',
      '',
      true,
    ],
    ['SignatureDoesNotMatch', '', true],
    [undefined, '<Error><Code>SignatureDoesNotMatch</Code></Error>', true],
    ['ExpiredTokenException', '', false],
    [undefined, '{"message":"Forbidden"}', false],
  ])('%s %s → %s', (type, body, expected) => {
    expect(isSignatureMismatch(type, body)).toBe(expected);
  });
});

describe('expectedSigning', () => {
  it("reads API Gateway's JSON message", () => {
    const body = JSON.stringify({
      message: `The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.\n\nThe Canonical String for this request should have been\n'${CANONICAL}'\n\nThe String-to-Sign should have been\n'${STRING_TO_SIGN}'\n`,
    });
    expect(expectedSigning(body)).toEqual({
      canonicalRequest: CANONICAL,
      stringToSign: STRING_TO_SIGN,
    });
  });

  it('reads an XML answer, unescaping entities', () => {
    const body = `<Error><Code>SignatureDoesNotMatch</Code><StringToSign>${STRING_TO_SIGN}</StringToSign><CanonicalRequest>GET\n/a&amp;b\n\nhost:x\n\nhost\nUNSIGNED-PAYLOAD</CanonicalRequest></Error>`;
    expect(expectedSigning(body)).toEqual({
      canonicalRequest: 'GET\n/a&b\n\nhost:x\n\nhost\nUNSIGNED-PAYLOAD',
      stringToSign: STRING_TO_SIGN,
    });
  });

  it('is undefined when the answer does not say', () => {
    expect(expectedSigning('{"message":"Signature expired"}')).toBeUndefined();
  });
});

describe('compareSigning', () => {
  it('marks the first differing line and names it: a header value with a trailing space', () => {
    const ours = CANONICAL.replace('host:api.example.com', 'host:api.example.com ');
    const lines = compareSigning(
      { canonicalRequest: CANONICAL, stringToSign: undefined },
      { canonicalRequest: ours, stringToSign: STRING_TO_SIGN },
    );
    const marked = lines.filter((line) => line.startsWith('>'));
    expect(marked).toEqual([
      expect.stringMatching(/^> 4 host:api\.example\.com +\| host:api\.example\.com·$/),
    ]);
    expect(lines).toContain('First difference: line 4, a signed header (marked >).');
  });

  it.each([
    [7, 'the signed header names'],
    [8, 'the payload hash'],
    [3, 'the query'],
  ])('names line %i as %s', (line, part) => {
    const ours = CANONICAL.split('\n');
    ours[line - 1] = `${ours[line - 1]}x`;
    const lines = compareSigning(
      { canonicalRequest: CANONICAL, stringToSign: undefined },
      { canonicalRequest: ours.join('\n'), stringToSign: STRING_TO_SIGN },
    );
    expect(lines).toContain(`First difference: line ${line}, ${part} (marked >).`);
  });

  it('says the keys differ when the canonical requests are the same', () => {
    const lines = compareSigning(
      { canonicalRequest: CANONICAL, stringToSign: STRING_TO_SIGN },
      { canonicalRequest: CANONICAL, stringToSign: STRING_TO_SIGN },
    );
    expect(lines.filter((line) => line.startsWith('>'))).toEqual([]);
    expect(lines.at(-1)).toMatch(/^The canonical requests match, so the keys differ/);
  });
});
