import { authSecrets } from "./auth-secrets";

/**
 * The few variables the edge gate reads, without zod (it would double the edge bundle). lib/env.ts has already
 * checked them: next.config.ts parses the whole environment at `next build`, `next dev` and `next start`.
 */
export const edgeEnv = {
  // Spelled out one by one: Next.js makes only `process.env.NAME` reads available on the edge.
  AUTH_SECRETS: authSecrets({
    AUTH_SECRET: process.env.AUTH_SECRET,
    AUTH_SECRET_1: process.env.AUTH_SECRET_1,
    AUTH_SECRET_2: process.env.AUTH_SECRET_2,
    AUTH_SECRET_3: process.env.AUTH_SECRET_3,
  }),
  AUTH_URL: process.env.AUTH_URL?.trim() || undefined,
  UNIAUTH_ISSUER: process.env.UNIAUTH_ISSUER?.trim() || "https://uniauth.id",
  development: process.env.NODE_ENV === "development",
  production: process.env.NODE_ENV === "production",
};
