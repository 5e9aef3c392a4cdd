/**
 * Who may open what, at the edge (middleware.ts): every page and route handler needs a signed-in user unless it is
 * listed here as public, and a role area needs that role too. This is the first gate only: each page, action and
 * route checks again on the server (the guards in `@/lib/auth`), and the route inventory test fails when a route
 * is neither listed here nor refuses an anonymous request.
 *
 * A path is listed exactly (`/signin`), or with `/*` for everything under it (`/api/auth/*`).
 */
export const access = {
  public: [
    "/",
    "/signin",
    "/signed-out",
    "/auth/error",
    "/unavailable",
    // Auth.js, and the logout receivers UniAuth calls without a cookie.
    "/api/auth/*",
    "/api/health",
    // Vercel Cron sends no cookie: the route checks CRON_SECRET itself.
    "/api/cron/*",
  ],
  // Files in public/ are public by their kind: these extensions.
  publicFiles: ["svg", "png", "jpg", "jpeg", "gif", "webp", "avif", "ico", "txt", "xml", "webmanifest", "woff2"],
  roles: {
    "/admin": "staff",
  },
} as const satisfies AccessPolicy;

export interface AccessPolicy {
  public: readonly string[];
  publicFiles: readonly string[];
  /** A path prefix (itself and everything under it) and the role it needs. */
  roles: Readonly<Record<string, "staff" | "superuser">>;
}
