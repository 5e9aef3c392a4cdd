import { execFileSync } from "node:child_process";

// What Vercel runs instead of `npm run build` (it prefers a `vercel-build` script). A production deployment applies
// pending migrations first, with Prisma's own `prisma migrate deploy` over the direct (non-pooled) connection that
// prisma.config.ts picks, so a failed migration fails the build and the previous deployment keeps serving. A
// preview never migrates (it may share the production database) and builds with no database reachable: nothing
// connects while building.
const run = (command: string, args: string[]) => execFileSync(command, args, { stdio: "inherit" });

if (process.env.VERCEL_ENV === "production") {
  if (!process.env.DATABASE_URL_UNPOOLED && !process.env.DATABASE_URL) {
    throw new Error("Set DATABASE_URL_UNPOOLED (or DATABASE_URL) so the production database can be migrated.");
  }
  console.log("Production deployment: applying pending migrations (prisma migrate deploy)…");
  run("npx", ["prisma", "migrate", "deploy"]);
} else {
  console.log(`${process.env.VERCEL_ENV ?? "Local"} build: migrations are not applied.`);
}
run("npx", ["next", "build"]);
