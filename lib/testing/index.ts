/**
 * Stand-ins for your tests and demos: an API Gateway that checks SigV4 like AWS does
 * ({@link startSigV4Gateway}) and a Cognito user pool and identity pool
 * ({@link startCognitoEmulator}), on 127.0.0.1.
 *
 * @module apig-signer/testing
 */
export {
  startSigV4Gateway,
  DEFAULT_GATEWAY_CREDENTIALS,
  API_GATEWAY_CORS_HEADERS,
} from './gateway';
export type {
  SigV4Gateway,
  SigV4GatewayOptions,
  GatewayCredentials,
  GatewayResponse,
  GatewayVerdict,
  GatewayEcho,
  ReceivedRequest,
} from './gateway';
export { startCognitoEmulator } from './cognito';
export type {
  CognitoEmulator,
  CognitoEmulatorOptions,
  EmulatedUser,
  EmulatorCall,
  EmulatorFault,
} from './cognito';
