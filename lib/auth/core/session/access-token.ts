import "server-only";
import { getSessionState } from "@/lib/auth/core/session/current";
import { refreshSession } from "@/lib/auth/core/session/refresh";
import { openStoredToken } from "@/lib/auth/core/session/store";
import { db } from "@/lib/db";
import { AppError } from "@/lib/errors";

/** An access token closer than this to its expiry is refreshed first: it could expire on its way to the API. */
const EXPIRY_MARGIN_MS = 60_000;

/**
 * The signed-in user's UniAuth access token, for server code calling an API that UniAuth protects: refreshed first
 * when it has expired, within the same token budget as every refresh. Never send it to the browser. Null when no
 * one is signed in (or the session just ended); throws AppError "service_unavailable" (503) when no fresh token can
 * be had now: the database is unreachable, UniAuth is busy or down, or another request is refreshing this session.
 */
export async function getAccessToken(): Promise<string | null> {
  const state = await getSessionState();
  if (state.status === "unavailable") throw new AppError("service_unavailable");
  return state.status === "signed-in" ? accessTokenOf(state.session.sessionId) : null;
}

/** getAccessToken for a session by its id. */
export async function accessTokenOf(sessionId: string): Promise<string | null> {
  const fresh = await storedAccessToken(sessionId);
  if (fresh !== "expired") return fresh;
  const row = await db.session.findUnique({ where: { id: sessionId } });
  if (!row || (await refreshSession(row)) === "ended") return null;
  const refreshed = await storedAccessToken(sessionId);
  if (refreshed !== "expired") return refreshed;
  throw new AppError("service_unavailable", "UniAuth cannot issue a fresh access token right now. Please try again in a minute.");
}

async function storedAccessToken(id: string): Promise<string | null | "expired"> {
  const row = await db.session.findFirst({ where: { id, expiresAt: { gt: new Date() } }, select: { accessToken: true, accessTokenExpiresAt: true } });
  if (!row) return null;
  const fresh = row.accessTokenExpiresAt && row.accessTokenExpiresAt.getTime() - EXPIRY_MARGIN_MS > Date.now();
  return (fresh && openStoredToken(id, "accessToken", row.accessToken)) || "expired";
}
