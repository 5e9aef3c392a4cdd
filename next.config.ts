import type { NextConfig } from "next";
// Parsing the environment here makes `next dev`, `next build` and `next start` fail fast, with every bad key listed.
import "./lib/env";
import { API_CONTENT_SECURITY_POLICY, NO_REFERRER, SECURITY_HEADERS, STRICT_TRANSPORT_SECURITY } from "./lib/http/security-headers";

// UniAuth frames the front-channel logout receiver, which sets its own frame-ancestors: everything else is unframeable.
const NOT_FRONT_CHANNEL = "/:path((?!api/auth/frontchannel-logout$).*)";

const nextConfig: NextConfig = {
  poweredByHeader: false,
  // forbidden() answers 403 with app/forbidden.tsx when a signed-in user lacks a role.
  experimental: { authInterrupts: true },
  // Pages get their Content-Security-Policy (with a nonce) from middleware.ts; these apply to every response.
  async headers() {
    return [
      { source: "/:path*", headers: SECURITY_HEADERS },
      { source: NOT_FRONT_CHANNEL, headers: [{ key: "X-Frame-Options", value: "DENY" }] },
      { source: "/api/:path((?!auth/frontchannel-logout$).*)", headers: [API_CONTENT_SECURITY_POLICY] },
      { source: "/:path*", has: [{ type: "header", key: "x-forwarded-proto", value: "https" }], headers: [STRICT_TRANSPORT_SECURITY] },
      { source: "/api/auth/callback/:path*", headers: [NO_REFERRER] },
      { source: "/signed-out", headers: [NO_REFERRER] },
    ];
  },
};

export default nextConfig;
