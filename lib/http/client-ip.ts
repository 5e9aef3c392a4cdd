import "server-only";
import { isIP } from "node:net";
import { headers } from "next/headers";

/** What stands for a client whose IP the platform did not pass on. */
export const UNKNOWN_SOURCE = "unknown";

/**
 * The client's IP as the platform passed it on (`x-real-ip`, else the first hop of `x-forwarded-for`). On Vercel the
 * platform sets both, so they can be trusted; an app reached without such a proxy must strip them at its edge, or a
 * client can name any source. Only an IP address comes back, never other text, so no token can land where it goes.
 */
export async function clientIp(): Promise<string> {
  try {
    const incoming = await headers();
    const candidate = (incoming.get("x-real-ip") ?? incoming.get("x-forwarded-for")?.split(",")[0] ?? "").trim();
    return isIP(candidate) ? candidate : UNKNOWN_SOURCE;
  } catch {
    // Outside a request (a script, a test).
    return UNKNOWN_SOURCE;
  }
}
