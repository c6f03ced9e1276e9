/** What `apig-signer --help` prints; docs/cli.md shows the same text (a test compares them). */
export const HELP = `Usage: apig-signer [options] <url>
       apig-signer sandbox      a local API Gateway and Cognito with a demo user, to try it

curl for AWS API Gateway endpoints with IAM auth: signs the request with AWS Signature
Version 4 and sends it. Credentials come from a Cognito user (--user-pool-id, --client-id,
--identity-pool-id, --username) or else from the AWS SDK's default chain (environment,
--profile or AWS_PROFILE, SSO, container and instance roles), as the AWS CLI finds them.

Request:
  -X, --request <method>        the HTTP method (default GET, or POST with a body)
  -H, --header <line>           a header, "Name: value" (repeatable)
  -d, --data <data>             a body: text, @file, or @- for stdin (line breaks and NUL
                                bytes removed; repeatable, joined with &); Content-Type
                                application/x-www-form-urlencoded unless -H sets one
      --data-binary <data>      a body sent byte for byte: text, @file or @- (repeatable)
      --json <data>             a JSON body: text, @file or @-; sets Content-Type and
                                Accept to application/json
      --data-urlencode <data>   a part of the body, URL-encoded as curl does: text,
                                name=text, @file, name@file
  -T, --upload-file <file>      upload the file (- for stdin) with PUT, unless -X says
                                otherwise; a URL ending in / gets the file's name
  -G, --get                     send the -d data as the query string of a GET
  -I, --head                    send a HEAD request and print the status line and headers
  -L, --location                follow redirects: the same origin is signed again, another
                                origin gets no signature; at most --max-redirs (default 50)
      --max-redirs <n>          with -L, at most this many redirects (exit 47 beyond)
      --max-time <seconds>      give up after this long, sign-in included (exit 28)
      --connect-timeout <s>     give up connecting after this long (exit 28)
      --retry <n>               retry a timeout, or HTTP 408, 429, 500, 502, 503, 504, up to
                                n times (waiting Retry-After, else 1 s, 2 s, 4 s, ...)
  -x, --proxy <url>             an http:// proxy (https:// goes through it with CONNECT);
                                default: https_proxy, http_proxy, all_proxy (either case)
      --noproxy <hosts>         hosts to reach directly (default: no_proxy / NO_PROXY)
  -k, --insecure                accept any TLS certificate (for local test servers only)
      --cacert <file>           trust the certificates in this PEM file instead

Signing:
      --region <region>         the region to sign for (default: read off the host name;
                                needed for custom domains)
      --service <service>       the service to sign for (default: read off the host name,
                                otherwise execute-api)
      --presign [seconds]       print a presigned URL (query-string auth) valid this long
                                (default 300) instead of sending; wss:// URLs too

Credentials, first match wins:
      --user-pool-id <id>       a Cognito user: the user pool, e.g. eu-west-2_AbCdEf123
      --client-id <id>          the user pool's app client (without a client secret)
      --identity-pool-id <id>   the identity pool that gives the user AWS credentials
      --username <name>         the user; the password comes from APIG_SIGNER_PASSWORD or
                                a hidden prompt, and challenges (new password, MFA code)
                                are answered at the prompt
      --cognito-endpoint <url>  send the Cognito calls to this URL (emulators, proxies)
      --no-session-cache        sign in afresh and keep nothing on disk (by default the
                                session's tokens, never the password, are kept per user in
                                $XDG_CACHE_HOME/apig-signer, or the platform's cache folder)
      --sign-out                with the Cognito user's four options and no URL: revoke
                                the kept session's refresh token and remove the session
      --forgot-password         with the Cognito user's four options and no URL: reset the
                                password with the code Cognito sends (asked at the terminal)
      --profile <name>          otherwise, the AWS SDK's default chain with this profile
                                (default: AWS_PROFILE)

Output:
  -i, --include                 print the status line and headers before the body
  -o, --output <file>           write the body to this file instead of stdout
  -D, --dump-header <file>      write the status line and headers to this file (- for
                                stdout)
  -w, --write-out <format>      print after the body: %{http_code}, %{time_total},
                                %{size_download}, %{content_type}, %{url_effective},
                                %{num_redirects}, %{method}; \\n, \\t
  -s, --silent                  print no error message unless the input is bad
  -S, --show-error              with -s, print error messages all the same
  -f, --fail                    on HTTP 400 and above, print no body and exit 22 (with -i,
                                the status line and headers are printed)
      --fail-with-body          on HTTP 400 and above, print the body and exit 22
  -v, --verbose                 print to stderr the request as sent (session token
                                redacted), the canonical request and string to sign, and
                                on a signature refusal the canonical request AWS expected
                                beside ours, the first differing line marked
  -h, --help                    print this help
  -V, --version                 print the version

The body goes to stdout byte for byte as it arrives, except the session token the
request was signed with: if the answer quotes it (AWS's signature refusals do), stdout, -i
and -o show <redacted> instead. On a terminal, JSON is indented and coloured (no colour
when NO_COLOR is set or TERM=dumb).

Exit codes:
  0   done (whatever the HTTP status, without --fail)
  1   an unexpected failure; the message says what
  2   bad input or no credentials: one line on stderr says what to do; nothing was sent
  5   the proxy's host name could not be resolved
  6   the host name could not be resolved
  7   could not connect (to the host or the proxy)
  22  HTTP 400 or above, with --fail or --fail-with-body
  23  the body could not be written (a closed pipe included, as with | head)
  26  a file to send (or stdin) could not be read, or changed while it was sent
  28  --max-time or --connect-timeout reached
  35  the TLS handshake failed
  47  more redirects than --max-redirs
  56  the connection broke while sending or receiving, or the proxy refused
  60  the server's certificate is not trusted (see --cacert, -k)
  67  Cognito refused the sign-in (password, code, new password or unconfirmed user)
  77  the --cacert file could not be read

Examples:
  apig-signer --profile dev https://a1b2c3d4e5.execute-api.eu-west-2.amazonaws.com/prod/notes
  apig-signer --user-pool-id eu-west-2_AbCdEf123 --client-id 1example23456789 \\
    --identity-pool-id eu-west-2:11111111-2222-3333-4444-555555555555 --username alice \\
    --json '{"content":"hello"}' https://a1b2c3d4e5.execute-api.eu-west-2.amazonaws.com/prod/notes
`;
