// What an app writes: a Cognito sign-in and an axios instance that signs every request to the
// API with the signed-in user's identity-pool credentials, recovering from clock skew and
// expired credentials.
import axios from 'axios';
import { attachApigSigner } from 'apig-signer';
import { createCognitoAuth } from 'apig-signer/cognito';

/**
 * @param {{ apiUrl: string, region: string, userPoolId: string, clientId: string,
 *   identityPoolId: string, endpoints?: { userPool?: string, identity?: string },
 *   hosts?: string[] }} config
 */
export function createNotesClient(config) {
  const auth = createCognitoAuth({
    region: config.region,
    userPoolId: config.userPoolId,
    clientId: config.clientId,
    identityPoolId: config.identityPoolId,
    ...(config.endpoints ? { endpoints: config.endpoints } : {}),
  });
  const api = axios.create({ baseURL: config.apiUrl });
  const signer = attachApigSigner(api, {
    credentials: auth.credentials,
    // A deployed API on *.execute-api.{region}.amazonaws.com needs neither: they are read off
    // the host name. A local or custom-domain API names its host and region.
    ...(config.hosts ? { hosts: config.hosts, region: config.region } : {}),
  });
  return { auth, api, signer };
}
