import { headers } from "next/headers";
import { env } from "@/lib/env";

/**
 * The app's public origin: AUTH_URL when set, else the Host the request came to (https unless localhost).
 * Only used for UniAuth's post_logout_redirect_uri, which UniAuth matches against the registered one.
 */
export async function appOrigin(): Promise<string> {
  if (env.AUTH_URL) return new URL(env.AUTH_URL).origin;
  const host = (await headers()).get("host") ?? "localhost:3000";
  return `${/^(localhost|127\.0\.0\.1)(:|$)/.test(host) ? "http" : "https"}://${host}`;
}
