// A web app as a user writes it, built from the packed tarball by scripts/bundler-test.mjs with
// each bundler's defaults (no `define`, no polyfills): sign in with Cognito, call the API.
import axios from 'axios';
import { attachApigSigner } from 'apig-signer';
import { createCognitoAuth } from 'apig-signer/cognito';

const config = JSON.parse(new URLSearchParams(location.search).get('config') ?? '{}');

const auth = createCognitoAuth({
  region: config.region,
  userPoolId: config.userPoolId,
  clientId: config.clientId,
  identityPoolId: config.identityPoolId,
  endpoints: { userPool: config.cognitoUrl, identity: config.cognitoUrl },
});
const api = axios.create({ baseURL: config.apiUrl });
attachApigSigner(api, {
  credentials: auth.credentials,
  region: config.region,
  hosts: ['127.0.0.1'],
});

globalThis.signInAndCall = async () => {
  const result = await auth.signIn(config.username, config.password);
  const response = await api.get('/notes', { params: { q: 'two words' } });
  const text = `${auth.username}: GET /notes ${response.status}`;
  document.querySelector('main').textContent = text;
  return {
    challenge: result.challenge?.name ?? null,
    username: auth.username,
    status: response.status,
  };
};
document.body.dataset.ready = 'true';
