import NextAuth from "next-auth";
import type { JWT } from "next-auth/jwt";
import { headers } from "next/headers";
import { cache } from "react";
import { uniauthClaimsSchema } from "@/lib/auth/claims";
import { authConfig } from "@/lib/auth/config";
import { tokenEndpointAuthMethod } from "@/lib/auth/discovery";
import { uniauthProvider } from "@/lib/auth/provider";
import { refreshSession, needsRefresh } from "@/lib/auth/refresh";
import { type ActiveSession, endSession, findActiveSession, touchSession } from "@/lib/auth/sessions";
import { pruneExpired } from "@/lib/auth/housekeeping";
import { recordSignIn } from "@/lib/auth/sign-in";
import { withGroups } from "@/lib/auth/userinfo";

const nextAuth = NextAuth(async (request) => ({
  ...authConfig,
  // Only Auth.js's own routes (which receive a request) talk to UniAuth; reading a session never waits on it.
  providers: [uniauthProvider(request ? await tokenEndpointAuthMethod().catch(() => "client_secret_post" as const) : "client_secret_post")],
  callbacks: {
    ...authConfig.callbacks,
    signIn({ profile }) {
      const claims = uniauthClaimsSchema.safeParse(profile);
      if (!claims.success) return "/auth/error?error=InvalidClaims";
      if (!claims.data.email_verified) return "/auth/error?error=EmailUnverified";
      return true;
    },
    async jwt({ token, account, profile, trigger }) {
      if (trigger === "signIn" && account) {
        const granted = account.scope?.split(" ").includes("groups");
        const claims = uniauthClaimsSchema.parse(granted ? await withGroups(profile ?? {}, account.access_token) : profile);
        const userAgent = (await headers()).get("user-agent");
        const session = await recordSignIn({ claims, tokens: account, userAgent });
        // Sign-ins are rare (UniAuth rate-limits them), so each one also sweeps expired rows.
        await pruneExpired().catch(() => undefined);
        return toToken(session);
      }
      return checkSession(token);
    },
  },
  events: {
    async signOut(message) {
      const sessionId = "token" in message ? message.token?.sessionId : undefined;
      if (sessionId) await endSession(sessionId);
    },
  },
}));

function toToken(session: ActiveSession): JWT {
  return {
    sub: session.user.id,
    sessionId: session.id,
    sessionStartedAt: session.createdAt.toISOString(),
    sessionExpiresAt: session.expiresAt.toISOString(),
    user: session.user,
  };
}

/**
 * Every server-side read of the session checks its row: no row (or an expired one), no session. A session
 * whose access token has expired is refreshed here, on the server; never in middleware.
 */
async function checkSession(token: JWT): Promise<JWT | null> {
  if (!token.sessionId) return null;
  let session: Awaited<ReturnType<typeof findActiveSession>>;
  try {
    session = await findActiveSession(token.sessionId);
    if (session && needsRefresh(session)) {
      const outcome = await refreshSession(session);
      if (outcome === "ended") return null;
      if (outcome === "refreshed") session = await findActiveSession(token.sessionId);
    }
    if (session) await touchSession(session);
  } catch (error) {
    // Auth.js would clear the cookie on a thrown error: a database outage must not sign everyone out.
    console.error("Session check failed (database unreachable?):", error instanceof Error ? error.name : "unknown error");
    return { ...token, unavailable: true };
  }
  return session ? toToken(session) : null;
}

export const { handlers, signIn, signOut, unstable_update: reissueSessionCookie } = nextAuth;

/** The current session, checked against the database once per request. */
export const auth = cache(() => nextAuth.auth());
