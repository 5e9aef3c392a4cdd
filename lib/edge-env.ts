/**
 * The few variables the edge gate reads, without zod (it would double the edge bundle). lib/env.ts has already
 * checked them: next.config.ts parses the whole environment at `next build`, `next dev` and `next start`.
 */
export const edgeEnv = {
  AUTH_SECRET: process.env.AUTH_SECRET ?? "",
  AUTH_URL: process.env.AUTH_URL || undefined,
  UNIAUTH_ISSUER: process.env.UNIAUTH_ISSUER || "https://uniauth.id",
  development: process.env.NODE_ENV === "development",
};
