import "server-only";
import { createHash } from "node:crypto";
import { spendFromWindow } from "@/lib/auth/budget/window";
import { db } from "@/lib/db";
import { limitedAddress } from "@/lib/http/client-ip";
import { env } from "@/lib/env";

/** How long Auth.js's state cookie lives (its checks cookies' default): a used state is remembered this long. */
const STATE_LIFETIME_SECONDS = 15 * 60;

/**
 * Counts a sign-in start or callback from one client IP (an IPv6 client by its /64), across every instance: at most SIGNIN_ATTEMPTS_PER_IP of
 * each per UNIAUTH_RATE_WINDOW_SECONDS. Null when admitted, else when trying again can succeed (milliseconds).
 */
export function admitSignInStep(step: "start" | "callback", ip: string): Promise<{ retryAfterMs: number } | null> {
  return spendFromWindow(`signin-${step}:${limitedAddress(ip)}`, env.UNIAUTH_RATE_WINDOW_SECONDS, ({ used, freesInMs }) =>
    used >= env.SIGNIN_ATTEMPTS_PER_IP ? { retryAfterMs: freesInMs } : null,
  );
}

/**
 * Records a callback's `state` as used; false when it was used before. Auth.js checks the state against its cookie
 * but accepts the pair as often as it comes back within the cookie's 15 minutes, and each time exchanges the code
 * at UniAuth: so a replayed callback would spend a token call for nothing. Kept as a hash, until the cookie expires.
 */
export async function firstUseOfState(state: string): Promise<boolean> {
  const hash = createHash("sha256").update(state).digest("base64url");
  const inserted = await db.$executeRaw`
    INSERT INTO "UsedSignInState" ("stateHash", "expiresAt")
    VALUES (${hash}, (now() AT TIME ZONE 'UTC') + make_interval(secs => ${STATE_LIFETIME_SECONDS}))
    ON CONFLICT ("stateHash") DO NOTHING`;
  return inserted === 1;
}
