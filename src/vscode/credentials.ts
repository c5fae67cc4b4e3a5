// Whether a failure means "no usable AWS credentials", so the user gets the profile picker and
// the sandbox instead of an SDK message. Pure (no vscode): unit-tested.
import { BlueprintError } from '../core/errors';

const credentialsWords = /could not load credentials|credential|no such profile|profile .* could not be found|security token .* invalid|InvalidClientTokenId|AuthFailure|UnrecognizedClientException|ExpiredToken|sso session .* expired|token has expired/i;

export function isCredentialsProblem(error: unknown): boolean {
  if (error instanceof BlueprintError && error.code !== 'aws' && error.code !== 'runtime') return false;
  const e = error as { message?: unknown; code?: unknown; name?: unknown } | undefined;
  const text = [e?.name, e?.code, e?.message ?? String(error)].filter((x) => typeof x === 'string').join(' ');
  return credentialsWords.test(text);
}
