import { backchannelLogoutSupport, uniauthStatus } from "@/lib/auth/operator";
import { tokenBudget } from "@/lib/auth/features/token-budget"; // feature:token-budget
import { db } from "@/lib/db";
import { env } from "@/lib/env";
import { bearerMatches } from "@/lib/http/bearer";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** A database that has not answered by then counts as unreachable. */
const DATABASE_TIMEOUT_MS = 3000;

/**
 * For uptime monitors: 200 when the app can serve signed-in users, 503 naming the part that fails. UniAuth is
 * reported from this instance's cached discovery state (never asked per request); its outage alone does not
 * make the app unhealthy, since signed-in users keep working. `backchannelLogout` says whether UniAuth can end
 * sessions from its side (lib/auth/core/uniauth/capabilities.ts): anything but "supported" is worth a look, not a 503.
 * No versions, no configuration. A monitor that sends `Authorization: Bearer <CRON_SECRET>` may get more (`forMonitor`).
 */
export async function GET(request: Request): Promise<Response> {
  const database = await withinTimeout(db.$queryRaw`SELECT 1`.then(() => "ok" as const), "unreachable" as const);
  const healthy = database === "ok";
  const monitor = bearerMatches(request, env.CRON_SECRET) ? await forMonitor(healthy) : {};
  return Response.json(
    { status: healthy ? "ok" : "unavailable", database, uniauth: uniauthStatus(), backchannelLogout: backchannelLogoutSupport(), ...monitor },
    { status: healthy ? 200 : 503, headers: { "Cache-Control": "no-store" } },
  );
}

/** What only a monitor holding CRON_SECRET is told: it would tell anyone when the app is easiest to disrupt. */
async function forMonitor(healthy: boolean): Promise<Record<string, unknown>> {
  return {
    // feature:token-budget begin
    // The use of each share of UniAuth's rate limit in the current window, any pause UniAuth imposed, and per kind of
    // session how many are in use, how many the refresh share keeps fresh and how old their oldest roles are
    // (lib/auth/features/token-budget/token-budget.ts): when the budget is spent, and whether staff are online. Across
    // all instances: null while the database cannot say.
    tokenBudget: healthy ? await withinTimeout(tokenBudget(), null) : null,
    // feature:token-budget end
  };
}

/** The answer, or `fallback` if it fails or takes longer than DATABASE_TIMEOUT_MS: a monitor wants an answer, not a hang. */
async function withinTimeout<T, F>(answer: Promise<T>, fallback: F): Promise<T | F> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<F>((resolve) => (timer = setTimeout(resolve, DATABASE_TIMEOUT_MS, fallback)));
  return Promise.race([answer, late])
    .catch(() => fallback)
    .finally(() => clearTimeout(timer));
}
