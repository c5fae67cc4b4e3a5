// The AWS layer's own errors (not an answer from AWS): a code the engine reads through errorCode()
// and reports beside the message, the message a user reads, and what caused it.

export class AwsLayerError extends Error {
  constructor(
    readonly code: string,
    message: string,
    options: { cause?: unknown } = {},
  ) {
    super(message, 'cause' in options ? { cause: options.cause } : undefined);
    // The code is the name too, as with the SDK's own errors (ThrottlingException, …): whatever
    // reads either (errorCode, the SDK's retry decision, a log line) sees the same word.
    this.name = code;
  }
}
