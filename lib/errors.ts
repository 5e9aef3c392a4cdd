/** What a 503 asks clients to wait (`Retry-After`, seconds): outages of UniAuth or the database are retried within it. */
export const RETRY_AFTER_SECONDS = 60;

/** The errors the app reports, each with its HTTP status and a default message safe to show. */
const ERRORS = {
  invalid_request: { status: 400, message: "The request is invalid." },
  unauthenticated: { status: 401, message: "Sign in to continue: your session has ended or you are not signed in." },
  forbidden: { status: 403, message: "You do not have access to this." },
  step_up_required: { status: 403, message: "This is a sensitive action: confirm it's you at UniAuth, then try again." },
  not_found: { status: 404, message: "There is nothing here, or it is not yours." },
  payload_too_large: { status: 413, message: "The request body is too large." },
  unsupported_media_type: { status: 415, message: "The body must be JSON (Content-Type: application/json)." },
  service_unavailable: { status: 503, message: "A service the app depends on is unreachable. Please try again in a minute." },
} as const;

export type AppErrorCode = keyof typeof ERRORS;

export class AppError extends Error {
  readonly status: number;
  /** Where a server action sends the browser instead of answering the error ("Confirm it's you", say). */
  readonly location?: string;

  /** `description` must be safe to return to the caller: never a token, a secret or a stack. */
  constructor(
    readonly code: AppErrorCode,
    description?: string,
    options?: { location?: string },
  ) {
    super(description ?? ERRORS[code].message);
    this.name = "AppError";
    this.status = ERRORS[code].status;
    this.location = options?.location;
  }
}
