import NextAuth from "next-auth";
import { NextResponse } from "next/server";
import { SIGN_IN_PATH, authConfig } from "@/lib/auth/config";

const { auth } = NextAuth(authConfig);

/**
 * The first gate only: signed-out visitors to /dashboard are sent to sign in. Every protected page,
 * route and action checks again on the server (lib/auth/guards.ts); this never replaces that.
 */
export default auth((request) => {
  if (request.auth?.user) return NextResponse.next();
  const signIn = new URL(SIGN_IN_PATH, request.nextUrl.origin);
  signIn.searchParams.set("callbackUrl", `${request.nextUrl.pathname}${request.nextUrl.search}`);
  return NextResponse.redirect(signIn);
});

export const config = {
  matcher: ["/dashboard/:path*"],
};
