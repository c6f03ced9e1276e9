import {
  CognitoIdentityClient,
  GetCredentialsForIdentityCommand,
  GetIdCommand,
  NotAuthorizedException as IdentityNotAuthorizedException,
  ResourceNotFoundException as IdentityResourceNotFoundException,
} from '@aws-sdk/client-cognito-identity';
import {
  CodeMismatchException,
  ConfirmForgotPasswordCommand,
  ForgotPasswordCommand,
  InitiateAuthCommand,
  InvalidParameterException,
  NotAuthorizedException,
  PasswordResetRequiredException,
  ResourceNotFoundException,
  RespondToAuthChallengeCommand,
  UserLambdaValidationException,
} from '@aws-sdk/client-cognito-identity-provider';
import type { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';

import { startCognitoEmulator } from '../../lib/testing';
import type { CognitoEmulator } from '../../lib/testing';
import { passwordSignIn, srpClient, userPoolClient } from './sdkClients';

/** The operations the emulator had before the account flows, through the AWS SDK's clients. */
let emulator: CognitoEmulator;
let idp: CognitoIdentityProviderClient;
let identity: CognitoIdentityClient;

beforeEach(async () => {
  emulator = await startCognitoEmulator({
    users: [
      { username: 'dan', password: 'password 1', attributes: { email: 'dan@example.com' } },
      { username: 'new', password: 'temporary 1', newPasswordRequired: true },
    ],
  });
  idp = userPoolClient(emulator);
  identity = new CognitoIdentityClient({
    region: emulator.region,
    endpoint: emulator.url,
    credentials: { accessKeyId: 'AKIDUNUSED', secretAccessKey: 'unused' },
    maxAttempts: 1,
  });
});

afterEach(async () => {
  idp.destroy();
  identity.destroy();
  await emulator.close();
});

describe('startCognitoEmulator through @aws-sdk/client-cognito-identity-provider', () => {
  it('USER_SRP_AUTH: PASSWORD_VERIFIER answered by the reference SRP client, then a refresh', async () => {
    const srp = await srpClient(emulator.userPoolId.split('_')[1] ?? '');
    const step = await idp.send(
      new InitiateAuthCommand({
        ClientId: emulator.clientId,
        AuthFlow: 'USER_SRP_AUTH',
        AuthParameters: { USERNAME: 'dan', SRP_A: srp.A },
      }),
    );
    expect(step.ChallengeName).toBe('PASSWORD_VERIFIER');
    const done = await idp.send(
      new RespondToAuthChallengeCommand({
        ClientId: emulator.clientId,
        ChallengeName: 'PASSWORD_VERIFIER',
        ChallengeResponses: await srp.answer(step.ChallengeParameters ?? {}, 'password 1'),
      }),
    );
    const refreshed = await idp.send(
      new InitiateAuthCommand({
        ClientId: emulator.clientId,
        AuthFlow: 'REFRESH_TOKEN_AUTH',
        AuthParameters: { REFRESH_TOKEN: done.AuthenticationResult?.RefreshToken ?? '' },
      }),
    );
    expect(refreshed.AuthenticationResult?.AccessToken).toEqual(expect.any(String));
    expect(refreshed.AuthenticationResult?.RefreshToken).toBeUndefined();
  });

  it('NEW_PASSWORD_REQUIRED, answered with a new password', async () => {
    const step = await idp.send(
      new InitiateAuthCommand({
        ClientId: emulator.clientId,
        AuthFlow: 'USER_PASSWORD_AUTH',
        AuthParameters: { USERNAME: 'new', PASSWORD: 'temporary 1' },
      }),
    );
    expect(step.ChallengeName).toBe('NEW_PASSWORD_REQUIRED');
    const done = await idp.send(
      new RespondToAuthChallengeCommand({
        ClientId: emulator.clientId,
        ChallengeName: 'NEW_PASSWORD_REQUIRED',
        Session: step.Session,
        ChallengeResponses: { USERNAME: 'new', NEW_PASSWORD: 'permanent 2' },
      }),
    );
    expect(done.AuthenticationResult).toBeDefined();
    await expect(passwordSignIn(idp, emulator, 'new', 'permanent 2')).resolves.toBeDefined();
  });

  it('ForgotPassword / ConfirmForgotPassword with the code read from the emulator', async () => {
    const sent = await idp.send(
      new ForgotPasswordCommand({ ClientId: emulator.clientId, Username: 'dan' }),
    );
    expect(sent.CodeDeliveryDetails).toEqual({
      Destination: 'd***@***',
      DeliveryMedium: 'EMAIL',
      AttributeName: 'email',
    });
    const confirm = (ConfirmationCode: string | undefined) =>
      idp.send(
        new ConfirmForgotPasswordCommand({
          ClientId: emulator.clientId,
          Username: 'dan',
          ConfirmationCode,
          Password: 'reset password 3',
        }),
      );
    await expect(confirm('000000x')).rejects.toBeInstanceOf(CodeMismatchException);
    await confirm(emulator.lastCode('dan'));
    await expect(passwordSignIn(idp, emulator, 'dan', 'reset password 3')).resolves.toBeDefined();
  });

  it('refuses with the SDK’s exception classes: wrong client, wrong password, unknown flow', async () => {
    await expect(
      idp.send(
        new InitiateAuthCommand({
          ClientId: 'no-such-client',
          AuthFlow: 'USER_PASSWORD_AUTH',
          AuthParameters: { USERNAME: 'dan', PASSWORD: 'password 1' },
        }),
      ),
    ).rejects.toBeInstanceOf(ResourceNotFoundException);
    await expect(passwordSignIn(idp, emulator, 'dan', 'wrong')).rejects.toBeInstanceOf(
      NotAuthorizedException,
    );
    await expect(
      idp.send(
        new InitiateAuthCommand({
          ClientId: emulator.clientId,
          AuthFlow: 'ADMIN_NO_SRP_AUTH',
          AuthParameters: { USERNAME: 'dan' },
        }),
      ),
    ).rejects.toBeInstanceOf(InvalidParameterException);
  });
});

describe('startCognitoEmulator: what is refused before a sign-in starts', () => {
  async function restart(options: Parameters<typeof startCognitoEmulator>[0]) {
    idp.destroy();
    await emulator.close();
    emulator = await startCognitoEmulator(options);
    idp = userPoolClient(emulator);
  }

  it('a flow the app client does not allow, in Cognito’s words', async () => {
    await restart({
      users: [{ username: 'dan', password: 'password 1' }],
      explicitAuthFlows: ['ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
    });
    await expect(passwordSignIn(idp, emulator, 'dan', 'password 1')).rejects.toThrow(
      expect.objectContaining({
        name: 'InvalidParameterException',
        message: 'USER_PASSWORD_AUTH flow not enabled for this client',
      }) as Error,
    );
  });

  it('a required password reset, until ConfirmForgotPassword sets a new password', async () => {
    await restart({
      users: [{ username: 'dan', password: 'password 1', passwordResetRequired: true }],
    });
    await expect(passwordSignIn(idp, emulator, 'dan', 'password 1')).rejects.toBeInstanceOf(
      PasswordResetRequiredException,
    );
    await idp.send(new ForgotPasswordCommand({ ClientId: emulator.clientId, Username: 'dan' }));
    await idp.send(
      new ConfirmForgotPasswordCommand({
        ClientId: emulator.clientId,
        Username: 'dan',
        ConfirmationCode: emulator.lastCode('dan'),
        Password: 'reset password 3',
      }),
    );
    await expect(passwordSignIn(idp, emulator, 'dan', 'reset password 3')).resolves.toBeDefined();
  });

  it('a preAuthentication trigger that throws refuses sign-ins, not refreshes', async () => {
    let refuse = false;
    const seen: string[] = [];
    await restart({
      users: [{ username: 'dan', password: 'password 1' }],
      triggers: {
        preAuthentication(event) {
          seen.push(event.triggerSource);
          if (refuse) throw new Error('outside office hours');
          return event;
        },
      },
    });
    const { RefreshToken } = await passwordSignIn(idp, emulator, 'dan', 'password 1');
    refuse = true;
    await expect(passwordSignIn(idp, emulator, 'dan', 'password 1')).rejects.toThrow(
      expect.objectContaining({
        name: 'UserLambdaValidationException',
        message: 'PreAuthentication failed with error outside office hours.',
      }) as Error,
    );
    await expect(
      idp.send(
        new InitiateAuthCommand({
          ClientId: emulator.clientId,
          AuthFlow: 'REFRESH_TOKEN_AUTH',
          AuthParameters: { REFRESH_TOKEN: RefreshToken ?? '' },
        }),
      ),
    ).resolves.toBeDefined();
    expect(seen).toEqual(['PreAuthentication_Authentication', 'PreAuthentication_Authentication']);
    await expect(passwordSignIn(idp, emulator, 'dan', 'password 1')).rejects.toBeInstanceOf(
      UserLambdaValidationException,
    );
  });
});

describe('startCognitoEmulator through @aws-sdk/client-cognito-identity', () => {
  it('GetId and GetCredentialsForIdentity for a signed-in user; refusals are the SDK’s classes', async () => {
    const { IdToken } = await passwordSignIn(idp, emulator, 'dan', 'password 1');
    const Logins = { [emulator.providerName]: IdToken ?? '' };
    const { IdentityId } = await identity.send(
      new GetIdCommand({ IdentityPoolId: emulator.identityPoolId, Logins }),
    );
    expect(IdentityId).toBe(emulator.identityIdOf('dan'));
    const out = await identity.send(new GetCredentialsForIdentityCommand({ IdentityId, Logins }));
    expect(out.Credentials).toMatchObject({
      AccessKeyId: expect.stringMatching(/^ASIA/),
      SecretKey: expect.any(String),
      SessionToken: expect.any(String),
      Expiration: expect.any(Date),
    });

    await expect(
      identity.send(new GetIdCommand({ IdentityPoolId: `${emulator.region}:nope`, Logins })),
    ).rejects.toBeInstanceOf(IdentityResourceNotFoundException);
    await expect(
      identity.send(new GetIdCommand({ IdentityPoolId: emulator.identityPoolId })),
    ).rejects.toBeInstanceOf(IdentityNotAuthorizedException);
  });
});
