/**
 * The response, marked `Cache-Control: no-store`. Rebuilt rather than changed in place: a Response.redirect() or a
 * fetched response has immutable headers.
 */
export function noStore(response: Response): Response {
  const headers = new Headers(response.headers);
  headers.set("Cache-Control", "no-store");
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
}
