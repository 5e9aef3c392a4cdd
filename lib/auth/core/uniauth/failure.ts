import * as oauth from "oauth4webapi";

/**
 * What to log about a failed call to UniAuth, never a token: the HTTP status and the OAuth error code when UniAuth
 * answered (from the body, or from the WWW-Authenticate challenge of a 401), else the error's kind.
 */
export function describeFailure(error: unknown): string {
  if (error instanceof oauth.ResponseBodyError) return `${error.status} ${error.error}`;
  if (error instanceof oauth.WWWAuthenticateChallengeError) {
    const code = error.cause.map((challenge) => challenge.parameters.error).find(Boolean);
    return `${error.status} ${code ?? `(no error code in its ${error.cause[0]?.scheme ?? ""} challenge)`}`;
  }
  if (error instanceof Error && error.cause instanceof Response) return `${error.cause.status} ${"code" in error ? String(error.code) : error.name}`;
  if (error instanceof Error && error.cause instanceof Error && "code" in error.cause) return `${error.name} (${String(error.cause.code)})`;
  if (error instanceof Error) return "code" in error ? String(error.code) : error.name;
  return "unknown error";
}
