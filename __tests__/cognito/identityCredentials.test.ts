import { createMemoryStorage } from '../../lib/cognito';
import { CognitoFailure } from '../../lib/cognito/failures';
import { createIdentityCredentials } from '../../lib/cognito/identityCredentials';
import type { IdentityPoolClient, Logins } from '../../lib/cognito/identityPool';
import { openSession } from '../../lib/cognito/session';
import { createSessionStore } from '../../lib/cognito/sessionStore';

const POOL = 'eu-west-2:11111111-2222-3333-4444-555555555555';
const LOGINS: Logins = { 'cognito-idp.eu-west-2.amazonaws.com/eu-west-2_Pool': 'id token' };
const keys = { accessKeyId: 'ASIAEXAMPLE', secretAccessKey: 'secret' };

/** An identity pool that answers from a script, and records the calls. */
function identityPool(getCredentials: (identityId: string) => Promise<void> | void) {
  const calls: string[] = [];
  let next = 0;
  const client: IdentityPoolClient = {
    getId: () => {
      calls.push('GetId');
      next += 1;
      return Promise.resolve(`eu-west-2:new-${next}`);
    },
    getCredentials: async (identityId) => {
      calls.push(`GetCredentialsForIdentity ${identityId}`);
      await getCredentials(identityId);
      return { identityId, credentials: keys };
    },
  };
  return { client, calls };
}

function setUp(getCredentials: (identityId: string) => Promise<void> | void) {
  const storage = createMemoryStorage();
  const store = createSessionStore({
    storage,
    userPoolId: 'eu-west-2_Pool',
    clientId: 'client',
    identityPoolId: POOL,
  });
  const pool = identityPool(getCredentials);
  const session = openSession(undefined);
  (session as { username: string | undefined }).username = 'alice';
  const credentials = createIdentityCredentials({
    identityPool: pool.client,
    store,
    identityPoolId: POOL,
    isCurrent: () => true,
  });
  return { store, session, credentials, calls: pool.calls };
}

describe('createIdentityCredentials', () => {
  it('GetId once, then the stored identity id', async () => {
    const { store, session, credentials, calls } = setUp(() => undefined);
    await credentials.issue(session, LOGINS);
    await credentials.issue(session, LOGINS);
    expect(calls).toEqual([
      'GetId',
      'GetCredentialsForIdentity eu-west-2:new-1',
      'GetCredentialsForIdentity eu-west-2:new-1',
    ]);
    expect(store.identityId('alice')).toBe('eu-west-2:new-1');
  });

  it('an identity id the pool rejects is dropped and fetched again, once', async () => {
    const { store, session, credentials, calls } = setUp((identityId) => {
      if (identityId === 'eu-west-2:gone') {
        throw new CognitoFailure('ResourceNotFoundException', 'IdentityId not found', 400);
      }
    });
    store.setIdentityId('alice', 'eu-west-2:gone');
    await credentials.issue(session, LOGINS);
    expect(calls).toEqual([
      'GetCredentialsForIdentity eu-west-2:gone',
      'GetId',
      'GetCredentialsForIdentity eu-west-2:new-1',
    ]);
    expect(store.identityId('alice')).toBe('eu-west-2:new-1');
  });

  it('a transient failure keeps the stored identity id', async () => {
    const { store, session, credentials } = setUp(() => {
      throw new CognitoFailure('InternalErrorException', 'try later', 500);
    });
    store.setIdentityId('alice', 'eu-west-2:kept');
    await expect(credentials.issue(session, LOGINS)).rejects.toMatchObject({ code: 'ERR_COGNITO' });
    expect(store.identityId('alice')).toBe('eu-west-2:kept');
  });

  it("a guest's identity becomes the user's when the pool links it; else the user gets their own", async () => {
    const linked = setUp(() => undefined);
    linked.session.guestIdentityId = 'eu-west-2:guest';
    await linked.credentials.issue(linked.session, LOGINS);
    expect(linked.calls).toEqual(['GetCredentialsForIdentity eu-west-2:guest']);
    expect(linked.store.identityId('alice')).toBe('eu-west-2:guest');

    const apart = setUp((identityId) => {
      if (identityId === 'eu-west-2:guest') {
        throw new CognitoFailure('NotAuthorizedException', 'Logins not allowed', 400);
      }
    });
    apart.session.guestIdentityId = 'eu-west-2:guest';
    await apart.credentials.issue(apart.session, LOGINS);
    expect(apart.calls).toEqual([
      'GetCredentialsForIdentity eu-west-2:guest',
      'GetId',
      'GetCredentialsForIdentity eu-west-2:new-1',
    ]);
  });

  it('a session that ended meanwhile gets nothing and writes nothing', async () => {
    const { store, session, credentials } = setUp(() => {
      session.ended = true;
    });
    await expect(credentials.issue(session, LOGINS)).rejects.toMatchObject({
      code: 'ERR_NOT_SIGNED_IN',
    });
    expect(store.identityId('alice')).toBeUndefined();
  });
});
