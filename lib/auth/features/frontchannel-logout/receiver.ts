import "server-only";
import { z } from "zod";
import { recordAuthEvent } from "@/lib/auth/core/events";
import { discoveredIssuer } from "@/lib/auth/core/uniauth/discovery";
import { db } from "@/lib/db";
import { env } from "@/lib/env";

const NO_STORE = { "Cache-Control": "no-store" };

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

/** Ends every session UniAuth knows by this OP session id. */
async function endSessionsBySid(issuer: string, sid: string): Promise<number> {
  const { count } = await db.session.deleteMany({ where: { issuer, sid } });
  return count;
}
