/** The app's auth pages, shared by the edge gate and the server (no dependencies, so the edge bundle stays small). */
export const SIGN_IN_PATH = "/signin";
export const SESSION_ENDED_PATH = "/api/auth/session-ended";
export const AUTH_ERROR_PATH = "/auth/error";
export const FORBIDDEN_PATH = "/forbidden";
export const POST_LOGOUT_PATH = "/signed-out";
/** Answers 503 with a page saying the database is unreachable (app/unavailable/route.ts). */
export const DATABASE_UNAVAILABLE_PATH = "/unavailable";
/** Where a sensitive action sends a user whose UniAuth sign-in is not recent enough: "Confirm it's you". */
export const STEP_UP_PATH = "/confirm";
