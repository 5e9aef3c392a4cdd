import { execFileSync } from "node:child_process";

// What Vercel runs instead of `npm run build` (it prefers a `vercel-build` script). A production deployment applies
// pending migrations with Prisma's own `prisma migrate deploy`, after `next build` succeeded (a build that fails
// leaves the schema alone) and before Vercel sends the new code any traffic (a failed migration fails the
// deployment; the previous one keeps serving). It uses the direct connection: a transaction pooler breaks the
// migration lock. A preview never migrates (it may point at the production database) and builds with no database
// reachable: nothing connects while building.
const { VERCEL, VERCEL_ENV, DATABASE_URL, DATABASE_URL_UNPOOLED } = process.env;
// `vercel build` on a laptop sets VERCEL but no VERCEL_ENV; a deployment without it cannot tell production apart.
if (VERCEL && !VERCEL_ENV) {
  console.warn("VERCEL_ENV is not set, so no migration is applied. For deployments, keep “Automatically expose System Environment Variables” on.");
}

execFileSync("npx", ["next", "build"], { stdio: "inherit" });

if (VERCEL_ENV === "production") {
  const directUrl = DATABASE_URL_UNPOOLED || DATABASE_URL;
  if (!directUrl) throw new Error("Set DATABASE_URL_UNPOOLED (or DATABASE_URL) so the production database can be migrated.");
  console.log("Production deployment: applying pending migrations (prisma migrate deploy)…");
  execFileSync("npx", ["prisma", "migrate", "deploy"], { stdio: "inherit", env: { ...process.env, DATABASE_URL: directUrl } });
} else {
  console.log(`${VERCEL_ENV ?? "Local"} build: migrations are not applied.`);
}
