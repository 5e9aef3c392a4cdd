import * as oauth from "oauth4webapi";

/** Never a token: the status and OAuth error code (from the body or a 401's challenge), else the error's kind. */
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
