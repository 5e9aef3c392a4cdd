import * as oauth from "oauth4webapi";

/** What to log about a failed call to UniAuth: the OAuth error code or the error's kind, never a token. */
export function describeFailure(error: unknown): string {
  if (error instanceof oauth.ResponseBodyError) return `${error.status} ${error.error}`;
  if (error instanceof Error && error.cause instanceof Error && "code" in error.cause) return `${error.name} (${String(error.cause.code)})`;
  if (error instanceof Error) return "code" in error ? String(error.code) : error.name;
  return "unknown error";
}
