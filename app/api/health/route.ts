import { backchannelLogoutSupport, uniauthStatus } from "@/lib/auth";
import { db } from "@/lib/db";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** A database that has not answered by then counts as unreachable: a monitor wants an answer, not a hang. */
const DATABASE_TIMEOUT_MS = 3000;

/**
 * For uptime monitors: 200 when the app can serve signed-in users, 503 naming the part that fails. UniAuth is
 * reported from this instance's cached discovery state (never asked per request); its outage alone does not
 * make the app unhealthy, since signed-in users keep working. `backchannelLogout` says whether UniAuth can end
 * sessions from its side (lib/auth/uniauth/capabilities.ts): anything but "supported" is worth a look, not a 503.
 * No versions, no configuration.
 */
export async function GET(): Promise<Response> {
  let timer: NodeJS.Timeout | undefined;
  const database = await Promise.race([
    db.$queryRaw`SELECT 1`.then(() => "ok" as const),
    new Promise<"unreachable">((resolve) => (timer = setTimeout(resolve, DATABASE_TIMEOUT_MS, "unreachable"))),
  ])
    .catch(() => "unreachable" as const)
    .finally(() => clearTimeout(timer));
  const healthy = database === "ok";
  return Response.json(
    { status: healthy ? "ok" : "unavailable", database, uniauth: uniauthStatus(), backchannelLogout: backchannelLogoutSupport() },
    { status: healthy ? 200 : 503, headers: { "Cache-Control": "no-store" } },
  );
}
