/**
 * `apig-signer/testing`: stand-ins for AWS in your own tests, independent of the signer.
 *
 * - {@link startSigV4Gateway}: API Gateway with IAM auth on 127.0.0.1. It verifies each
 *   request's Signature Version 4 from the bytes received, answers refusals as AWS does, and
 *   keeps the last requests (1,000 by default) with their verdicts for assertions. Its
 *   deliberate differences from API Gateway are listed in its documentation.
 * - {@link verifySigV4}: the same check without a server (method, URL, headers and body in,
 *   verdict out, with the canonical request and the reason), for use inside a nock reply or
 *   any HTTP mock. See the "Testing your app" guide.
 * - {@link startCognitoEmulator}: a Cognito user pool and identity pool on 127.0.0.1.
 *
 * The verifier is written from the AWS specification, shares no code with apig-signer's
 * signer, and is itself checked against the official AWS SigV4 test vectors and a tamper
 * suite (every signed part changed in turn is refused; every difference the specification
 * allows is accepted).
 *
 * @module apig-signer/testing
 */
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
  DeliveredCode,
  EmulatedAuthTriggers,
  EmulatedCodePurpose,
  EmulatedDevice,
  EmulatedDeviceConfiguration,
  EmulatedMfaType,
  EmulatedPasswordPolicy,
  EmulatedTrigger,
  EmulatedTriggerEvent,
  EmulatedUser,
  EmulatedUserView,
  EmulatorCall,
  EmulatorFault,
} from './cognito';
