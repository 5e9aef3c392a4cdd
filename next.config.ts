import type { NextConfig } from "next";
// Parsing the environment here makes `next dev`, `next build` and `next start` fail fast, with every bad key listed.
import { env } from "./lib/env";
import { POST_LOGOUT_PATH } from "./lib/auth/core/base/paths";
import { API_CONTENT_SECURITY_POLICY, NO_REFERRER, SECURITY_HEADERS, STRICT_TRANSPORT_SECURITY } from "./lib/http/security-headers";

/** Routes UniAuth frames (each sets its own frame-ancestors): every other answer forbids framing. */
const FRAMED_BY_UNIAUTH: string[] = [
  "/api/auth/frontchannel-logout", // feature:frontchannel-logout
];
/** A path-to-regexp lookahead that leaves out those routes, for a source whose `:path` starts after `prefix`. */
const exceptFramed = (prefix: string) =>
  FRAMED_BY_UNIAUTH.length ? `(?!${FRAMED_BY_UNIAUTH.map((path) => `${path.slice(prefix.length)}$`).join("|")})` : "";

const nextConfig: NextConfig = {
  poweredByHeader: false,
  // forbidden() answers 403 with app/forbidden.tsx when a signed-in user lacks a role.
  experimental: { authInterrupts: true },
  // Pages get their Content-Security-Policy (with a nonce) from middleware.ts; these apply to every response.
  async headers() {
    return [
      { source: "/:path*", headers: SECURITY_HEADERS },
      { source: `/:path(${exceptFramed("/")}.*)`, headers: [{ key: "X-Frame-Options", value: "DENY" }] },
      { source: `/api/:path(${exceptFramed("/api/")}.*)`, headers: [API_CONTENT_SECURITY_POLICY] },
      // Browsers ignore HSTS received over plain http (RFC 6797 §8.1), so production sends it on every answer.
      ...(env.NODE_ENV === "production" ? [{ source: "/:path*", headers: [STRICT_TRANSPORT_SECURITY] }] : []),
      { source: POST_LOGOUT_PATH, headers: [NO_REFERRER] },
    ];
  },
};

export default nextConfig;
