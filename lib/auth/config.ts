import type { NextAuthConfig } from "next-auth";
import { safeCallbackPath } from "@/lib/auth/redirect";
import { env } from "@/lib/env";
import "./types";

/** A session lasts as long as UniAuth's refresh token: 30 days from sign-in, never extended. */
export const SESSION_MAX_AGE_SECONDS = 30 * 24 * 60 * 60;

export const SIGN_IN_PATH = "/signin";
export const SESSION_ENDED_PATH = "/api/auth/session-ended";

/**
 * The edge-safe half of the Auth.js config: no database, no provider. Edge middleware uses it to read the
 * session cookie; lib/auth/index.ts adds the provider and the database checks for the Node runtime.
 */
export const authConfig = {
  secret: env.AUTH_SECRET,
  providers: [],
  session: { strategy: "jwt", maxAge: SESSION_MAX_AGE_SECONDS },
  pages: { signIn: SIGN_IN_PATH, error: "/auth/error" },
  callbacks: {
    // Auth.js allows any same-origin URL; this also refuses `//host`, `/\host` and friends.
    redirect({ url, baseUrl }) {
      return `${baseUrl}${safeCallbackPath(url.startsWith(baseUrl) ? url.slice(baseUrl.length) : url)}`;
    },
    session({ session, token }) {
      if (!token.user || !token.sessionId || !token.sessionStartedAt || !token.sessionExpiresAt) return session;
      return {
        ...session,
        user: { ...session.user, ...token.user },
        sessionId: token.sessionId,
        sessionStartedAt: token.sessionStartedAt,
        expires: token.sessionExpiresAt,
        ...(token.unavailable && { unavailable: true }),
      };
    },
  },
} satisfies NextAuthConfig;
