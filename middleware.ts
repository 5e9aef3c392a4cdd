import { type NextRequest, NextResponse } from "next/server";
import { access } from "@/lib/access";
import { AUTH_ERROR_PATH, authErrorStatus, gate } from "@/lib/auth/edge";
import { edgeEnv } from "@/lib/edge-env";
import { RETRY_AFTER_SECONDS } from "@/lib/errors";
import { contentSecurityPolicy, newNonce } from "@/lib/http/security-headers";

const uniauthOrigin = new URL(edgeEnv.UNIAUTH_ISSUER).origin;

/**
 * Runs before every page, RSC request and route handler. Pages get a Content-Security-Policy with a fresh nonce
 * (Next.js reads the nonce from the request's CSP header and puts it on its scripts). Then the edge gate: deny by
 * default, as lib/access.ts declares. It only reads the session cookie; every protected page, route and action
 * checks again on the server with the database (the guards in `@/lib/auth`). This never replaces that.
 */
export async function middleware(request: NextRequest): Promise<NextResponse> {
  const policy = contentSecurityPolicy({ nonce: newNonce(), uniauthOrigin, development: edgeEnv.development });
  // Our policy in place of anything the client sent under that name.
  const headers = new Headers(request.headers);
  headers.set("Content-Security-Policy", policy);
  const { pathname, searchParams } = request.nextUrl;
  const errorPage = pathname === AUTH_ERROR_PATH ? authErrorStatus(searchParams, RETRY_AFTER_SECONDS) : null;
  if (errorPage) {
    // An outage, a busy UniAuth or a limit: the page says so, and this status says it to monitors. Not a rewrite to the
    // same URL: NextURL calls every loopback host "localhost", so under `next start -H 127.0.0.1` that rewrite's
    // origin differs from the server's own and Next proxies it to itself, over and over, until it fails.
    const status = { "Retry-After": String(errorPage.retryAfterSeconds), "Cache-Control": "no-store", "Content-Security-Policy": policy };
    return NextResponse.next({ status: errorPage.status, headers: status, request: { headers } });
  }
  const response = await gate(request, access, { headers });
  if (!pathname.startsWith("/api/")) response.headers.set("Content-Security-Policy", policy);
  return response;
}

export const config = {
  // Every page, RSC request and route handler (a missing file's 404 page gets the policy too); not Next's build
  // output, nor the two files every page loads.
  matcher: ["/((?!_next/static/|_next/image$|icon\\.svg$|robots\\.txt$).*)"],
};
