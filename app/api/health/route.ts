import { backchannelLogoutSupport, uniauthStatus } from "@/lib/auth/operator";
import { tokenBudget } from "@/lib/auth/features/token-budget"; // feature:token-budget
import { db } from "@/lib/db";
import { env } from "@/lib/env"; // feature:token-budget
import { bearerMatches } from "@/lib/http/bearer"; // feature:token-budget

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** A database that has not answered by then counts as unreachable. */
const DATABASE_TIMEOUT_MS = 3000;

/**
 * For uptime monitors: 200 when the app can serve signed-in users, 503 naming the part that fails. UniAuth is
 * reported from this instance's cached discovery state (never asked per request); its outage alone does not
 * make the app unhealthy, since signed-in users keep working. `backchannelLogout` says whether UniAuth can end
 * sessions from its side (lib/auth/core/uniauth/capabilities.ts): anything but "supported" is worth a look, not a 503.
 * No versions, no configuration (the token budget only for a monitor that sends `Authorization: Bearer <CRON_SECRET>`).
 */
export async function GET(
  request: Request, // feature:token-budget
): Promise<Response> {
  const database = await withinTimeout(db.$queryRaw`SELECT 1`.then(() => "ok" as const), "unreachable" as const);
  const healthy = database === "ok";
  const monitor = bearerMatches(request, env.CRON_SECRET) ? await forMonitor(healthy) : {}; // feature:token-budget
  return Response.json(
    {
      status: healthy ? "ok" : "unavailable",
      database,
      uniauth: uniauthStatus(),
      backchannelLogout: backchannelLogoutSupport(),
      ...monitor, // feature:token-budget
    },
    { status: healthy ? 200 : 503, headers: { "Cache-Control": "no-store" } },
  );
}

// feature:token-budget begin
/**
 * What only a monitor holding CRON_SECRET is told, since it would tell anyone when the app is easiest to disrupt and
 * whether staff are online: the use of each share of UniAuth's rate limit in the current window, any pause UniAuth
 * imposed, and per kind of session how many are in use, how many the refresh share keeps fresh and how old their
 * oldest roles are (the token-budget feature). Across all instances: null while the database cannot say.
 */
async function forMonitor(healthy: boolean): Promise<{ tokenBudget: Awaited<ReturnType<typeof tokenBudget>> | null }> {
  return { tokenBudget: healthy ? await withinTimeout(tokenBudget(), null) : null };
}
// feature:token-budget end

/** The answer, or `fallback` if it fails or takes longer than DATABASE_TIMEOUT_MS: a monitor wants an answer, not a hang. */
async function withinTimeout<T, F>(answer: Promise<T>, fallback: F): Promise<T | F> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<F>((resolve) => (timer = setTimeout(resolve, DATABASE_TIMEOUT_MS, fallback)));
  return Promise.race([answer, late])
    .catch(() => fallback)
    .finally(() => clearTimeout(timer));
}
