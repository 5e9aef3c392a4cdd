import { RETRY_AFTER_SECONDS } from "@/lib/errors";

const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Database unreachable · UniAuth starter</title>
</head>
<body>
<main>
<h1>The app cannot reach its database right now</h1>
<p>Nothing is lost, and you are still signed in. This usually clears up by itself: try again in a minute.</p>
<p><a href="/dashboard">Try again</a></p>
</main>
</body>
</html>
`;

/**
 * What a browser gets when a page or server action needs the database and cannot reach it: 503 with Retry-After,
 * as a self-contained page (no script, no style, so it holds under any Content-Security-Policy and needs nothing
 * else from the app), and no Set-Cookie: the sessions are most likely alive, and nobody must be signed out.
 */
export function databaseUnavailable(): Response {
  return new Response(PAGE, {
    status: 503,
    headers: { "Content-Type": "text/html; charset=utf-8", "Retry-After": String(RETRY_AFTER_SECONDS), "Cache-Control": "no-store" },
  });
}
