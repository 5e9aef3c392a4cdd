import { defineConfig } from "prisma/config";

// `prisma migrate` needs a direct connection: a transaction-mode pooler (PgBouncer) breaks its advisory lock.
// Neon's Vercel integration names that URL DATABASE_URL_UNPOOLED; elsewhere DATABASE_URL is used. `prisma generate`
// needs none.
export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  datasource: { url: process.env.DATABASE_URL_UNPOOLED || process.env.DATABASE_URL || "" },
});
