import "server-only";
import type { Session } from "next-auth";
import { decode, encode } from "next-auth/jwt";
import { cookies } from "next/headers";
import { z } from "zod";
import type { UniAuthClaims } from "@/lib/auth/core/uniauth/claims";
import { useSecureCookies } from "@/lib/auth/core/base/secure-cookies";
import { discoveredIssuer } from "@/lib/auth/core/uniauth/discovery";
import type { StepUpRefusal } from "@/lib/auth/core/base/error-pages";
import { UNIAUTH_PROVIDER_ID } from "@/lib/auth/core/uniauth/provider";
import { readSessionCookie } from "@/lib/auth/core/session/cookie";
import { type StepUpPolicy, recentUntil, stepUpClaimsRefusal } from "@/lib/auth/features/step-up/policy";
import { db } from "@/lib/db";
import { env } from "@/lib/env";

export const stepUpPolicy: StepUpPolicy = { maxAgeSeconds: env.STEP_UP_MAX_AGE_SECONDS, acr: env.STEP_UP_ACR };

const MARKER_MAX_AGE_SECONDS = 15 * 60;

/**
 * Marks the sign-in the browser is about to make as a step-up of the session it holds: which session, since
 * when, and the page to come back to. Encrypted like the session cookie (Auth.js's JWE, its own salt), so the
 * browser can neither read nor alter it; HttpOnly, and only as long as Auth.js's own sign-in cookies last.
 */
const STEP_UP_COOKIE = {
  name: `${useSecureCookies ? "__Host-" : ""}uniauth.step-up`,
  options: { httpOnly: true, sameSite: "lax", secure: useSecureCookies, path: "/", maxAge: MARKER_MAX_AGE_SECONDS },
} as const;
const sealed = { secret: env.AUTH_SECRETS, salt: STEP_UP_COOKIE.name };

const pendingSchema = z.object({ sessionId: z.string().min(1).max(100), startedAt: z.number().int(), returnTo: z.string().max(2000) });

export type PendingStepUp = z.infer<typeof pendingSchema> & { userId: string };

/**
 * Starts a step-up of the signed-in session: remembers it in a cookie and returns what to ask UniAuth for, a
 * sign-in made now and, when STEP_UP_ACR is set, made that way (`acr_values`). "Now" is said twice: `prompt=login`,
 * since some providers read `max_age=0` as no limit at all, and `max_age=0`. Neither is trusted: the ID token's
 * `auth_time` is checked all the same (stepUpRefusal).
 */
export async function beginStepUp(session: Session, returnTo: string): Promise<Record<string, string>> {
  const pending = { sessionId: session.sessionId, startedAt: Date.now(), returnTo } satisfies z.infer<typeof pendingSchema>;
  const value = await encode({ ...sealed, token: pending, maxAge: MARKER_MAX_AGE_SECONDS });
  (await cookies()).set(STEP_UP_COOKIE.name, value, STEP_UP_COOKIE.options);
  return { prompt: "login", max_age: "0", ...(stepUpPolicy.acr && { acr_values: stepUpPolicy.acr.join(" ") }) };
}

/**
 * The step-up this sign-in completes: only if the browser began one for the session its cookie still names. That
 * session's row may be gone by now: UniAuth ends its own session when another account signs in, and says so by
 * back-channel logout. It stays a step-up all the same, so another account is refused rather than signed in.
 */
export async function pendingStepUp(): Promise<PendingStepUp | null> {
  const jar = await cookies();
  const marker = jar.get(STEP_UP_COOKIE.name)?.value;
  if (!marker) return null;
  const pending = pendingSchema.safeParse(await decode({ ...sealed, token: marker }).catch(() => null));
  if (!pending.success) return null;
  const token = await readSessionCookie(jar, useSecureCookies, env.AUTH_SECRETS);
  return token?.sub && token.sessionId === pending.data.sessionId ? { ...pending.data, userId: token.sub } : null;
}

/** The step-up is over, whichever way it went. */
export async function endStepUp(): Promise<void> {
  (await cookies()).set(STEP_UP_COOKIE.name, "", { ...STEP_UP_COOKIE.options, maxAge: 0 });
}

/**
 * Why the ID token a step-up brought back does not count, or null: it must name the UniAuth account the session
 * belongs to (pairwise `sub`, through the Account row), and prove a fresh sign-in of the kind the policy asks for.
 */
export async function stepUpRefusal(pending: PendingStepUp, claims: UniAuthClaims): Promise<StepUpRefusal | null> {
  const account = await db.account.findUnique({
    where: { provider_issuer_providerAccountId: { provider: UNIAUTH_PROVIDER_ID, issuer: await discoveredIssuer(), providerAccountId: claims.sub } },
    select: { userId: true },
  });
  if (account?.userId !== pending.userId) return "AnotherAccount";
  return stepUpClaimsRefusal(claims, pending.startedAt, stepUpPolicy);
}

/** When and how the session's user last signed in at UniAuth, and until when that allows sensitive actions. */
export async function stepUpStatus(sessionId: string) {
  const row = await db.session.findUnique({ where: { id: sessionId }, select: { authTime: true, acr: true } });
  return {
    authTime: row?.authTime ?? null,
    acr: row?.acr ?? null,
    recentUntil: row ? recentUntil(row, stepUpPolicy) : null,
  };
}
