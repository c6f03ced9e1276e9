/** What AWS says it expected when it refuses a signature, read off its answer. */
export interface ExpectedSigning {
  canonicalRequest: string;
  stringToSign: string | undefined;
}

/** The `x-amzn-ErrorType`s (and XML `<Code>`s) of a signature AWS computed differently. */
const MISMATCH_TYPES = new Set(['InvalidSignatureException', 'SignatureDoesNotMatch']);

/** Whether an answer says the signature did not match (the part before `:` of the type). */
export function isSignatureMismatch(errorType: string | undefined, body: string): boolean {
  if (errorType !== undefined && MISMATCH_TYPES.has(errorType.split(':')[0]?.trim() ?? '')) {
    return true;
  }
  return /<Code>SignatureDoesNotMatch<\/Code>/.test(body);
}

function unescapeXml(text: string): string {
  return text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');
}

/**
 * The canonical request (and string to sign) AWS says it expected. JSON services (API Gateway,
 * Lambda) put them in the message: "The Canonical String for this request should have been
 * '…'"; XML services in `<CanonicalRequest>` and `<StringToSign>`.
 */
export function expectedSigning(body: string): ExpectedSigning | undefined {
  let message = body;
  try {
    const parsed: unknown = JSON.parse(body);
    if (typeof parsed === 'object' && parsed !== null) {
      const { message: lower, Message: upper } = parsed as Record<string, unknown>;
      const text = typeof lower === 'string' ? lower : upper;
      if (typeof text === 'string') message = text;
    }
  } catch {
    // Not JSON: an XML answer, or text.
  }
  const json =
    /The Canonical String for this request should have been\n'([\s\S]*?)'\n\nThe String-to-Sign should have been\n'([\s\S]*?)'/.exec(
      message,
    );
  if (json !== null) {
    return { canonicalRequest: json[1] as string, stringToSign: json[2] };
  }
  const xml = /<CanonicalRequest>([\s\S]*?)<\/CanonicalRequest>/.exec(body);
  if (xml !== null) {
    const stringToSign = /<StringToSign>([\s\S]*?)<\/StringToSign>/.exec(body)?.[1];
    return {
      canonicalRequest: unescapeXml(xml[1] as string),
      stringToSign: stringToSign === undefined ? undefined : unescapeXml(stringToSign),
    };
  }
  return undefined;
}

/** Wide enough for a SHA-256 hash and most header lines. */
const COLUMN_WIDTH = 72;

/** Names the parts of a canonical request by line, to say what differs. */
function partOfCanonicalRequest(lines: readonly string[], index: number): string {
  if (index === 0) return 'the method';
  if (index === 1) return 'the path';
  if (index === 2) return 'the query';
  const blank = lines.indexOf('', 3);
  if (blank === -1 || index < blank) return 'a signed header';
  if (index === blank) return 'the end of the headers';
  if (index === blank + 1) return 'the signed header names';
  return 'the payload hash';
}

function partOfStringToSign(index: number): string {
  return (
    ['the algorithm', 'the date', 'the credential scope', 'the canonical request hash'][index] ??
    'a line'
  );
}

/** The index of the first line that differs, or `-1` when the texts are equal. */
function firstDifference(a: readonly string[], b: readonly string[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i += 1) {
    if (a[i] !== b[i]) return i;
  }
  return -1;
}

/** Shows whitespace at the ends of a line, which decides signatures and hides on screens. */
function visible(line: string | undefined): string {
  if (line === undefined) return '(no line)';
  return line.replace(/^\s+|\s+$/g, (space) => space.replace(/ /g, '·').replace(/\t/g, '→'));
}

function sideBySide(
  title: string,
  expected: readonly string[],
  ours: readonly string[],
  part: (index: number) => string,
): string[] {
  const differs = firstDifference(expected, ours);
  const width = Math.min(
    COLUMN_WIDTH,
    Math.max('AWS expected'.length, ...expected.map((line) => visible(line).length)),
  );
  const out = [`${title}:`, `    ${'AWS expected'.padEnd(width)} | apig-signer signed`];
  for (let i = 0; i < Math.max(expected.length, ours.length); i += 1) {
    const left = visible(expected[i]);
    const cell = left.length > width ? `${left.slice(0, width - 1)}…` : left.padEnd(width);
    // Ends trimmed: spaces that matter are shown as · by visible().
    out.push(
      `${i === differs ? '>' : ' '}${String(i + 1).padStart(2)} ${cell} | ${visible(ours[i])}`.trimEnd(),
    );
  }
  out.push(
    differs === -1
      ? 'They are the same.'
      : `First difference: line ${differs + 1}, ${part(differs)} (marked >).`,
  );
  return out;
}

/**
 * Puts the canonical request AWS expected beside the one apig-signer signed, marking the first
 * line that differs; the same for the strings to sign when AWS gave its own.
 *
 * @returns lines to print (without a trailing newline).
 */
export function compareSigning(
  expected: ExpectedSigning,
  ours: { canonicalRequest: string; stringToSign: string },
): string[] {
  const expectedLines = expected.canonicalRequest.split('\n');
  const out = sideBySide(
    'Canonical request',
    expectedLines,
    ours.canonicalRequest.split('\n'),
    (index) => partOfCanonicalRequest(expectedLines, index),
  );
  if (expected.stringToSign !== undefined) {
    out.push(
      ...sideBySide(
        'String to sign',
        expected.stringToSign.split('\n'),
        ours.stringToSign.split('\n'),
        partOfStringToSign,
      ),
    );
  }
  if (expected.canonicalRequest === ours.canonicalRequest) {
    out.push(
      'The canonical requests match, so the keys differ: the secret key does not belong to the access key id, or --region/--service name another scope.',
    );
  }
  return out;
}
