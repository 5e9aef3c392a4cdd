import { type NextRequest, NextResponse } from "next/server";
import type { AccessPolicy } from "@/lib/access";
import { FORBIDDEN_PATH, SIGN_IN_PATH } from "@/lib/auth/core/base/paths";
import { secureSessionCookie } from "@/lib/auth/core/base/cookie-security";
import { readSessionCookie } from "@/lib/auth/core/session/cookie";
import { edgeEnv } from "@/lib/edge-env";

/**
 * For middleware.ts: the session cookie only (no database), a first gate; the guards in `@/lib/auth` are the authority.
 */

export { AUTH_ERROR_PATH } from "@/lib/auth/core/base/paths";
export { authErrorStatus } from "@/lib/auth/core/base/error-pages";

const secureCookie = secureSessionCookie({ authUrl: edgeEnv.AUTH_URL, production: edgeEnv.production });

// An RSC or segment-prefetch form of a page (`/signin.rsc`, `/signin.segments/…`, `/index.rsc` for `/`) is that page.
const RSC_FORMS = /(?:\/index)?(?:\.prefetch)?(?:\.rsc|\.segments\/.*)$/;

/**
 * The page a path names, for the access policy: decoded as Next.js's router does (`/%61dmin` is `/admin`), less its RSC
 * forms and a trailing slash; null when it does not decode, or decodes to dot segments.
 */
export function normalizePath(pathname: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return null;
  }
  // A dot segment or a backslash that survived the URL parser (sent encoded) names no page of ours.
  if (/(^|\/)\.\.?(\/|$)/.test(decoded) || decoded.includes("\\")) return null;
  return decoded.replace(RSC_FORMS, "").replace(/\/+$/, "") || "/";
}

const matches = (path: string, entry: string) =>
  entry.endsWith("/*") ? path === entry.slice(0, -2) || path.startsWith(entry.slice(0, -1)) : path === entry;

/** The role a path needs by the access policy, if it is in a role area (the prefix itself or anything under it). */
export function roleFor(pathname: string, policy: AccessPolicy): "staff" | "superuser" | undefined {
  const path = normalizePath(pathname);
  if (path === null) return undefined;
  return Object.entries(policy.roles).find(([area]) => path === area || path.startsWith(`${area}/`))?.[1];
}

/** Listed exactly, under a `/*` entry, or a top-level file (public/) with a listed extension; never in a role area. */
export function isPublic(pathname: string, policy: AccessPolicy): boolean {
  const path = normalizePath(pathname);
  if (path === null || roleFor(pathname, policy)) return false;
  const file = /^\/[^/]+\.([a-z0-9]+)$/i.exec(path)?.[1]?.toLowerCase();
  return policy.public.some((entry) => matches(path, entry)) || (!!file && policy.publicFiles.includes(file));
}

/**
 * Deny by default: anything not public needs a session cookie that decrypts (else sign-in, or 401 JSON for a route),
 * and a role area that role (else the 403 page, or 403 JSON).
 */
export async function gate(request: NextRequest, policy: AccessPolicy, forward: { headers: Headers }): Promise<NextResponse> {
  const { pathname, origin } = request.nextUrl;
  if (isPublic(pathname, policy)) return NextResponse.next({ request: forward });
  const user = (await readSessionCookie(request.cookies, secureCookie, edgeEnv.AUTH_SECRETS))?.user;
  const api = pathname.startsWith("/api/");
  if (!user) {
    if (api) return NextResponse.json({ error: "unauthenticated", message: "Sign in to continue." }, { status: 401, headers: { "Cache-Control": "no-store" } });
    const signIn = new URL(SIGN_IN_PATH, origin);
    signIn.searchParams.set("callbackUrl", pageAsked(request));
    return NextResponse.redirect(signIn);
  }
  const role = roleFor(pathname, policy);
  if ((role === "staff" && !user.isStaff) || (role === "superuser" && !user.isSuperuser)) {
    if (api) return NextResponse.json({ error: "forbidden", message: "You do not have access to this." }, { status: 403, headers: { "Cache-Control": "no-store" } });
    // A redirect, not a rewrite: NextURL calls every loopback host "localhost", so under `next start -H 127.0.0.1` a
    // rewrite's origin differs from the server's own and Next proxies it to itself (and answers with the page's 200).
    const forbidden = new URL(FORBIDDEN_PATH, origin);
    forbidden.searchParams.set("from", pageAsked(request));
    return NextResponse.redirect(forbidden, 303);
  }
  // The page that says so answers 403 itself, for browsers and monitors alike.
  return NextResponse.next({ request: forward, ...(normalizePath(pathname) === FORBIDDEN_PATH && { status: 403 }) });
}

/** The page a request asked for, to come back to: the page itself, not its RSC form or Next.js's `_rsc` parameter. */
function pageAsked(request: NextRequest): string {
  const search = new URLSearchParams(request.nextUrl.search);
  search.delete("_rsc");
  const query = search.size ? `?${search}` : "";
  return `${request.nextUrl.pathname.replace(RSC_FORMS, "") || "/"}${query}`;
}
