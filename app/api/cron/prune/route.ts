import { pruneExpired } from "@/lib/auth/routes";
import { env } from "@/lib/env";
import { bearerMatches } from "@/lib/http/bearer";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** Deletes expired sessions and logout-token ids, and audit events past their retention. Called by Vercel Cron (vercel.json) with CRON_SECRET. */
export async function GET(request: Request): Promise<Response> {
  const headers = { "Cache-Control": "no-store" };
  if (!bearerMatches(request, env.CRON_SECRET)) {
    return Response.json({ error: "unauthorized" }, { status: 401, headers });
  }
  try {
    return Response.json({ pruned: await pruneExpired() }, { headers });
  } catch {
    return Response.json({ error: "service_unavailable" }, { status: 503, headers });
  }
}

