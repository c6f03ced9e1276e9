/**
 * The command's exit codes. Where curl has a code for the same failure, the number is curl's, so
 * scripts written for curl keep working.
 */
export const EXIT = {
  OK: 0,
  /** Anything not listed here; the message says what. */
  FAILURE: 1,
  /** Bad input or no credentials: nothing was sent. */
  USAGE: 2,
  /** curl's CURLE_COULDNT_RESOLVE_PROXY. */
  RESOLVE_PROXY: 5,
  /** curl's CURLE_COULDNT_RESOLVE_HOST. */
  RESOLVE: 6,
  /** curl's CURLE_COULDNT_CONNECT. */
  CONNECT: 7,
  /** curl's CURLE_HTTP_RETURNED_ERROR (`--fail`). */
  HTTP_ERROR: 22,
  /** curl's CURLE_WRITE_ERROR. */
  WRITE: 23,
  /** curl's CURLE_READ_ERROR: a file to send (or stdin) cannot be read. */
  READ: 26,
  /** curl's CURLE_OPERATION_TIMEDOUT. */
  TIMEOUT: 28,
  /** curl's CURLE_SSL_CONNECT_ERROR: the TLS handshake failed. */
  TLS_CONNECT: 35,
  /** curl's CURLE_TOO_MANY_REDIRECTS (`-L` past `--max-redirs`). */
  TOO_MANY_REDIRECTS: 47,
  /** curl's CURLE_RECV_ERROR: the connection broke while sending or receiving. */
  CONNECTION: 56,
  /** curl's CURLE_PEER_FAILED_VERIFICATION: the server's certificate is not trusted. */
  PEER_CERTIFICATE: 60,
  /** curl's CURLE_LOGIN_DENIED: Cognito refused the sign-in. */
  LOGIN_DENIED: 67,
  /** curl's CURLE_SSL_CACERT_BADFILE: the `--cacert` file cannot be read. */
  CACERT_FILE: 77,
} as const;

/** A failure with the exit code it ends the command with and the one line to print. */
export class CliError extends Error {
  override name = 'CliError' as const;
  /** The process exit code. */
  readonly exitCode: number;

  constructor(exitCode: number, message: string, options?: { cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.exitCode = exitCode;
  }
}

/** Bad input: exit 2, nothing sent. */
export function usageError(message: string): CliError {
  return new CliError(EXIT.USAGE, message);
}
