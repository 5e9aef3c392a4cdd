import "server-only";
import { recordAuthEvent } from "@/lib/auth/core/events";
import { endSessionsForLogout } from "@/lib/auth/core/logout/backchannel";
import { verifyLogoutToken } from "@/lib/auth/core/logout/logout-token";
import { AppError } from "@/lib/errors";
import { readForm } from "@/lib/http/read-form";

const NO_STORE = { "Cache-Control": "no-store" };

/** 503, not the spec's 400, when UniAuth's keys or the database are unreachable: a 5xx tells UniAuth to retry. */
export async function backchannelLogout(request: Request): Promise<Response> {
  try {
    const form = await readForm(request);
    const tokens = form.getAll("logout_token");
    if (tokens.length !== 1 || !tokens[0]) throw new AppError("invalid_request", "exactly one logout_token is required");
    await endSessionsForLogout(await verifyLogoutToken(tokens[0]));
    return new Response(null, { status: 200, headers: NO_STORE });
  } catch (error) {
    const known = error instanceof AppError ? error : new AppError("service_unavailable");
    if (!(error instanceof AppError)) console.error("Back-channel logout failed:", error instanceof Error ? error.name : "unknown error");
    await recordAuthEvent({ event: "logout.backchannel.rejected", reason: `${known.code}: ${known.message}` });
    return Response.json({ error: known.code, error_description: known.message }, { status: known.status, headers: NO_STORE });
  }
}
