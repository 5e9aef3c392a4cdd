import "server-only";
import { type Tx, countWindow, spendFromWindow } from "@/lib/auth/budget/window";
import { db } from "@/lib/db";
import { Prisma } from "@/lib/generated/prisma/client";
import { env } from "@/lib/env";

/** The RateEvent key of this app's calls to UniAuth's token endpoint, and the RatePause key of a 429 from it. */
const TOKEN_CALLS = "uniauth:token";
/** A session counts as in use (and so waits its turn to refresh) when seen this recently (`lastSeenAt`). */
const IN_USE_SECONDS = 10 * 60;

/**
 * Why a token call was not made: UniAuth said 429 and its Retry-After has not passed ("paused"), the window's calls
 * are all spent ("spent"), only the sign-in reserve is left ("reserved"), or sessions more overdue are waiting for
 * the few calls left ("queued"). `retryAfterMs`: when trying again can make a difference.
 */
export interface Refusal {
  why: "paused" | "spent" | "reserved" | "queued";
  retryAfterMs: number;
}

/** Whose call it is: a sign-in's (or step-up's) code exchange may spend the reserve; a refresh may not. */
export type TokenCall = { for: "sign-in" } | { for: "refresh"; rolesReadAt: Date };

/**
 * Takes one token call from the app's budget, shared by every instance: UniAuth limits token calls per client IP
 * (UNIAUTH_TOKEN_LIMIT per UNIAUTH_RATE_WINDOW_SECONDS) for the whole app. UNIAUTH_SIGNIN_RESERVE calls of each
 * window are for sign-ins only, so refreshes never use up what a sign-in needs; while refreshes must wait, the
 * sessions whose roles are oldest go first. Null when the call may be made (it is counted now), else why not.
 */
export function takeTokenCall(call: TokenCall): Promise<Refusal | null> {
  return spendFromWindow<Refusal>(TOKEN_CALLS, env.UNIAUTH_RATE_WINDOW_SECONDS, async ({ used, freesInMs }, tx) => {
    const pausedMs = await pausedForMs(tx);
    if (pausedMs > 0) return { why: "paused", retryAfterMs: pausedMs };
    if (used >= env.UNIAUTH_TOKEN_LIMIT) return { why: "spent", retryAfterMs: freesInMs };
    if (call.for === "sign-in") return null;
    const room = env.UNIAUTH_TOKEN_LIMIT - env.UNIAUTH_SIGNIN_RESERVE - used;
    if (room <= 0) return { why: "reserved", retryAfterMs: freesInMs };
    return (await moreOverdue(tx, call.rolesReadAt)) >= room ? { why: "queued", retryAfterMs: freesInMs } : null;
  });
}

/** UniAuth answered a token call with 429: no instance makes another before Retry-After has passed. */
export async function pauseTokenCalls(forMs: number): Promise<void> {
  await db.$executeRaw`
    INSERT INTO "RatePause" (key, until) VALUES (${TOKEN_CALLS}, (now() AT TIME ZONE 'UTC') + make_interval(secs => ${forMs / 1000}))
    ON CONFLICT (key) DO UPDATE SET until = greatest("RatePause".until, excluded.until)`;
}

/** Whether a sign-in could exchange its code now: null if so, else why not (before sending the user to UniAuth). */
export async function signInsRefused(): Promise<Refusal | null> {
  return db.$transaction(async (tx) => {
    const pausedMs = await pausedForMs(tx);
    if (pausedMs > 0) return { why: "paused", retryAfterMs: pausedMs } as const;
    const { used, freesInMs } = await countWindow(tx, TOKEN_CALLS, env.UNIAUTH_RATE_WINDOW_SECONDS);
    return used >= env.UNIAUTH_TOKEN_LIMIT ? ({ why: "spent", retryAfterMs: freesInMs } as const) : null;
  });
}

/** For operators (/admin, the health route): the budget's state now, across all instances. */
export async function tokenBudget() {
  return db.$transaction(async (tx) => {
    const { used } = await countWindow(tx, TOKEN_CALLS, env.UNIAUTH_RATE_WINDOW_SECONDS);
    const pausedMs = await pausedForMs(tx);
    const [oldest] = await tx.$queryRaw<{ seconds: number | null }[]>`
      SELECT floor(extract(epoch FROM (now() AT TIME ZONE 'UTC') - min("tokensRefreshedAt")))::int AS seconds
      FROM "Session" WHERE ${inUse}`;
    return {
      windowSeconds: env.UNIAUTH_RATE_WINDOW_SECONDS,
      limit: env.UNIAUTH_TOKEN_LIMIT,
      signInReserve: env.UNIAUTH_SIGNIN_RESERVE,
      used,
      pausedForSeconds: Math.ceil(pausedMs / 1000),
      /** Of the sessions in use (seen in the last 10 minutes), the oldest roles' age. */
      oldestRoleAgeSeconds: oldest?.seconds ?? null,
    };
  });
}

async function pausedForMs(tx: Tx): Promise<number> {
  const [row] = await tx.$queryRaw<{ ms: number }[]>`
    SELECT (extract(epoch FROM until - (now() AT TIME ZONE 'UTC')) * 1000)::float8 AS ms FROM "RatePause" WHERE key = ${TOKEN_CALLS}`;
  return Math.max(0, Math.ceil(row?.ms ?? 0));
}

/** Live sessions that can refresh and were seen lately: the ones whose roles anyone relies on. */
const inUse = Prisma.sql`
  "expiresAt" > (now() AT TIME ZONE 'UTC') AND "refreshToken" IS NOT NULL
  AND "lastSeenAt" > (now() AT TIME ZONE 'UTC') - make_interval(secs => ${IN_USE_SECONDS})`;

/** Sessions in use, due a refresh and free to take one (no lease). */
const dueAndFree = Prisma.sql`${inUse}
  AND "tokensRefreshedAt" <= (now() AT TIME ZONE 'UTC') - make_interval(secs => ${env.ROLES_MAX_AGE_SECONDS})
  AND ("refreshLeaseUntil" IS NULL OR "refreshLeaseUntil" < (now() AT TIME ZONE 'UTC'))`;

/** How many sessions due a refresh have roles older than `rolesReadAt`. */
async function moreOverdue(tx: Tx, rolesReadAt: Date): Promise<number> {
  const [row] = await tx.$queryRaw<{ count: number }[]>`
    SELECT count(*)::int AS count FROM "Session"
    WHERE ${dueAndFree} AND "tokensRefreshedAt" < to_timestamp(${rolesReadAt.getTime() / 1000}) AT TIME ZONE 'UTC'`;
  return row?.count ?? 0;
}

/** The id of the session due a refresh whose roles are oldest, if any. */
export async function mostOverdueSession(): Promise<string | null> {
  const [row] = await db.$queryRaw<{ id: string }[]>`SELECT id FROM "Session" WHERE ${dueAndFree} ORDER BY "tokensRefreshedAt" LIMIT 1`;
  return row?.id ?? null;
}
