import { databaseUnavailable } from "@/lib/http/database-unavailable";

export const dynamic = "force-dynamic";

/**
 * Where the page guards (requireUser and the others) send a page that found the database unreachable. Next.js
 * lets a page answer 404, 403 or 401 (notFound, forbidden, unauthorized) but no 5xx, and middleware cannot know
 * the database is down; a route handler can answer 503 with Retry-After, and touches no database to do it.
 */
export function GET(): Response {
  return databaseUnavailable();
}
