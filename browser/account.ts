// The account page: a new user's way in, in Chromium, as an app built on apig-signer/cognito
// takes it. scripts/browser-test.mjs drives it one step at a time (sign-up, confirm, sign-in,
// TOTP set-up, MFA sign-in, a signed call) and hands in what only Node can read: the code the
// emulator "emailed" and the authenticator app's TOTP codes. Each step returns what happened, or
// the error's name and code, so the script can check it.
import axios from 'axios';

import { apigSigner } from '../lib/index';
import type { SignInResult } from '../lib/cognito/index';
import { config, pageAuth } from './config';

const auth = pageAuth();
const api = axios.create({ baseURL: config.apiUrl });
api.interceptors.request.use(
  apigSigner({ credentials: auth.credentials, region: config.region, hosts: ['127.0.0.1'] }),
);

/** The sign-in in progress, kept between steps while it waits for its MFA code. */
let pending: SignInResult | undefined;

/** Runs a step; a rejection becomes `{ error: { name, code, message } }`. */
async function step<T>(run: () => Promise<T>): Promise<T | { error: Record<string, unknown> }> {
  try {
    return await run();
  } catch (error) {
    const e = error as { name?: string; code?: string; message?: string };
    return { error: { name: e.name, code: e.code, message: e.message } };
  }
}

const flow = {
  signUp: () =>
    step(() =>
      auth.signUp(config.username, config.password, {
        attributes: { email: `${config.username}@example.com` },
      }),
    ),
  confirmSignUp: (code: string) =>
    step(async () => {
      await auth.confirmSignUp(config.username, code);
      return { confirmed: true };
    }),
  signIn: () =>
    step(async () => {
      pending = await auth.signIn(config.username, config.password);
      return { challenge: pending.challenge?.name ?? null, username: auth.username ?? null };
    }),
  setUpTotp: () =>
    step(async () => {
      const totp = await auth.setUpTotp();
      return { secret: totp.secret, uri: totp.uri('Notes') };
    }),
  verifyTotp: (code: string) =>
    step(async () => {
      await auth.verifyTotp(code, { deviceName: 'browser' });
      return { verified: true };
    }),
  preferTotp: () =>
    step(async () => {
      await auth.setMfaPreference({ totp: 'preferred' });
      return { preferred: true };
    }),
  signOut() {
    auth.signOut();
    return { username: auth.username ?? null };
  },
  /** Answers the pending sign-in's MFA challenge with `code`. */
  answerMfa: (code: string) =>
    step(async () => {
      const challenge = pending?.challenge;
      if (challenge?.name !== 'SOFTWARE_TOKEN_MFA') {
        throw new Error(`no SOFTWARE_TOKEN_MFA challenge to answer (${challenge?.name ?? 'none'})`);
      }
      pending = await challenge.answer(code);
      return { challenge: pending.challenge?.name ?? null, username: auth.username ?? null };
    }),
  call: (path: string) =>
    step(async () => {
      const response = await api.post(`/account/${path}`, { step: path });
      return { status: response.status };
    }),
};

(window as unknown as { flow: typeof flow }).flow = flow;
document.body.dataset['ready'] = 'true';
