import {
  ChangePasswordCommand,
  CodeMismatchException,
  ConfirmSignUpCommand,
  DeleteUserCommand,
  ExpiredCodeException,
  GetTokensFromRefreshTokenCommand,
  GetUserAttributeVerificationCodeCommand,
  GetUserCommand,
  GlobalSignOutCommand,
  InitiateAuthCommand,
  InvalidPasswordException,
  NotAuthorizedException,
  ResendConfirmationCodeCommand,
  RevokeTokenCommand,
  SignUpCommand,
  UnsupportedTokenTypeException,
  UpdateUserAttributesCommand,
  UserNotConfirmedException,
  UsernameExistsException,
  UserNotFoundException,
  VerifyUserAttributeCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import type { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';

import { startCognitoEmulator } from '../../lib/testing';
import type { CognitoEmulator } from '../../lib/testing';
import { fakeDateOnly } from '../helpers/cognito';
import { passwordSignIn, rawCall, secretHash, userPoolClient } from './sdkClients';

/** Every operation of an account's life, called by the AWS SDK's own client. */
let emulator: CognitoEmulator;
let client: CognitoIdentityProviderClient;

beforeEach(async () => {
  emulator = await startCognitoEmulator({
    users: [
      {
        username: 'dan',
        password: 'password 1',
        attributes: { email: 'dan@example.com', phone_number: '+15550100' },
      },
    ],
    passwordPolicy: { minimumLength: 10 },
  });
  client = userPoolClient(emulator);
});

afterEach(async () => {
  jest.useRealTimers();
  client.destroy();
  await emulator.close();
});

const jwtClaims = (token: string | undefined) =>
  JSON.parse(Buffer.from((token ?? '').split('.')[1] ?? '', 'base64url').toString()) as Record<
    string,
    unknown
  >;

describe('startCognitoEmulator: sign-up', () => {
  it('SignUp → the code is delivered where tests read it → ConfirmSignUp → sign-in', async () => {
    const out = await client.send(
      new SignUpCommand({
        ClientId: emulator.clientId,
        Username: 'erin',
        Password: 'long enough 1',
        UserAttributes: [{ Name: 'email', Value: 'erin@example.com' }],
      }),
    );
    expect(out).toMatchObject({
      UserConfirmed: false,
      UserSub: expect.any(String),
      CodeDeliveryDetails: {
        DeliveryMedium: 'EMAIL',
        AttributeName: 'email',
        Destination: 'e***@***',
      },
    });
    await expect(passwordSignIn(client, emulator, 'erin', 'long enough 1')).rejects.toBeInstanceOf(
      UserNotConfirmedException,
    );
    const code = emulator.lastCode('erin', 'SignUp');
    expect(code).toMatch(/^\d{6}$/);
    expect(emulator.sentCodes.at(-1)).toEqual({
      username: 'erin',
      purpose: 'SignUp',
      code,
      attributeName: 'email',
      destination: 'erin@example.com',
      medium: 'EMAIL',
    });

    const wrong = code === '000000' ? '111111' : '000000';
    await expect(
      client.send(
        new ConfirmSignUpCommand({
          ClientId: emulator.clientId,
          Username: 'erin',
          ConfirmationCode: wrong,
        }),
      ),
    ).rejects.toBeInstanceOf(CodeMismatchException);
    await client.send(
      new ConfirmSignUpCommand({
        ClientId: emulator.clientId,
        Username: 'erin',
        ConfirmationCode: code,
      }),
    );
    expect(emulator.lastCode('erin', 'SignUp')).toBeUndefined();
    expect(emulator.user('erin')).toMatchObject({ confirmed: true, verifiedAttributes: ['email'] });
    const tokens = await passwordSignIn(client, emulator, 'erin', 'long enough 1');
    expect(jwtClaims(tokens.IdToken)).toMatchObject({
      sub: out.UserSub,
      email: 'erin@example.com',
    });
  });

  it('refuses a taken user name and a password against the policy, naming the rule', async () => {
    await expect(
      client.send(
        new SignUpCommand({
          ClientId: emulator.clientId,
          Username: 'dan',
          Password: 'long enough 1',
        }),
      ),
    ).rejects.toBeInstanceOf(UsernameExistsException);
    await expect(
      client.send(
        new SignUpCommand({ ClientId: emulator.clientId, Username: 'fay', Password: 'short' }),
      ),
    ).rejects.toThrow(
      expect.objectContaining({
        name: 'InvalidPasswordException',
        message: 'Password does not conform to policy: Password not long enough',
      }) as Error,
    );
    expect(emulator.user('fay')).toBeUndefined();
  });

  it('ResendConfirmationCode replaces the code; an expired code is ExpiredCodeException', async () => {
    fakeDateOnly();
    await client.send(
      new SignUpCommand({
        ClientId: emulator.clientId,
        Username: 'gus',
        Password: 'long enough 1',
        UserAttributes: [{ Name: 'phone_number', Value: '+15550199' }],
      }),
    );
    const first = emulator.lastCode('gus', 'SignUp');
    const resent = await client.send(
      new ResendConfirmationCodeCommand({ ClientId: emulator.clientId, Username: 'gus' }),
    );
    expect(resent.CodeDeliveryDetails).toEqual({
      DeliveryMedium: 'SMS',
      AttributeName: 'phone_number',
      Destination: '+*******0199',
    });
    const second = emulator.lastCode('gus', 'SignUp');
    expect(emulator.sentCodes.filter((c) => c.username === 'gus').map((c) => c.code)).toEqual([
      first,
      second,
    ]);
    jest.setSystemTime(Date.now() + 24 * 3600_000 + 1000);
    await expect(
      client.send(
        new ConfirmSignUpCommand({
          ClientId: emulator.clientId,
          Username: 'gus',
          ConfirmationCode: second,
        }),
      ),
    ).rejects.toBeInstanceOf(ExpiredCodeException);
  });
});

describe('startCognitoEmulator: a signed-in user’s own account', () => {
  it('GetUser lists the attributes with sub and *_verified flags', async () => {
    const { AccessToken } = await passwordSignIn(client, emulator, 'dan', 'password 1');
    const user = await client.send(new GetUserCommand({ AccessToken }));
    expect(user.Username).toBe('dan');
    expect(Object.fromEntries((user.UserAttributes ?? []).map((a) => [a.Name, a.Value]))).toEqual({
      sub: emulator.user('dan')?.sub,
      email: 'dan@example.com',
      email_verified: 'true',
      phone_number: '+15550100',
      phone_number_verified: 'true',
    });
  });

  it('UpdateUserAttributes: a new email is unverified until VerifyUserAttribute spends its code', async () => {
    const { AccessToken } = await passwordSignIn(client, emulator, 'dan', 'password 1');
    const out = await client.send(
      new UpdateUserAttributesCommand({
        AccessToken,
        UserAttributes: [
          { Name: 'email', Value: 'daniel@example.com' },
          { Name: 'name', Value: 'Daniel' },
        ],
      }),
    );
    expect(out.CodeDeliveryDetailsList).toEqual([
      { DeliveryMedium: 'EMAIL', AttributeName: 'email', Destination: 'd***@***' },
    ]);
    expect(emulator.user('dan')).toMatchObject({
      attributes: { email: 'daniel@example.com', name: 'Daniel' },
      verifiedAttributes: ['phone_number'],
    });
    const code = emulator.lastCode('dan', 'VerifyUserAttribute', 'email');
    await expect(
      client.send(
        new VerifyUserAttributeCommand({ AccessToken, AttributeName: 'email', Code: '-1' }),
      ),
    ).rejects.toBeInstanceOf(CodeMismatchException);
    await client.send(
      new VerifyUserAttributeCommand({ AccessToken, AttributeName: 'email', Code: code }),
    );
    expect(emulator.user('dan')?.verifiedAttributes.sort()).toEqual(['email', 'phone_number']);
    await expect(
      client.send(
        new UpdateUserAttributesCommand({
          AccessToken,
          UserAttributes: [{ Name: 'sub', Value: 'x' }],
        }),
      ),
    ).rejects.toBeInstanceOf(NotAuthorizedException);
  });

  it('GetUserAttributeVerificationCode sends a new code for the phone number', async () => {
    const { AccessToken } = await passwordSignIn(client, emulator, 'dan', 'password 1');
    const out = await client.send(
      new GetUserAttributeVerificationCodeCommand({ AccessToken, AttributeName: 'phone_number' }),
    );
    expect(out.CodeDeliveryDetails).toEqual({
      DeliveryMedium: 'SMS',
      AttributeName: 'phone_number',
      Destination: '+*******0100',
    });
    const code = emulator.lastCode('dan', 'VerifyUserAttribute', 'phone_number');
    await client.send(
      new VerifyUserAttributeCommand({ AccessToken, AttributeName: 'phone_number', Code: code }),
    );
    expect(emulator.lastCode('dan', 'VerifyUserAttribute', 'phone_number')).toBeUndefined();
  });

  it('ChangePassword checks the old password and the policy; the new one signs in', async () => {
    const { AccessToken } = await passwordSignIn(client, emulator, 'dan', 'password 1');
    const change = (PreviousPassword: string, ProposedPassword: string) =>
      client.send(new ChangePasswordCommand({ AccessToken, PreviousPassword, ProposedPassword }));
    await expect(change('wrong one', 'new password 2')).rejects.toBeInstanceOf(
      NotAuthorizedException,
    );
    await expect(change('password 1', 'short')).rejects.toBeInstanceOf(InvalidPasswordException);
    await change('password 1', 'new password 2');
    await expect(passwordSignIn(client, emulator, 'dan', 'password 1')).rejects.toBeInstanceOf(
      NotAuthorizedException,
    );
    await expect(passwordSignIn(client, emulator, 'dan', 'new password 2')).resolves.toBeDefined();
  });

  it('DeleteUser removes the user and ends every session', async () => {
    const { AccessToken, RefreshToken } = await passwordSignIn(
      client,
      emulator,
      'dan',
      'password 1',
    );
    await client.send(new DeleteUserCommand({ AccessToken }));
    expect(emulator.user('dan')).toBeUndefined();
    await expect(client.send(new GetUserCommand({ AccessToken }))).rejects.toBeInstanceOf(
      NotAuthorizedException,
    );
    await expect(
      client.send(
        new GetTokensFromRefreshTokenCommand({ ClientId: emulator.clientId, RefreshToken }),
      ),
    ).rejects.toBeInstanceOf(NotAuthorizedException);
    await expect(passwordSignIn(client, emulator, 'dan', 'password 1')).rejects.toBeInstanceOf(
      UserNotFoundException,
    );
  });
});

describe('startCognitoEmulator: tokens', () => {
  it('every token carries the origin_jti of its sign-in, kept across refreshes', async () => {
    const first = await passwordSignIn(client, emulator, 'dan', 'password 1');
    const origin = jwtClaims(first.AccessToken)['origin_jti'];
    expect(origin).toEqual(expect.any(String));
    expect(jwtClaims(first.IdToken)['origin_jti']).toBe(origin);
    const refreshed = await client.send(
      new GetTokensFromRefreshTokenCommand({
        ClientId: emulator.clientId,
        RefreshToken: first.RefreshToken,
      }),
    );
    expect(jwtClaims(refreshed.AuthenticationResult?.AccessToken)['origin_jti']).toBe(origin);
    expect(jwtClaims(refreshed.AuthenticationResult?.IdToken)['origin_jti']).toBe(origin);
    const other = await passwordSignIn(client, emulator, 'dan', 'password 1');
    expect(jwtClaims(other.AccessToken)['origin_jti']).not.toBe(origin);
  });

  it('RevokeToken ends one sign-in (its refresh and access tokens), not the others', async () => {
    const revoked = await passwordSignIn(client, emulator, 'dan', 'password 1');
    const kept = await passwordSignIn(client, emulator, 'dan', 'password 1');
    const refreshed = await client.send(
      new GetTokensFromRefreshTokenCommand({
        ClientId: emulator.clientId,
        RefreshToken: revoked.RefreshToken,
      }),
    );
    await client.send(
      new RevokeTokenCommand({ ClientId: emulator.clientId, Token: revoked.RefreshToken }),
    );

    for (const AccessToken of [revoked.AccessToken, refreshed.AuthenticationResult?.AccessToken]) {
      await expect(client.send(new GetUserCommand({ AccessToken }))).rejects.toThrow(
        'Access Token has been revoked',
      );
    }
    await expect(
      client.send(
        new InitiateAuthCommand({
          ClientId: emulator.clientId,
          AuthFlow: 'REFRESH_TOKEN_AUTH',
          AuthParameters: { REFRESH_TOKEN: revoked.RefreshToken ?? '' },
        }),
      ),
    ).rejects.toThrow('Refresh Token has been revoked');
    await expect(
      client.send(new GetUserCommand({ AccessToken: kept.AccessToken })),
    ).resolves.toBeDefined();
    // An access token is not what RevokeToken takes; an unknown refresh token is no error.
    await expect(
      client.send(new RevokeTokenCommand({ ClientId: emulator.clientId, Token: kept.AccessToken })),
    ).rejects.toBeInstanceOf(UnsupportedTokenTypeException);
    await expect(
      client.send(new RevokeTokenCommand({ ClientId: emulator.clientId, Token: 'no-such-token' })),
    ).resolves.toBeDefined();
  });

  it('GlobalSignOut ends every sign-in of the user', async () => {
    const one = await passwordSignIn(client, emulator, 'dan', 'password 1');
    const two = await passwordSignIn(client, emulator, 'dan', 'password 1');
    await client.send(new GlobalSignOutCommand({ AccessToken: one.AccessToken }));
    for (const tokens of [one, two]) {
      await expect(
        client.send(new GetUserCommand({ AccessToken: tokens.AccessToken })),
      ).rejects.toBeInstanceOf(NotAuthorizedException);
    }
  });
});

describe('startCognitoEmulator: an app client with a secret', () => {
  it('needs SECRET_HASH on every call that names a user, and says so by name', async () => {
    const secret = 'app client secret';
    await emulator.close();
    emulator = await startCognitoEmulator({
      users: [{ username: 'dan', password: 'password 1' }],
      clientSecret: secret,
    });
    client.destroy();
    client = userPoolClient(emulator);
    const signIn = (hash?: string) =>
      client.send(
        new InitiateAuthCommand({
          ClientId: emulator.clientId,
          AuthFlow: 'USER_PASSWORD_AUTH',
          AuthParameters: {
            USERNAME: 'dan',
            PASSWORD: 'password 1',
            ...(hash === undefined ? {} : { SECRET_HASH: hash }),
          },
        }),
      );
    await expect(signIn()).rejects.toThrow(
      `Client ${emulator.clientId} is configured for secret but secret was not received`,
    );
    await expect(signIn(secretHash('another secret', 'dan', emulator.clientId))).rejects.toThrow(
      `Unable to verify secret hash for client ${emulator.clientId}`,
    );
    const out = await signIn(secretHash(secret, 'dan', emulator.clientId));
    expect(out.AuthenticationResult?.AccessToken).toEqual(expect.any(String));
    await expect(
      client.send(
        new SignUpCommand({
          ClientId: emulator.clientId,
          Username: 'erin',
          Password: 'long enough 1',
          SecretHash: secretHash(secret, 'erin', emulator.clientId),
        }),
      ),
    ).resolves.toMatchObject({ UserConfirmed: false });
    const refresh = (hash: string) =>
      client.send(
        new InitiateAuthCommand({
          ClientId: emulator.clientId,
          AuthFlow: 'REFRESH_TOKEN_AUTH',
          AuthParameters: {
            REFRESH_TOKEN: out.AuthenticationResult?.RefreshToken ?? '',
            SECRET_HASH: hash,
          },
        }),
      );
    await expect(refresh(secretHash(secret, 'someone', emulator.clientId))).rejects.toThrow(
      /Unable to verify secret hash/,
    );
    await expect(
      refresh(secretHash(secret, emulator.user('dan')?.sub ?? '', emulator.clientId)),
    ).resolves.toBeDefined();
    await expect(
      client.send(
        new GetTokensFromRefreshTokenCommand({
          ClientId: emulator.clientId,
          ClientSecret: secret,
          RefreshToken: out.AuthenticationResult?.RefreshToken,
        }),
      ),
    ).resolves.toBeDefined();
  });
});

describe('startCognitoEmulator: what it does not implement', () => {
  it('answers an unknown operation with UnknownOperationException', async () => {
    const out = await rawCall(emulator, 'AWSCognitoIdentityProviderService.AdminCreateUser', {});
    expect(out).toEqual({
      status: 400,
      body: {
        __type: 'UnknownOperationException',
        message: 'Unknown operation AWSCognitoIdentityProviderService.AdminCreateUser',
      },
    });
  });
});
