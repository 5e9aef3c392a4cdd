import { defineConfig } from "prisma/config";

// `prisma migrate` reads DATABASE_URL; `prisma generate` needs none. On Vercel, scripts/vercel-build.ts points it at
// the direct (non-pooled) URL for `prisma migrate deploy`.
export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  datasource: { url: process.env.DATABASE_URL ?? "" },
});
