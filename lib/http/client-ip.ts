import "server-only";
import { isIP } from "node:net";
import { headers } from "next/headers";
import { env } from "@/lib/env";

/** What stands for a client whose IP the platform did not pass on. */
export const UNKNOWN_SOURCE = "unknown";

/**
 * The client's IP as the platform passed it on. On Vercel, `x-real-ip`, which the platform sets (overwriting what a
 * client sent). Elsewhere the last hop of `x-forwarded-for`: the one the nearest proxy added (or Next.js itself, from
 * the socket, when the request came with none); earlier hops are whatever the client claimed. So self-hosted, run
 * behind a proxy that appends to `x-forwarded-for`, or a client can name any source. Only an IP address comes back,
 * never other text, so no token can land where it goes.
 */
export async function clientIp(): Promise<string> {
  try {
    const incoming = await headers();
    const candidate = (env.VERCEL ? incoming.get("x-real-ip") : incoming.get("x-forwarded-for")?.split(",").at(-1))?.trim() ?? "";
    return isIP(candidate) ? candidate : UNKNOWN_SOURCE;
  } catch {
    // Outside a request (a script, a test).
    return UNKNOWN_SOURCE;
  }
}

/**
 * The address a limit counts: an IPv4 address itself, an IPv6 address by its /64, the block one subscriber usually
 * gets whole (so stepping through it buys no fresh count).
 */
export function limitedAddress(ip: string): string {
  if (isIP(ip) !== 6) return ip;
  // An IPv4 client on a dual-stack socket (::ffff:192.0.2.1) is that IPv4 address.
  if (ip.includes(".")) return ip.slice(ip.lastIndexOf(":") + 1);
  const [head = "", tail = ""] = ip.toLowerCase().split("::");
  const groups = [...head.split(":").filter(Boolean), ...Array(8).fill("0")].slice(0, 8);
  if (tail) groups.splice(8 - tail.split(":").length, tail.split(":").length, ...tail.split(":"));
  return `${groups.slice(0, 4).map((group) => group.padStart(4, "0")).join(":")}::/64`;
}
