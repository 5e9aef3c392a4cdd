import "server-only";
import { waitUntil } from "@vercel/functions";
import NextAuth, { type Account, AuthError, type Profile, customFetch } from "next-auth";
import { headers } from "next/headers";
import type { NextRequest } from "next/server";
import { uniauthClaimsSchema } from "@/lib/auth/core/uniauth/claims";
import { authConfig } from "@/lib/auth/core/config";
import { discover, discoveredAlready } from "@/lib/auth/core/uniauth/discovery";
import { recordAuthEvent } from "@/lib/auth/features/audit-trail/trail";
import type { SignInRefusal } from "@/lib/auth/core/events";
import { pruneExpired } from "@/lib/auth/core/session/housekeeping";
import { withUniAuthOutagePage } from "@/lib/auth/features/uniauth-outage/outage";
import { withSignInLimits } from "@/lib/auth/features/token-budget/sign-in-limits";
import { AUTH_ERROR_PATH } from "@/lib/auth/core/base/paths";
import { uniauthProvider } from "@/lib/auth/core/uniauth/provider";
import { checkSession, toToken } from "@/lib/auth/core/session/check";
import { endSession } from "@/lib/auth/core/session/store";
import { emailBelongsToAnotherSubject, recordSignIn, recordStepUp } from "@/lib/auth/core/session/sign-in";
import { endStepUp, pendingStepUp, stepUpRefusal } from "@/lib/auth/features/step-up/step-up";
import { noteIdTokenSid, warnIfBackchannelLogoutUnsupported } from "@/lib/auth/core/uniauth/capabilities";
import { databaseDownAtExchange, tokenCallRefused, uniauthFetch } from "@/lib/auth/core/uniauth/fetch";
import { withUserinfoClaims } from "@/lib/auth/core/uniauth/userinfo";
import { describeFailure } from "@/lib/auth/core/uniauth/failure";
import { rememberDevice } from "@/lib/auth/features/token-budget/devices";
import { noStore } from "@/lib/http/no-store";

const nextAuth = NextAuth(async (request) => ({
  ...authConfig,
  // Auth.js's own routes (which receive a request) talk to UniAuth, so they wait for discovery; anything else
  // (reading a session) must not wait on UniAuth and takes the cached copy if there is one.
  providers: [{ ...uniauthProvider(request ? await discoveredForSignIn() : discoveredAlready()), [customFetch]: uniauthFetch }],
  callbacks: {
    ...authConfig.callbacks,
    async signIn({ profile, account }) {
      const claims = await signInClaims(profile, account);
      const refusal = await signInRefusal(claims);
      if (refusal) {
        await endStepUp();
        await recordAuthEvent({ event: "signin.refused", reason: refusal });
        return `${AUTH_ERROR_PATH}?error=${refusal}`;
      }
      const stepUp = await pendingStepUp();
      const stepUpRefused = stepUp && (await stepUpRefusal(stepUp, uniauthClaimsSchema.parse(claims)));
      if (!stepUp || !stepUpRefused) return true;
      await endStepUp();
      await recordAuthEvent({ event: "stepup.refused", userId: stepUp.userId, sessionId: stepUp.sessionId, reason: stepUpRefused });
      // Nothing is written: the session the browser holds stays as it is.
      return `${AUTH_ERROR_PATH}?${new URLSearchParams({ error: stepUpRefused, callbackUrl: stepUp.returnTo })}`;
    },
    async jwt({ token, account, profile, trigger }) {
      if (trigger === "signIn" && account) {
        const claims = uniauthClaimsSchema.parse(await signInClaims(profile, account));
        noteIdTokenSid(typeof profile?.sid === "string");
        const stepUp = await pendingStepUp();
        if (stepUp) await endStepUp();
        const steppedUp = stepUp && (await recordStepUp({ ...stepUp, claims, tokens: account }));
        // A sign-in, or a step-up whose session ended meanwhile: the same person, freshly signed in, gets a new one.
        const session = steppedUp || (await recordSignIn({ claims, tokens: account, userAgent: (await headers()).get("user-agent") }));
        // This browser is a known device of the user from now on: its next sign-in draws on their share of the budget.
        await rememberDevice(session.user.id).catch((error: unknown) => console.error("The device could not be remembered:", describeFailure(error)));
        if (steppedUp) return toToken(steppedUp);
        // Sign-ins are rare (UniAuth rate-limits them), so each one also sweeps expired rows.
        await pruneExpired().catch(() => undefined);
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
      if (SIGN_IN_FAILURES.has(type) && !databaseDownAtExchange()) waitUntil(recordAuthEvent({ event: "signin.refused", reason: tokenCallRefused() ?? type }));
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

/**
 * A sign-in's claims: the ID token's (Auth.js's `profile` for an oidc provider; it never calls userinfo itself),
 * completed from userinfo when the ID token lacks some (lib/auth/core/uniauth/userinfo.ts). Auth.js hands the signIn and
 * jwt callbacks the same profile object, so the one userinfo call, if any, serves both.
 */
function signInClaims(profile: Profile | undefined, account: Account | null | undefined) {
  if (!profile || !account) return Promise.resolve(profile ?? {});
  let claims = completedClaims.get(profile);
  if (!claims) completedClaims.set(profile, (claims = withUserinfoClaims(profile, account)));
  return claims;
}

async function signInRefusal(profile: unknown): Promise<SignInRefusal | null> {
  const claims = uniauthClaimsSchema.safeParse(profile);
  if (!claims.success) return "InvalidClaims";
  if (!claims.data.email_verified) return "EmailUnverified";
  if (await emailBelongsToAnotherSubject(claims.data)) return "AccountConflict";
  return null;
}

type Handler = (request: NextRequest) => Promise<Response>;

/** Auth.js's pages and JSON (sign-out, providers, session, CSRF token) are per-user or per-request: never cached. */
const neverCached = (handler: Handler): Handler => async (request) => noStore(await handler(request));

export const { signIn, signOut, unstable_update: reissueSessionCookie } = nextAuth;
export const handlers = {
  GET: neverCached(withSignInLimits(withUniAuthOutagePage(nextAuth.handlers.GET))),
  POST: neverCached(withSignInLimits(withUniAuthOutagePage(nextAuth.handlers.POST))),
};
