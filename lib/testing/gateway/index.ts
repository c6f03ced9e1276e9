export { startSigV4Gateway } from './server';
export type {
  SigV4Gateway,
  SigV4GatewayOptions,
  GatewayResponse,
  GatewayEcho,
  ReceivedRequest,
} from './server';
export { verifySigV4 } from './verifySigV4';
export type { SigV4Request, SigV4Headers, VerifySigV4Options } from './verifySigV4';
export { DEFAULT_GATEWAY_CREDENTIALS } from './credentials';
export type { GatewayCredentials } from './credentials';
export { API_GATEWAY_CORS_HEADERS } from './cors';
export type { GatewayVerdict } from './verdict';
