import { type NextRequest, NextResponse } from "next/server";
import { AUTH_ERROR_PATH, FORBIDDEN_PATH, SIGN_IN_PATH, UNIAUTH_UNAVAILABLE } from "@/lib/auth/paths";
import { readSessionCookie, secureSessionCookie } from "@/lib/auth/session-cookie";
import { edgeEnv } from "@/lib/edge-env";
import { RETRY_AFTER_SECONDS } from "@/lib/errors";
import { contentSecurityPolicy, newNonce } from "@/lib/http/security-headers";

const uniauthOrigin = new URL(edgeEnv.UNIAUTH_ISSUER).origin;
const secureCookie = secureSessionCookie({ authUrl: edgeEnv.AUTH_URL, production: edgeEnv.production });

/**
 * Runs before every page and RSC request: gives it a Content-Security-Policy with a fresh nonce (Next.js reads the
 * nonce from the request's CSP header and puts it on its scripts), and is the first gate for /dashboard and
 * /admin: signed-out visitors are sent to sign in, non-staff get a 403 on /admin. It only reads the session cookie
 * (no database, no re-issued cookie); every protected page, route and action checks again on the server with
 * the database (lib/auth/guards.ts). This never replaces that.
 */
export async function middleware(request: NextRequest): Promise<NextResponse> {
  const policy = contentSecurityPolicy({ nonce: newNonce(), uniauthOrigin, development: edgeEnv.development });
  const response = await gate(request, policy);
  response.headers.set("Content-Security-Policy", policy);
  return response;
}

async function gate(request: NextRequest, policy: string): Promise<NextResponse> {
  const { pathname, search, origin, searchParams } = request.nextUrl;
  if (pathname === AUTH_ERROR_PATH && searchParams.get("error") === UNIAUTH_UNAVAILABLE) {
    // A page cannot set its own status: this one is an outage, and says so to browsers and monitors alike.
    const headers = { "Retry-After": String(RETRY_AFTER_SECONDS), "Cache-Control": "no-store" };
    return NextResponse.rewrite(request.nextUrl, { status: 503, headers, request: { headers: withPolicy(request.headers, policy) } });
  }
  const area = /^\/(dashboard|admin)(?=$|[/.])/.exec(pathname)?.[1];
  if (area) {
    const user = (await readSessionCookie(request.cookies, secureCookie, edgeEnv.AUTH_SECRETS))?.user;
    if (!user) {
      const signIn = new URL(SIGN_IN_PATH, origin);
      signIn.searchParams.set("callbackUrl", `${pathname}${search}`);
      return NextResponse.redirect(signIn);
    }
    if (area === "admin" && !user.isStaff) {
      const forbidden = new URL(FORBIDDEN_PATH, origin);
      forbidden.searchParams.set("from", `${pathname}${search}`);
      return NextResponse.rewrite(forbidden, { status: 403, request: { headers: withPolicy(request.headers, policy) } });
    }
  }
  return NextResponse.next({ request: { headers: withPolicy(request.headers, policy) } });
}

/** The request's headers with our policy in place of anything the client sent under that name. */
function withPolicy(incoming: Headers, policy: string): Headers {
  const headers = new Headers(incoming);
  headers.set("Content-Security-Policy", policy);
  return headers;
}

export const config = {
  // Every page and RSC request (prefetches included, so their answers carry the policy too); not route handlers,
  // static files or Next's build output.
  matcher: ["/((?!api/|_next/static/|_next/image$|icon\\.svg$|robots\\.txt$).*)"],
};
