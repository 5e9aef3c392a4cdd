import "server-only";
import { getSessionState } from "@/lib/auth/core/session/current";
import { refreshSession } from "@/lib/auth/core/session/refresh";
import { openStoredToken } from "@/lib/auth/core/session/store";
import { db } from "@/lib/db";
import { AppError } from "@/lib/errors";

/** An access token closer than this to its expiry is refreshed first: it could expire on its way to the API. */
const EXPIRY_MARGIN_MS = 60_000;

/**
 * For server code calling an API UniAuth protects; never send it to the browser. Null when signed out; AppError
 * "service_unavailable" when no fresh token can be had now (no database, UniAuth busy or down, a refresh under way).
 */
export async function getAccessToken(): Promise<string | null> {
  const state = await getSessionState();
  if (state.status === "unavailable") throw new AppError("service_unavailable");
  return state.status === "signed-in" ? accessTokenOf(state.session.sessionId) : null;
}

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
