import type { AxiosAdapter, AxiosPromise, InternalAxiosRequestConfig } from 'axios';

import { ApigSignerError } from '../errors';
import { appAdapter } from './appAdapter';
import { callOf } from './call';
import { resolveTarget } from './canonicalize';
import type { Call, Signer } from './call';
import { withDeadline } from './deadline';
import { markOf, registerDispatcher } from './mark';
import { recoverOnce } from './recover';
import { foreignAnswers, sendHop, sentErrors, settle } from './sendHop';
import { followRedirects, followsRedirects } from './serverRedirects';
import { signHop } from './signHop';

/**
 * One call, in the order things happen: under one deadline and cancellation, recovered once
 * from AWS's clock-skew or expired-token answer, redirects followed where the platform would
 * leak, each hop signed, then sent through the app's adapter.
 */
const run = withDeadline(
  recoverOnce(
    followRedirects(signHop(sendHop), {
      follows: followsRedirects,
      sentErrors,
      foreignAnswers,
      redirectError: (message) => new ApigSignerError('ERR_REDIRECT', message),
      resolveTarget,
    }),
  ),
);

async function dispatch(call: Call): AxiosPromise {
  return settle(await run(call, call.first), call);
}

/**
 * The signer's dispatcher: the adapter the interceptor puts in front of the app's own. axios
 * calls it after every request interceptor and the whole `transformRequest` chain, so the
 * request it sees is final: it is signed there, exactly as sent, and nothing of the app runs
 * between signing and the adapter. It hands axios one final answer, so `validateStatus` and
 * response interceptors see each call once.
 *
 * A request that is not the signer's (no mark of it, `sign: false`, a host outside `hosts`, not
 * http(s)) goes to the app's adapter untouched.
 */
export function createDispatcher(signer: Signer): AxiosAdapter {
  const dispatcher = async (config: InternalAxiosRequestConfig): AxiosPromise => {
    const mark = markOf(config);
    const app = appAdapter(mark?.adapter, config);
    if (mark?.signer !== signer.state) return app.adapter(config);
    const call = callOf(signer, config, app);
    if (call === undefined) return app.adapter(config);
    return 'then' in call ? call.then(dispatch) : dispatch(call);
  };
  registerDispatcher(dispatcher);
  return dispatcher;
}
