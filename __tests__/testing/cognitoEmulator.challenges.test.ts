/* eslint-disable @typescript-eslint/no-deprecated -- amazon-cognito-identity-js (its types mark every export deprecated) is the reference client here. */
import {
  AssociateSoftwareTokenCommand,
  CodeMismatchException,
  EnableSoftwareTokenMFAException,
  InitiateAuthCommand,
  NotAuthorizedException,
  RespondToAuthChallengeCommand,
  SetUserMFAPreferenceCommand,
  UserLambdaValidationException,
  VerifySoftwareTokenCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import type {
  AuthFlowType,
  CognitoIdentityProviderClient,
  InitiateAuthCommandOutput,
} from '@aws-sdk/client-cognito-identity-provider';
import { AuthenticationDetails, CognitoUser, CognitoUserPool } from 'amazon-cognito-identity-js';

import { startCognitoEmulator } from '../../lib/testing';
import type {
  CognitoEmulator,
  CognitoEmulatorOptions,
  EmulatedTriggerEvent,
} from '../../lib/testing';
import { passwordSignIn, srpClient, userPoolClient } from './sdkClients';

/** Sign-in challenges, answered by the AWS SDK's client (and amazon-cognito-identity-js). */
const DAN = {
  username: 'dan',
  password: 'password 1',
  attributes: { email: 'dan@example.com', phone_number: '+15550100' },
};

let emulator: CognitoEmulator;
let client: CognitoIdentityProviderClient;

async function start(options: CognitoEmulatorOptions = {}) {
  emulator = await startCognitoEmulator({ users: [{ ...DAN }], ...options });
  client = userPoolClient(emulator);
}

afterEach(async () => {
  client.destroy();
  await emulator.close();
});

const initiate = (AuthFlow: AuthFlowType, AuthParameters: Record<string, string>) =>
  client.send(new InitiateAuthCommand({ ClientId: emulator.clientId, AuthFlow, AuthParameters }));

const respond = (
  step: Pick<InitiateAuthCommandOutput, 'ChallengeName' | 'Session'>,
  ChallengeResponses: Record<string, string>,
) =>
  client.send(
    new RespondToAuthChallengeCommand({
      ClientId: emulator.clientId,
      ChallengeName: step.ChallengeName,
      Session: step.Session,
      ChallengeResponses: { USERNAME: 'dan', ...ChallengeResponses },
    }),
  );

const passwordStep = () =>
  initiate('USER_PASSWORD_AUTH', { USERNAME: 'dan', PASSWORD: 'password 1' });

/** Associates and verifies a TOTP secret for a signed-in user; returns the secret. */
async function setUpTotp(AccessToken: string | undefined): Promise<string> {
  const { SecretCode } = await client.send(new AssociateSoftwareTokenCommand({ AccessToken }));
  const secret = SecretCode ?? '';
  expect(secret).toMatch(/^[A-Z2-7]{32}$/);
  await expect(
    client.send(new VerifySoftwareTokenCommand({ AccessToken, UserCode: 'abcdef' })),
  ).rejects.toBeInstanceOf(EnableSoftwareTokenMFAException);
  const verified = await client.send(
    new VerifySoftwareTokenCommand({
      AccessToken,
      UserCode: emulator.totpCode(secret),
      FriendlyDeviceName: 'phone',
    }),
  );
  expect(verified.Status).toBe('SUCCESS');
  return secret;
}

describe('startCognitoEmulator: MFA', () => {
  it('TOTP: set up, preferred, then asked at sign-in and answered with the RFC 6238 code', async () => {
    await start();
    const { AccessToken } = await passwordSignIn(client, emulator, 'dan', 'password 1');
    const secret = await setUpTotp(AccessToken);
    await client.send(
      new SetUserMFAPreferenceCommand({
        AccessToken,
        SoftwareTokenMfaSettings: { Enabled: true, PreferredMfa: true },
      }),
    );
    expect(emulator.user('dan')).toMatchObject({
      mfaEnabled: ['SOFTWARE_TOKEN_MFA'],
      mfaPreferred: 'SOFTWARE_TOKEN_MFA',
      totpSecret: secret,
    });

    const step = await passwordStep();
    expect(step.ChallengeName).toBe('SOFTWARE_TOKEN_MFA');
    const stale = emulator.totpCode(secret, Date.now() - 120_000);
    await expect(respond(step, { SOFTWARE_TOKEN_MFA_CODE: stale })).rejects.toBeInstanceOf(
      CodeMismatchException,
    );
    const done = await respond(step, { SOFTWARE_TOKEN_MFA_CODE: emulator.totpCode(secret) });
    expect(done.AuthenticationResult?.AccessToken).toEqual(expect.any(String));
  });

  it('EMAIL_OTP: the code goes to the email, where the test reads it', async () => {
    await start();
    const { AccessToken } = await passwordSignIn(client, emulator, 'dan', 'password 1');
    await client.send(
      new SetUserMFAPreferenceCommand({ AccessToken, EmailMfaSettings: { Enabled: true } }),
    );
    const step = await passwordStep();
    expect(step).toMatchObject({
      ChallengeName: 'EMAIL_OTP',
      ChallengeParameters: {
        CODE_DELIVERY_DELIVERY_MEDIUM: 'EMAIL',
        CODE_DELIVERY_DESTINATION: 'd***@***',
      },
    });
    const code = emulator.lastCode('dan', 'EMAIL_OTP') ?? '';
    expect(emulator.sentCodes.at(-1)).toMatchObject({
      purpose: 'EMAIL_OTP',
      code,
      medium: 'EMAIL',
    });
    const done = await respond(step, { EMAIL_OTP_CODE: code });
    expect(done.AuthenticationResult).toBeDefined();
    await expect(respond(step, { EMAIL_OTP_CODE: code })).rejects.toBeInstanceOf(
      NotAuthorizedException,
    );
  });

  it('SELECT_MFA_TYPE when several are enabled and none preferred; SMS codes are delivered', async () => {
    await start();
    const { AccessToken } = await passwordSignIn(client, emulator, 'dan', 'password 1');
    await setUpTotp(AccessToken);
    await client.send(
      new SetUserMFAPreferenceCommand({
        AccessToken,
        SMSMfaSettings: { Enabled: true },
        SoftwareTokenMfaSettings: { Enabled: true },
      }),
    );
    const step = await passwordStep();
    expect(step.ChallengeName).toBe('SELECT_MFA_TYPE');
    expect(JSON.parse(step.ChallengeParameters?.['MFAS_CAN_CHOOSE'] ?? '')).toEqual([
      'SMS_MFA',
      'SOFTWARE_TOKEN_MFA',
    ]);
    await expect(respond(step, { ANSWER: 'EMAIL_OTP' })).rejects.toThrow(/not enabled/);
    const sms = await respond(step, { ANSWER: 'SMS_MFA' });
    expect(sms).toMatchObject({
      ChallengeName: 'SMS_MFA',
      ChallengeParameters: { CODE_DELIVERY_DESTINATION: '+*******0100' },
    });
    const done = await respond(sms, { SMS_MFA_CODE: emulator.lastCode('dan', 'SMS_MFA') ?? '' });
    expect(done.AuthenticationResult).toBeDefined();
  });

  it('MFA_SETUP when the pool requires MFA: TOTP set up inside the sign-in, by Session', async () => {
    await start({ mfaConfiguration: 'ON' });
    const step = await passwordStep();
    expect(step).toMatchObject({
      ChallengeName: 'MFA_SETUP',
      ChallengeParameters: { MFAS_CAN_SETUP: '["SOFTWARE_TOKEN_MFA"]' },
    });
    await expect(respond(step, {})).rejects.toThrow(/VerifySoftwareToken/);
    const associated = await client.send(
      new AssociateSoftwareTokenCommand({ Session: step.Session }),
    );
    const verified = await client.send(
      new VerifySoftwareTokenCommand({
        Session: associated.Session,
        UserCode: emulator.totpCode(associated.SecretCode ?? ''),
      }),
    );
    const done = await respond({ ChallengeName: 'MFA_SETUP', Session: verified.Session }, {});
    expect(done.AuthenticationResult).toBeDefined();
    expect((await passwordStep()).ChallengeName).toBe('SOFTWARE_TOKEN_MFA');
  });
});

describe('startCognitoEmulator: choice-based sign-in (USER_AUTH)', () => {
  it('SELECT_CHALLENGE lists the factors this user has; EMAIL_OTP signs in with the code', async () => {
    await start();
    const step = await initiate('USER_AUTH', { USERNAME: 'dan' });
    expect(step.ChallengeName).toBe('SELECT_CHALLENGE');
    expect(step.AvailableChallenges).toEqual(['PASSWORD', 'PASSWORD_SRP', 'EMAIL_OTP', 'SMS_OTP']);
    const otp = await respond(step, { ANSWER: 'EMAIL_OTP' });
    expect(otp.ChallengeName).toBe('EMAIL_OTP');
    await expect(respond(otp, { EMAIL_OTP_CODE: 'nope' })).rejects.toBeInstanceOf(
      CodeMismatchException,
    );
    const done = await respond(otp, {
      EMAIL_OTP_CODE: emulator.lastCode('dan', 'EMAIL_OTP') ?? '',
    });
    expect(done.AuthenticationResult).toBeDefined();
  });

  it('PREFERRED_CHALLENGE: SMS_OTP and PASSWORD go straight to that factor', async () => {
    await start();
    const sms = await initiate('USER_AUTH', { USERNAME: 'dan', PREFERRED_CHALLENGE: 'SMS_OTP' });
    expect(sms.ChallengeName).toBe('SMS_OTP');
    const code = emulator.lastCode('dan', 'SMS_OTP') ?? '';
    expect((await respond(sms, { SMS_OTP_CODE: code })).AuthenticationResult).toBeDefined();

    const wrong = initiate('USER_AUTH', {
      USERNAME: 'dan',
      PREFERRED_CHALLENGE: 'PASSWORD',
      PASSWORD: 'wrong',
    });
    await expect(wrong).rejects.toBeInstanceOf(NotAuthorizedException);
    const right = await initiate('USER_AUTH', {
      USERNAME: 'dan',
      PREFERRED_CHALLENGE: 'PASSWORD',
      PASSWORD: 'password 1',
    });
    expect(right.AuthenticationResult).toBeDefined();
  });

  it('PASSWORD_SRP through SELECT_CHALLENGE, with amazon-cognito-identity-js’s SRP client side', async () => {
    await start();
    const poolName = emulator.userPoolId.split('_')[1] ?? '';
    const step = await initiate('USER_AUTH', { USERNAME: 'dan' });
    const srp = await srpClient(poolName);
    const verifier = await respond(step, { ANSWER: 'PASSWORD_SRP', SRP_A: srp.A });
    expect(verifier.ChallengeName).toBe('PASSWORD_VERIFIER');
    const params = verifier.ChallengeParameters ?? {};
    const done = await respond(verifier, await srp.answer(params, 'password 1'));
    expect(done.AuthenticationResult).toBeDefined();

    const again = await srpClient(poolName);
    const second = await initiate('USER_AUTH', {
      USERNAME: 'dan',
      PREFERRED_CHALLENGE: 'PASSWORD_SRP',
      SRP_A: again.A,
    });
    await expect(
      respond(second, await again.answer(second.ChallengeParameters ?? {}, 'password 2')),
    ).rejects.toBeInstanceOf(NotAuthorizedException);
  });
});

describe('startCognitoEmulator: custom auth (CUSTOM_AUTH) with trigger functions', () => {
  /** A question-and-answer challenge; three wrong answers fail the sign-in. */
  function quizTriggers(events: EmulatedTriggerEvent[]): CognitoEmulatorOptions['triggers'] {
    return {
      defineAuthChallenge(event) {
        events.push(structuredClone(event));
        const session = event.request['session'] as Array<{
          challengeName: string;
          challengeResult: boolean;
        }>;
        const last = session.at(-1);
        if (last?.challengeName === 'SRP_A') event.response['challengeName'] = 'PASSWORD_VERIFIER';
        else if (last?.challengeName === 'CUSTOM_CHALLENGE' && last.challengeResult)
          event.response['issueTokens'] = true;
        else if (session.filter((s) => s.challengeName === 'CUSTOM_CHALLENGE').length >= 3)
          event.response['failAuthentication'] = true;
        else event.response['challengeName'] = 'CUSTOM_CHALLENGE';
        return event;
      },
      createAuthChallenge: (event) => ({
        ...event,
        response: {
          publicChallengeParameters: { question: 'six times seven?' },
          privateChallengeParameters: { answer: '42' },
          challengeMetadata: 'QUIZ',
        },
      }),
      async verifyAuthChallengeResponse(event) {
        await Promise.resolve();
        const expected = (event.request['privateChallengeParameters'] as { answer: string }).answer;
        event.response['answerCorrect'] = event.request['challengeAnswer'] === expected;
        return undefined;
      },
    };
  }

  it('asks, judges and decides through the triggers, with the session Cognito would pass', async () => {
    const events: EmulatedTriggerEvent[] = [];
    await start({ triggers: quizTriggers(events) });
    const step = await initiate('CUSTOM_AUTH', { USERNAME: 'dan' });
    expect(step).toMatchObject({
      ChallengeName: 'CUSTOM_CHALLENGE',
      ChallengeParameters: { question: 'six times seven?' },
    });
    const retry = await respond(step, { ANSWER: '41' });
    expect(retry.ChallengeName).toBe('CUSTOM_CHALLENGE');
    const done = await respond(retry, { ANSWER: '42' });
    expect(done.AuthenticationResult).toBeDefined();
    expect(events.at(-1)).toMatchObject({
      triggerSource: 'DefineAuthChallenge_Authentication',
      userName: 'dan',
      request: {
        userAttributes: { email: 'dan@example.com' },
        session: [
          { challengeName: 'CUSTOM_CHALLENGE', challengeResult: false, challengeMetadata: 'QUIZ' },
          { challengeName: 'CUSTOM_CHALLENGE', challengeResult: true, challengeMetadata: 'QUIZ' },
        ],
      },
    });

    let failing = await initiate('CUSTOM_AUTH', { USERNAME: 'dan' });
    failing = await respond(failing, { ANSWER: '1' });
    failing = await respond(failing, { ANSWER: '2' });
    await expect(respond(failing, { ANSWER: '3' })).rejects.toBeInstanceOf(NotAuthorizedException);
  });

  it('a trigger that throws is UserLambdaValidationException', async () => {
    await start({
      triggers: {
        defineAuthChallenge: () => {
          throw new Error('no quiz today');
        },
      },
    });
    await expect(initiate('CUSTOM_AUTH', { USERNAME: 'dan' })).rejects.toThrow(
      expect.objectContaining({
        name: 'UserLambdaValidationException',
        message: 'DefineAuthChallenge failed with error no quiz today.',
      }) as Error,
    );
    await expect(initiate('CUSTOM_AUTH', { USERNAME: 'dan' })).rejects.toBeInstanceOf(
      UserLambdaValidationException,
    );
  });

  it('SRP first, then the custom challenge, driven by amazon-cognito-identity-js', async () => {
    const events: EmulatedTriggerEvent[] = [];
    await start({ triggers: quizTriggers(events) });
    const pool = new CognitoUserPool({
      UserPoolId: emulator.userPoolId,
      ClientId: emulator.clientId,
      endpoint: emulator.url,
    });
    const user = new CognitoUser({ Username: 'dan', Pool: pool });
    user.setAuthenticationFlowType('CUSTOM_AUTH');
    const session = await new Promise<unknown>((resolve, reject) => {
      const callbacks = {
        onSuccess: resolve,
        onFailure: reject,
        customChallenge(parameters: Record<string, string>) {
          expect(parameters['question']).toBe('six times seven?');
          user.sendCustomChallengeAnswer('42', callbacks);
        },
      };
      user.authenticateUser(
        new AuthenticationDetails({ Username: 'dan', Password: 'password 1' }),
        callbacks,
      );
    });
    expect(session).toBeDefined();
    expect(emulator.count('RespondToAuthChallenge', 'PASSWORD_VERIFIER')).toBe(1);
    expect(events.map((e) => (e.request['session'] as unknown[]).length)).toEqual([1, 2, 3]);
  });
});
