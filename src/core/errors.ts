// Errors carry a code and a cause; only a command boundary (CLI main, a VS Code command) turns
// them into text for the user, and it never prints the cause's stack.

export type ErrorCode =
  | 'invalid-blueprint'
  | 'usage'
  | 'aws'
  | 'state-locked'
  | 'state-corrupt'
  | 'key-file'
  | 'interrupted'
  | 'not-found'
  | 'runtime';

export class BlueprintError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'BlueprintError';
  }
}

/** CLI exit code for an error (DESIGN.md section 4). */
export function exitCodeOf(error: unknown): number {
  if (!(error instanceof BlueprintError)) return 3;
  switch (error.code) {
    case 'invalid-blueprint':
      return 1;
    case 'usage':
      return 2;
    case 'interrupted':
      return 130;
    default:
      return 3;
  }
}
