import { waitUntil } from "@vercel/functions";
import NextAuth, { AuthError, customFetch, type Session } from "next-auth";
import { cookies, headers } from "next/headers";
import { cache } from "react";
import { uniauthClaimsSchema } from "@/lib/auth/claims";
import { authConfig, toSession } from "@/lib/auth/config";
import { discover, discoveredAlready } from "@/lib/auth/discovery";
import { recordAuthEvent } from "@/lib/auth/audit-trail";
import type { SignInRefusal } from "@/lib/auth/events";
import { pruneExpired } from "@/lib/auth/housekeeping";
import { withUniAuthOutagePage } from "@/lib/auth/outage";
import { AUTH_ERROR_PATH } from "@/lib/auth/paths";
import { uniauthProvider } from "@/lib/auth/provider";
import { checkSession, toToken } from "@/lib/auth/session-check";
import { readSessionCookie } from "@/lib/auth/session-cookie";
import { endSession } from "@/lib/auth/sessions";
import { emailBelongsToAnotherSubject, recordSignIn, recordStepUp } from "@/lib/auth/sign-in";
import { endStepUp, pendingStepUp, stepUpRefusal } from "@/lib/auth/step-up";
import { uniauthFetch } from "@/lib/auth/uniauth-fetch";
import { withGroups } from "@/lib/auth/userinfo";
import { env } from "@/lib/env";

const nextAuth = NextAuth(async (request) => ({
  ...authConfig,
  // Auth.js's own routes (which receive a request) talk to UniAuth, so they wait for discovery; anything else
  // (reading a session) must not wait on UniAuth and takes the cached copy if there is one.
  providers: [{ ...uniauthProvider(request ? await discover().catch(() => null) : discoveredAlready()), [customFetch]: uniauthFetch }],
  callbacks: {
    ...authConfig.callbacks,
    async signIn({ profile }) {
      const refusal = await signInRefusal(profile);
      if (refusal) {
        await endStepUp();
        await recordAuthEvent({ event: "signin.refused", reason: refusal });
        return `${AUTH_ERROR_PATH}?error=${refusal}`;
      }
      const stepUp = await pendingStepUp();
      const stepUpRefused = stepUp && (await stepUpRefusal(stepUp, uniauthClaimsSchema.parse(profile)));
      if (!stepUp || !stepUpRefused) return true;
      await endStepUp();
      await recordAuthEvent({ event: "stepup.refused", userId: stepUp.userId, sessionId: stepUp.sessionId, reason: stepUpRefused });
      // Nothing is written: the session the browser holds stays as it is.
      return `${AUTH_ERROR_PATH}?${new URLSearchParams({ error: stepUpRefused, callbackUrl: stepUp.returnTo })}`;
    },
    async jwt({ token, account, profile, trigger }) {
      if (trigger === "signIn" && account) {
        const granted = account.scope?.split(" ").includes("groups");
        const claims = uniauthClaimsSchema.parse(granted ? await withGroups(profile ?? {}, account.access_token) : profile);
        const stepUp = await pendingStepUp();
        if (stepUp) await endStepUp();
        const steppedUp = stepUp && (await recordStepUp({ ...stepUp, claims, tokens: account }));
        if (steppedUp) return toToken(steppedUp);
        // A sign-in, or a step-up whose session ended meanwhile: the same person, freshly signed in, gets a new one.
        const userAgent = (await headers()).get("user-agent");
        const session = await recordSignIn({ claims, tokens: account, userAgent });
        // Sign-ins are rare (UniAuth rate-limits them), so each one also sweeps expired rows.
        await pruneExpired().catch(() => undefined);
        return toToken(session);
      }
      return checkSession(token);
    },
  },
  logger: {
    error(error) {
      const type = error instanceof AuthError ? error.type : error.name;
      // Auth.js's logger is synchronous: the insert finishes after the response, kept alive on Vercel.
      if (SIGN_IN_FAILURES.has(type)) waitUntil(recordAuthEvent({ event: "signin.refused", reason: type }));
      // As Auth.js's own logger prints it, less the "details" it adds from the failed request.
      const cause = error.cause instanceof Object && "err" in error.cause && error.cause.err instanceof Error ? error.cause.err : undefined;
      console.error(`[auth][error] ${type}: ${error.message}`, ...(cause ? ["\n[auth][cause]:", cause.stack] : []));
    },
  },
  events: {
    async signOut(message) {
      const token = "token" in message ? message.token : null;
      if (!token?.sessionId) return;
      await endSession(token.sessionId);
      if (token.sub) await recordAuthEvent({ event: "signout", userId: token.sub, sessionId: token.sessionId });
    },
  },
}));

/** What Auth.js stops a sign-in for itself: a state, PKCE or nonce check, UniAuth's error, a failed code exchange. */
const SIGN_IN_FAILURES = new Set(["AccessDenied", "CallbackRouteError", "InvalidCheck", "OAuthCallbackError", "OAuthProfileParseError", "OAuthSignInError"]);

async function signInRefusal(profile: unknown): Promise<SignInRefusal | null> {
  const claims = uniauthClaimsSchema.safeParse(profile);
  if (!claims.success) return "InvalidClaims";
  if (!claims.data.email_verified) return "EmailUnverified";
  if (await emailBelongsToAnotherSubject(claims.data)) return "AccountConflict";
  return null;
}

export const { signIn, signOut, unstable_update: reissueSessionCookie } = nextAuth;
export const handlers = { GET: withUniAuthOutagePage(nextAuth.handlers.GET), POST: withUniAuthOutagePage(nextAuth.handlers.POST) };

/**
 * The current session: the cookie decrypted, then its row checked against the database (one query, with the
 * user's current roles), once per request however many layouts, pages and data functions ask. Unlike Auth.js's
 * `auth()` it never encodes a new cookie, which a Server Component could not set anyway.
 */
export const auth = cache(async (): Promise<Session | null> => {
  const token = await readSessionCookie(await cookies(), authConfig.useSecureCookies, env.AUTH_SECRETS);
  const checked = token && (await checkSession(token));
  return checked ? toSession(checked) : null;
});
