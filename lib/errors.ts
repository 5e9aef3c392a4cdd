/** The errors the app reports to people, each with its HTTP status and a message safe to show. */
const ERRORS = {
  service_unavailable: { status: 503, message: "The app cannot reach its database right now. Please try again in a minute." },
} as const;

export type AppErrorCode = keyof typeof ERRORS;

export class AppError extends Error {
  readonly status: number;

  constructor(readonly code: AppErrorCode) {
    super(ERRORS[code].message);
    this.name = "AppError";
    this.status = ERRORS[code].status;
  }
}
