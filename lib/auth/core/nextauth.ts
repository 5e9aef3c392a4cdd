import "server-only";
import { waitUntil } from "@vercel/functions";
import NextAuth, { type Account, AuthError, type Profile, customFetch } from "next-auth";
import { headers } from "next/headers";
import { type UniAuthClaims, uniauthClaimsSchema } from "@/lib/auth/core/uniauth/claims";
import { authConfig } from "@/lib/auth/core/config";
import { discover, discoveredAlready } from "@/lib/auth/core/uniauth/discovery";
import { recordAuthEvent } from "@/lib/auth/core/events";
import { type SignInRefusal, refusalPath } from "@/lib/auth/core/base/error-pages";
import { authRoute } from "@/lib/auth/core/auth-route";
import { hooks } from "@/lib/auth/core/features";
import { pruneExpired } from "@/lib/auth/core/session/housekeeping";
import { uniauthProvider } from "@/lib/auth/core/uniauth/provider";
import { checkSession, toToken } from "@/lib/auth/core/session/check";
import { type ActiveSession, endSession } from "@/lib/auth/core/session/store";
import { type GrantTokens, emailBelongsToAnotherSubject, recordSignIn } from "@/lib/auth/core/session/sign-in";
import { noteIdTokenSid, warnIfBackchannelLogoutUnsupported } from "@/lib/auth/core/uniauth/capabilities";
import { uniauthCallsSoFar, uniauthFetch } from "@/lib/auth/core/uniauth/fetch";
import { withUserinfoClaims } from "@/lib/auth/core/uniauth/userinfo";

const nextAuth = NextAuth(async (request) => ({
  ...authConfig,
  // Auth.js's own routes (which receive a request) talk to UniAuth, so they wait for discovery; anything else
  // (reading a session) must not wait on UniAuth and takes the cached copy if there is one.
  providers: [{ ...uniauthProvider(request ? await discoveredForSignIn() : discoveredAlready()), [customFetch]: uniauthFetch }],
  callbacks: {
    ...authConfig.callbacks,
    async signIn({ profile, account }) {
      const claims = uniauthClaimsSchema.safeParse(await signInClaims(profile, account));
      const refusal = await signInRefusal(claims.data);
      if (refusal) {
        for (const signInRefused of hooks("signInRefused")) await signInRefused();
        await recordAuthEvent({ event: "signin.refused", reason: refusal });
        return refusalPath({ error: refusal });
      }
      for (const featureRefusal of hooks("signInRefusal")) {
        const refused = await featureRefusal(claims.data!);
        if (refused) return refusalPath(refused);
      }
      return true;
    },
    async jwt({ token, account, profile, trigger }) {
      if (trigger === "signIn" && account) {
        const claims = uniauthClaimsSchema.parse(await signInClaims(profile, account));
        noteIdTokenSid(typeof profile?.sid === "string");
        const completed = await completedByFeature(claims, account);
        const session = completed ?? (await recordSignIn({ claims, tokens: account, userAgent: (await headers()).get("user-agent") }));
        for (const signedIn of hooks("signedIn")) await signedIn(session);
        // Sign-ins are rare (UniAuth rate-limits them), so each one also sweeps expired rows.
        if (!completed) await pruneExpired().catch(() => undefined);
        return toToken(session);
      }
      const checked = await checkSession(token.sessionId);
      if (checked.status === "signed-in") return toToken(checked.session);
      // Unreachable database: Auth.js keeps the cookie (the session may well be alive) but shows no session.
      return checked.status === "unavailable" ? { ...token, unavailable: true } : null;
    },
  },
  logger: {
    error(error) {
      const type = error instanceof AuthError ? error.type : error.name;
      // Auth.js's logger is synchronous: the insert finishes after the response, kept alive on Vercel.
      // Not when the database was down at the exchange: the trail could not keep it, and the outage is logged as such.
      const calls = uniauthCallsSoFar();
      if (SIGN_IN_FAILURES.has(type) && !calls?.databaseDown) waitUntil(recordAuthEvent({ event: "signin.refused", reason: calls?.refused?.error ?? type }));
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

/** Discovery for Auth.js's routes; the first copy also says whether UniAuth can end sessions by back-channel logout. */
async function discoveredForSignIn() {
  const server = await discover().catch(() => null);
  if (server) warnIfBackchannelLogoutUnsupported();
  return server;
}

const completedClaims = new WeakMap<Profile, ReturnType<typeof withUserinfoClaims<Profile>>>();

/** Auth.js never calls userinfo for an oidc provider, and hands signIn and jwt one profile: one call serves both. */
function signInClaims(profile: Profile | undefined, account: Account | null | undefined) {
  if (!profile || !account) return Promise.resolve(profile ?? {});
  let claims = completedClaims.get(profile);
  if (!claims) completedClaims.set(profile, (claims = withUserinfoClaims(profile, account)));
  return claims;
}

async function signInRefusal(claims: UniAuthClaims | undefined): Promise<SignInRefusal | null> {
  if (!claims) return "InvalidClaims";
  if (!claims.email_verified) return "EmailUnverified";
  if (await emailBelongsToAnotherSubject(claims)) return "AccountConflict";
  return null;
}

async function completedByFeature(claims: UniAuthClaims, tokens: GrantTokens): Promise<ActiveSession | null> {
  for (const completeSignIn of hooks("completeSignIn")) {
    const session = await completeSignIn(claims, tokens);
    if (session) return session;
  }
  return null;
}

export const { signIn, signOut, unstable_update: reissueSessionCookie } = nextAuth;
export const handlers = { GET: authRoute(nextAuth.handlers.GET), POST: authRoute(nextAuth.handlers.POST) };
