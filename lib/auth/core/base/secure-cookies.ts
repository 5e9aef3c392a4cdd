import { secureSessionCookie } from "@/lib/auth/core/base/cookie-security";
import { env } from "@/lib/env";

/** Whether the app's auth cookies are https-only (and prefixed): decided once, from the environment. */
export const useSecureCookies = secureSessionCookie({ authUrl: env.AUTH_URL, production: env.NODE_ENV === "production" });
