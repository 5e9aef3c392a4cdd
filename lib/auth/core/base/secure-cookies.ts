import { secureSessionCookie } from "@/lib/auth/core/base/cookie-security";
import { env } from "@/lib/env";

export const useSecureCookies = secureSessionCookie({ authUrl: env.AUTH_URL, production: env.NODE_ENV === "production" });
