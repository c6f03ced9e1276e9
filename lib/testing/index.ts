export {
  startSigV4Gateway,
  DEFAULT_GATEWAY_CREDENTIALS,
  API_GATEWAY_CORS_HEADERS,
  verifySigV4,
} from './gateway';
export type {
  SigV4Gateway,
  SigV4GatewayOptions,
  GatewayCredentials,
  GatewayResponse,
  GatewayVerdict,
  GatewayEcho,
  ReceivedRequest,
  SigV4Request,
  SigV4Headers,
  VerifySigV4Options,
} from './gateway';
export { startCognitoEmulator } from './cognito';
export type {
  CognitoEmulator,
  CognitoEmulatorOptions,
  EmulatedUser,
  EmulatorCall,
  EmulatorFault,
} from './cognito';
