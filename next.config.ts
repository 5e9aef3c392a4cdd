import type { NextConfig } from "next";
// Parsing the environment here makes `next dev` and `next build` fail fast, with every bad key listed.
import "./lib/env";

const nextConfig: NextConfig = {
  poweredByHeader: false,
};

export default nextConfig;
