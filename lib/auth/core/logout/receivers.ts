import "server-only";
import { z } from "zod";
import { recordAuthEvent } from "@/lib/auth/features/audit-trail/trail";
import { endSessionsForLogout } from "@/lib/auth/core/logout/backchannel";
import { verifyLogoutToken } from "@/lib/auth/core/logout/logout-token";
import { endSessionsBySid } from "@/lib/auth/core/session/store";
import { discoveredIssuer } from "@/lib/auth/core/uniauth/discovery";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { readForm } from "@/lib/http/read-form";

const NO_STORE = { "Cache-Control": "no-store" };

/**
 * OpenID Connect Back-Channel Logout receiver: UniAuth POSTs `logout_token` here when a user signs out of
 * UniAuth; the matching sessions are deleted, so the user's browser is signed out on its next request.
 *
 * 200 on success, 400 for any invalid request or token. When UniAuth's keys or the database are
 * unreachable it answers 503 rather than the spec's 400 on purpose: the logout did not happen, and a 5xx
 * tells UniAuth to retry it.
 */
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

const frontchannelQuery = z.object({ iss: z.string().min(1), sid: z.string().min(1).max(256) });

/**
 * OpenID Connect Front-Channel Logout: UniAuth loads this in a hidden iframe with `iss` and `sid` when the
 * user signs out there. It is an unauthenticated GET (anyone who knows a `sid` can end that session), so it
 * is off unless UNIAUTH_FRONTCHANNEL_LOGOUT=true; back-channel logout is the authenticated way.
 * Only UniAuth's origin may frame it.
 */
export async function frontchannelLogout(request: Request): Promise<Response> {
  const headers = {
    ...NO_STORE,
    "Content-Security-Policy": `frame-ancestors ${new URL(env.UNIAUTH_ISSUER).origin}`,
    "Content-Type": "text/plain; charset=utf-8",
  };
  if (!env.UNIAUTH_FRONTCHANNEL_LOGOUT) return new Response("front-channel logout is not enabled", { status: 404, headers });
  const params = frontchannelQuery.safeParse(Object.fromEntries(new URL(request.url).searchParams));
  try {
    const issuer = await discoveredIssuer();
    if (!params.success || params.data.iss !== issuer) {
      return new Response("iss must be UniAuth's issuer and sid is required", { status: 400, headers });
    }
    await recordAuthEvent({ event: "logout.frontchannel", sessionsEnded: await endSessionsBySid(issuer, params.data.sid) });
  } catch {
    return new Response("UniAuth or the session store is unreachable", { status: 503, headers });
  }
  return new Response("signed out", { status: 200, headers });
}
