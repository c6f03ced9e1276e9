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
  EmulatedPasswordPolicy,
  EmulatedUser,
  EmulatorCall,
  EmulatorFault,
} from './cognito';
