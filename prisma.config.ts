import nextEnv from "@next/env";
import { defineConfig } from "prisma/config";

// Prisma 7 reads no .env file itself: load them as `next dev` does (.env.development.local, .env.local,
// .env.development, .env; NODE_ENV=production or test picks those modes' files), never over variables already set.
// While `npm run dev` runs its embedded PostgreSQL, it writes that DATABASE_URL to .env.development.local, so
// `npx prisma studio` and `npm run db:migrate` reach it. On Vercel, scripts/vercel-build.ts points DATABASE_URL at
// the direct (non-pooled) URL for `prisma migrate deploy`.
nextEnv.loadEnvConfig(process.cwd(), process.env.NODE_ENV !== "production", { info: () => {}, error: console.error });

export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  datasource: {
    // Read only by the commands that connect, so `prisma generate` (npm's postinstall) needs no URL.
    get url(): string {
      const url = process.env.DATABASE_URL;
      if (!url) {
        throw new Error(
          "DATABASE_URL is not set. Start `npm run dev` (it writes its embedded database's URL to .env.development.local) " +
            "and run this command while it runs, or set DATABASE_URL in .env.local or the environment.",
        );
      }
      return url;
    },
  },
});
