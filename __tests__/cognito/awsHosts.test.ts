import { createCognitoAuth } from '../../lib/cognito';
import { ALICE, cognitoWorld } from '../helpers/cognito';
import { useNock } from '../helpers/nock';
import { showCollector } from '../helpers/shown';

const nock = useNock();

describe('createCognitoAuth without endpoint overrides', () => {
  it('talks to the real AWS host names of the region', async () => {
    const targets: string[] = [];
    const userPool = nock('https://cognito-idp.eu-west-2.amazonaws.com')
      .post('/')
      .reply(function () {
        targets.push(String(this.req.headers['x-amz-target']));
        return [400, { __type: 'UserNotFoundException', message: 'User does not exist.' }];
      });
    const identity = nock('https://cognito-identity.eu-west-2.amazonaws.com')
      .post('/')
      .reply(function () {
        targets.push(String(this.req.headers['x-amz-target']));
        return [
          400,
          { __type: 'NotAuthorizedException', message: 'Unauthenticated access is not supported.' },
          { 'x-amzn-errortype': 'NotAuthorizedException' },
        ];
      });
    const auth = createCognitoAuth({
      region: 'eu-west-2',
      userPoolId: 'eu-west-2_Real12345',
      clientId: 'realclient123',
      identityPoolId: 'eu-west-2:11111111-2222-3333-4444-555555555555',
      allowGuest: true,
    });
    await expect(auth.signIn('someone', 'a password')).rejects.toMatchObject({
      code: 'ERR_USER_NOT_FOUND',
    });
    await expect(auth.credentials()).rejects.toMatchObject({ code: 'ERR_COGNITO' });
    expect(userPool.isDone()).toBe(true);
    expect(identity.isDone()).toBe(true);
    expect(targets).toEqual([
      'AWSCognitoIdentityProviderService.InitiateAuth',
      'AWSCognitoIdentityService.GetId',
    ]);
  });
});

describe('secrets stay out of what the Cognito entry shows', () => {
  it('no password, refresh token, JWT, secret key or session token in errors or inspect', async () => {
    const world = await cognitoWorld({ users: [{ ...ALICE }] });
    try {
      await world.auth.signIn(ALICE.username, ALICE.password);
      const credentials = await world.auth.credentials();
      const idToken = await world.auth.getIdToken();
      const storage = world.cognito; // the emulator is ours too
      const { shown, show } = showCollector();
      show(world.auth);
      show(world.auth.credentials);
      show(storage);
      show(await world.auth.signIn(ALICE.username, 'not the password').catch((e: unknown) => e));
      world.cognito.revokeRefreshTokens('alice');
      show(
        await world
          .newAuth()
          .credentials()
          .catch((e: unknown) => e),
      );
      world.cognito.fail({ operation: '*', error: 'TooManyRequestsException', times: 10 });
      show(await world.auth.signIn(ALICE.username, ALICE.password).catch((e: unknown) => e));
      const secrets = [
        ALICE.password,
        'not the password',
        idToken,
        credentials.secretAccessKey,
        credentials.sessionToken!,
      ];
      for (const text of shown) for (const secret of secrets) expect(text).not.toContain(secret);
    } finally {
      await world.close();
    }
  });
});
