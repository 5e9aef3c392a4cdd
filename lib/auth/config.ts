import type { NextAuthConfig, Session } from "next-auth";
import type { JWT } from "next-auth/jwt";
import { AUTH_ERROR_PATH, SIGN_IN_PATH } from "@/lib/auth/paths";
import { safeCallbackPath } from "@/lib/auth/redirect";
import { secureSessionCookie } from "@/lib/auth/session-cookie";
import { env } from "@/lib/env";
import "./types";

/** A session lasts as long as UniAuth's refresh token: 30 days from sign-in, never extended. */
export const SESSION_MAX_AGE_SECONDS = 30 * 24 * 60 * 60;

/** The session the app sees, from a checked token; null when the token lacks what a session needs. */
export function toSession(token: JWT): Session | null {
  if (!token.user || !token.sessionId || !token.sessionStartedAt || !token.sessionExpiresAt) return null;
  return {
    user: token.user,
    sessionId: token.sessionId,
    sessionStartedAt: token.sessionStartedAt,
    expires: token.sessionExpiresAt,
    ...(token.unavailable && { unavailable: true }),
  };
}

/** The Auth.js config without the provider and the database checks, which lib/auth/index.ts adds. */
export const authConfig = {
  // Newest first: Auth.js encrypts with the first and decrypts with any (see lib/auth-secrets.ts).
  secret: env.AUTH_SECRETS,
  useSecureCookies: secureSessionCookie({ authUrl: env.AUTH_URL, production: env.NODE_ENV === "production" }),
  providers: [],
  session: { strategy: "jwt", maxAge: SESSION_MAX_AGE_SECONDS },
  pages: { signIn: SIGN_IN_PATH, error: AUTH_ERROR_PATH },
  callbacks: {
    // Auth.js allows any same-origin URL; this also refuses `//host`, `/\host` and friends.
    redirect({ url, baseUrl }) {
      return `${baseUrl}${safeCallbackPath(url.startsWith(baseUrl) ? url.slice(baseUrl.length) : url)}`;
    },
    session({ session, token }) {
      return toSession(token) ?? session;
    },
  },
} satisfies NextAuthConfig;
