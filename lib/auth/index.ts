import NextAuth, { type Account, type Profile } from "next-auth";
import type { JWT } from "next-auth/jwt";
import { headers } from "next/headers";
import { cache } from "react";
import { uniauthClaimsSchema } from "@/lib/auth/claims";
import { authConfig } from "@/lib/auth/config";
import { tokenEndpointAuthMethod } from "@/lib/auth/discovery";
import { uniauthProvider } from "@/lib/auth/provider";
import { type ActiveSession, endSession, findActiveSession } from "@/lib/auth/sessions";
import { recordSignIn } from "@/lib/auth/sign-in";
import { fetchUserinfo } from "@/lib/auth/userinfo";

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
        const claims = uniauthClaimsSchema.parse(await withGroups(profile, account));
        const userAgent = (await headers()).get("user-agent");
        return toToken(await recordSignIn({ claims, tokens: account, userAgent }));
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

/**
 * UniAuth puts `groups` in the ID token; should it ever be missing although the scope was granted, ask
 * userinfo once. If that fails the user gets no groups (no roles) for this session, never stale ones.
 */
async function withGroups(profile: Profile | undefined, account: Account): Promise<Profile | undefined> {
  const granted = account.scope?.split(" ").includes("groups");
  if (!profile || "groups" in profile || !granted || !account.access_token || !profile.sub) return profile;
  try {
    const { groups } = await fetchUserinfo(account.access_token, profile.sub);
    return { ...profile, groups };
  } catch (error) {
    console.error("UniAuth userinfo failed; signing in without groups:", error instanceof Error ? error.name : "unknown error");
    return profile;
  }
}

function toToken(session: ActiveSession): JWT {
  return {
    sub: session.user.id,
    sessionId: session.id,
    sessionStartedAt: session.createdAt.toISOString(),
    sessionExpiresAt: session.expiresAt.toISOString(),
    user: session.user,
  };
}

/** Every server-side read of the session checks its row: no row (or an expired one), no session. */
async function checkSession(token: JWT): Promise<JWT | null> {
  if (!token.sessionId) return null;
  let session: ActiveSession | null;
  try {
    session = await findActiveSession(token.sessionId);
  } catch (error) {
    // Auth.js would clear the cookie on a thrown error: a database outage must not sign everyone out.
    console.error("Session check failed (database unreachable?):", error instanceof Error ? error.name : "unknown error");
    return { ...token, unavailable: true };
  }
  return session ? toToken(session) : null;
}

export const { handlers, signIn, signOut } = nextAuth;

/** The current session, checked against the database once per request. */
export const auth = cache(() => nextAuth.auth());
