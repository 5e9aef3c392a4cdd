import "server-only";
import "@/lib/auth/installed";

/**
 * Auth for app code: app/ and lib/data import it from here (ESLint enforces it). The template's own routes use
 * `@/lib/auth/routes`, operator views `@/lib/auth/operator`, middleware.ts `@/lib/auth/edge`, and each optional
 * feature has its own entry (`@/lib/auth/features/<name>`). Everything else under lib/auth/ is internal.
 */

// Reading the session. `auth()` fails closed: a session only when its row was checked just now.
export { auth, getSessionState, type SessionState } from "@/lib/auth/core/session/current";
export { getAccessToken } from "@/lib/auth/core/session/access-token";
export type { Session } from "next-auth";
export type { SessionUser } from "@/lib/auth/core/base/types";

// Guards, one per kind of entry point. Pages and layouts (and data functions): redirect or 403.
export { requireStaff, requireSuperuser, requireUser } from "@/lib/auth/core/guards/pages";
// Server actions: typed results, never a redirect (but where a check asks for one).
export { authAction, type ActionResult } from "@/lib/auth/core/guards/action";
// Route handlers: 401 / 403 / 503 JSON, no-store.
export { authRoute } from "@/lib/auth/core/guards/route";

// Forms: sign in, sign out (of the app and UniAuth), continue with newly granted roles.
export { continueWithCurrentRoles, signInWithUniAuth, signOutEverywhere } from "@/lib/auth/actions";
// A `callbackUrl` from the query, made safe to redirect to.
export { safeCallbackPath } from "@/lib/auth/core/base/redirect";
