import NextAuth from "next-auth";
import { NextResponse } from "next/server";
import { SIGN_IN_PATH, authConfig } from "@/lib/auth/config";

const { auth } = NextAuth(authConfig);

/**
 * The first gate only: signed-out visitors are sent to sign in, non-staff get a 403 on /admin. Every
 * protected page, route and action checks again on the server (lib/auth/guards.ts); this never replaces that.
 */
export default auth((request) => {
  const user = request.auth?.user;
  const { pathname, search, origin } = request.nextUrl;
  if (!user) {
    const signIn = new URL(SIGN_IN_PATH, origin);
    signIn.searchParams.set("callbackUrl", `${pathname}${search}`);
    return NextResponse.redirect(signIn);
  }
  if (pathname.startsWith("/admin") && !user.isStaff) {
    const forbidden = new URL("/forbidden", origin);
    forbidden.searchParams.set("from", `${pathname}${search}`);
    return NextResponse.rewrite(forbidden, { status: 403 });
  }
  return NextResponse.next();
});

export const config = {
  matcher: ["/dashboard/:path*", "/admin/:path*"],
};
