/** An error answer of the JSON protocol: `__type`, `message`, and the HTTP status. */
export class ServiceError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}
