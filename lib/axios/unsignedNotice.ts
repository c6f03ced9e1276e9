import type { ApigSignerOptions } from './apigSigner';

/** Why a host goes unsigned, and what to do: said by the notice, the debug hook and `sign: true`. */
export const NOT_IN_HOSTS =
  'is not in `hosts` (default: AWS endpoints only): add it to `hosts` in apigSigner() options.';

/**
 * The notice for a request that went out unsigned and looks like a mistake, so that API
 * Gateway's "Missing Authentication Token" is not the only symptom.
 *
 * What it says: one `console.warn` per signer, for the first request to a host outside `hosts`
 * that looks meant to be signed:
 * - without `hosts`, when `region` or `service` is set: the signer was told how to sign for a
 *   host whose region cannot be read off its name (a custom domain, a local server), yet only
 *   AWS endpoint host names are signed by default;
 * - with `hosts`, when the host name is listed with another port (`127.0.0.1:8080` listed,
 *   `127.0.0.1:3000` requested).
 *
 * What it never does: speak when a `debug` hook is given (the hook hears of every unsigned
 * request, with the reason), speak twice for one signer, speak for a host absent from `hosts`
 * when `hosts` is given (that list says which hosts to sign: the others are meant to pass
 * through), speak for `apigSigner: { sign: false }`, or quote the query (it may hold secrets).
 * It never changes the request.
 */
export function unsignedNotice(
  options: Pick<ApigSignerOptions, 'hosts' | 'region' | 'service' | 'debug'>,
): (url: URL, method: string | undefined) => void {
  let told = false;
  return (url, method) => {
    const { hosts } = options;
    if (
      told ||
      options.debug ||
      !(hosts
        ? hosts.some(
            (entry) => typeof entry === 'string' && /(.*):\d+$/.exec(entry)?.[1] === url.hostname,
          )
        : (options.region ?? options.service))
    ) {
      return;
    }
    told = true;
    console.warn(
      `apig-signer: ${(method ?? 'get').toUpperCase()} ${url.origin}${url.pathname} went out unsigned: ${url.host} ${NOT_IN_HOSTS} Said once per signer; \`debug\` hears of every unsigned request.`,
    );
  };
}
