import type { GatewayVerdict } from './verdict';

/**
 * A request refused, as AWS answers it: an HTTP status, the `x-amzn-ErrorType` and a message.
 * Thrown inside the verifier and turned into a verdict at its edge; never leaves it.
 */
export class Refusal extends Error {
  constructor(
    readonly status: number,
    readonly errorType: string,
    message: string,
    readonly details: Partial<GatewayVerdict> = {},
  ) {
    super(message);
  }
}
