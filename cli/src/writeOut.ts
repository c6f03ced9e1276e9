import { usageError } from './exitCodes';

/** What `-w` can print about the transfer. */
export interface TransferFacts {
  status: number;
  /** Seconds from start to the last byte. */
  timeTotal: number;
  /** Body bytes received. */
  sizeDownload: number;
  contentType: string | undefined;
  urlEffective: string;
  redirects: number;
  method: string;
}

const VARIABLES: Readonly<Record<string, (facts: TransferFacts) => string>> = {
  http_code: (facts) => String(facts.status).padStart(3, '0'),
  response_code: (facts) => String(facts.status).padStart(3, '0'),
  time_total: (facts) => facts.timeTotal.toFixed(6),
  size_download: (facts) => String(facts.sizeDownload),
  content_type: (facts) => facts.contentType ?? '',
  url_effective: (facts) => facts.urlEffective,
  num_redirects: (facts) => String(facts.redirects),
  method: (facts) => facts.method,
};

const ESCAPES: Readonly<Record<string, string>> = { n: '\n', r: '\r', t: '\t', '\\': '\\' };

/**
 * Checks a `-w` format before anything is sent: an unknown `%{variable}` is bad input.
 *
 * @throws {@link CliError} exit 2 naming the variable and the ones known.
 */
export function checkWriteOut(format: string): void {
  for (const match of format.matchAll(/%\{([^}]*)\}/g)) {
    if (!((match[1] as string) in VARIABLES)) {
      throw usageError(
        `-w: %{${match[1]}} is not a variable apig-signer knows: use ${Object.keys(VARIABLES)
          .map((name) => `%{${name}}`)
          .join(', ')}`,
      );
    }
  }
}

/** curl's `-w`: `%{variable}`, `%%`, and the escapes `\n`, `\r`, `\t`, `\\`. */
export function writeOut(format: string, facts: TransferFacts): string {
  return format.replace(/%\{([^}]*)\}|%%|\\([nrt\\])/g, (whole, name?: string, escape?: string) => {
    if (name !== undefined) return VARIABLES[name]?.(facts) ?? whole;
    if (escape !== undefined) return ESCAPES[escape] ?? whole;
    return '%';
  });
}
