import type { NextAuthConfig, Session } from "next-auth";
import type { JWT } from "next-auth/jwt";
import { AUTH_ERROR_PATH, SIGN_IN_PATH } from "@/lib/auth/core/base/paths";
import { safeCallbackPath } from "@/lib/auth/core/base/redirect";
import "@/lib/auth/core/base/types";
import { sessionCookie } from "@/lib/auth/core/session/cookie";
import { useSecureCookies } from "@/lib/auth/core/base/secure-cookies";
import { SESSION_MAX_AGE_SECONDS } from "@/lib/auth/core/session/store";
import { env } from "@/lib/env";

/** The session Auth.js's own routes (`/api/auth/session`) show: only from a token whose row was checked. */
function sessionOf(token: JWT): Session | null {
  if (token.unavailable || !token.user || !token.sessionId || !token.sessionStartedAt || !token.sessionExpiresAt) return null;
  return { user: token.user, sessionId: token.sessionId, sessionStartedAt: token.sessionStartedAt, expires: token.sessionExpiresAt };
}

/** The Auth.js config without the provider and the database checks, which lib/auth/core/nextauth.ts adds. */
export const authConfig = {
  // Newest first: Auth.js encrypts with the first and decrypts with any (see lib/auth-secrets.ts).
  secret: env.AUTH_SECRETS,
  useSecureCookies,
  cookies: { sessionToken: sessionCookie(useSecureCookies) },
  providers: [],
  session: { strategy: "jwt", maxAge: SESSION_MAX_AGE_SECONDS },
  pages: { signIn: SIGN_IN_PATH, error: AUTH_ERROR_PATH },
  callbacks: {
    // Auth.js allows any same-origin URL; this also refuses `//host`, `/\host` and friends.
    redirect({ url, baseUrl }) {
      return `${baseUrl}${safeCallbackPath(url.startsWith(baseUrl) ? url.slice(baseUrl.length) : url)}`;
    },
    // Auth.js's type wants a session; its session route answers `null` for this one, as for no session at all.
    session({ token }) {
      return sessionOf(token) as Session;
    },
  },
} satisfies NextAuthConfig;
