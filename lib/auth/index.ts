import "server-only";

/**
 * The one public auth module. app/, middleware.ts (through `@/lib/auth/edge`) and lib/data import auth from here
 * and nowhere else (ESLint enforces it); everything under lib/auth/ is internal and may move.
 */

// Reading the session. `auth()` fails closed: a session only when its row was checked just now.
export { auth, getSessionState, type SessionState } from "@/lib/auth/core/session/current";
export { getAccessToken } from "@/lib/auth/core/session/access-token";
export type { Session } from "next-auth";
export type { SessionUser } from "@/lib/auth/core/base/types";

// Guards, one per kind of entry point. Pages and layouts (and data functions): redirect, 403 or "Confirm it's you".
export { requireRecentAuth, requireStaff, requireSuperuser, requireUser } from "@/lib/auth/core/guards/pages";
// Server actions: typed results, never a redirect but for "Confirm it's you".
export { authAction, type ActionResult } from "@/lib/auth/core/guards/action";
// Route handlers: 401 / 403 / 503 JSON, no-store.
export { authRoute } from "@/lib/auth/core/guards/route";

// Forms: sign in, sign out (of the app and UniAuth), confirm it's you, continue with newly granted roles.
export { confirmItsYou, continueWithCurrentRoles, signInWithUniAuth, signOutEverywhere } from "@/lib/auth/actions";

// For pages that describe the auth state.
export { AUTH_EVENT_KINDS, type AuthEventKind } from "@/lib/auth/core/events";
export { recordAuthEvent } from "@/lib/auth/features/audit-trail/trail";
export { UNIAUTH_UNAVAILABLE } from "@/lib/auth/core/base/paths";
export { safeCallbackPath } from "@/lib/auth/core/base/redirect";
export type { StepUpPolicy } from "@/lib/auth/features/step-up/policy";
export { recentAuthOf, stepUpPolicy } from "@/lib/auth/features/step-up/step-up";
export { uniauthSignOutConfirmed } from "@/lib/auth/core/uniauth/end-session";
export { discoveryStatus as uniauthStatus } from "@/lib/auth/core/uniauth/discovery";
export { tokenBudget } from "@/lib/auth/features/token-budget/token-budget";
export { forgetDevicesOf } from "@/lib/auth/features/token-budget/devices";
export { TOO_MANY_ATTEMPTS, SIGN_IN_REPLAYED, UNIAUTH_BUSY, retryAfterOf } from "@/lib/auth/core/base/error-pages";
export { type BackchannelLogoutSupport, backchannelLogoutSupport } from "@/lib/auth/core/uniauth/capabilities";

// The template's own auth routes (app/api/auth/*, app/api/cron/prune).
export { handlers } from "@/lib/auth/core/nextauth";
export { backchannelLogout, frontchannelLogout } from "@/lib/auth/core/logout/receivers";
export { sessionEnded } from "@/lib/auth/core/guards/session-ended";
export { pruneExpired } from "@/lib/auth/core/session/housekeeping";
