import "server-only";
import { type NextRequest, NextResponse } from "next/server";
import { SIGN_IN_PATH } from "@/lib/auth/core/base/paths";
import { clearSessionCookies, sessionCookieNames } from "@/lib/auth/core/session/cookie";
import { getSessionState } from "@/lib/auth/core/session/current";
import { databaseUnavailable } from "@/lib/http/database-unavailable";

/** Pages cannot clear cookies, so they send an ended session here; a live one is left alone: this signs no one out. */
export async function sessionEnded(request: NextRequest): Promise<Response> {
  const state = await getSessionState();
  // The database is down: the session may well be alive, so keep the cookie.
  if (state.status === "unavailable") return databaseUnavailable();
  if (state.status === "signed-in") return NextResponse.redirect(new URL("/dashboard", request.url));
  const response = NextResponse.redirect(new URL(`${SIGN_IN_PATH}?reason=session-ended`, request.url));
  clearSessionCookies(sessionCookieNames(request.cookies), response.cookies);
  response.headers.set("Cache-Control", "no-store");
  return response;
}
