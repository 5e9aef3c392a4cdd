import "server-only";
import "@/lib/auth/installed";

/** The template's own auth routes and pages (app/api/auth/*, app/api/cron/prune, app/auth/error, app/signed-out). */
export { handlers } from "@/lib/auth/core/nextauth";
export { backchannelLogout } from "@/lib/auth/core/logout/receivers";
export { sessionEnded } from "@/lib/auth/core/guards/session-ended";
export { pruneExpired } from "@/lib/auth/core/session/housekeeping";
export { uniauthSignOutConfirmed } from "@/lib/auth/core/uniauth/end-session";
export { SIGN_IN_REPLAYED, TOO_MANY_ATTEMPTS, UNIAUTH_BUSY, UNIAUTH_UNAVAILABLE, retryAfterOf } from "@/lib/auth/core/base/error-pages";
