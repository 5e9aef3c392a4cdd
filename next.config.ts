import type { NextConfig } from "next";
// Parsing the environment here makes `next dev` and `next build` fail fast, with every bad key listed.
import "./lib/env";

const nextConfig: NextConfig = {
  poweredByHeader: false,
  // forbidden() answers 403 with app/forbidden.tsx when a signed-in user lacks a role.
  experimental: { authInterrupts: true },
};

export default nextConfig;
