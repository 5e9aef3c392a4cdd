import "server-only";
import { isIP } from "node:net";
import { headers } from "next/headers";
import { env } from "@/lib/env";

/** What stands for a client whose address cannot be trusted or was not passed on: all such clients are one. */
export const UNKNOWN_SOURCE = "unknown";

/**
 * The client's IP, as far as it can be trusted, else UNKNOWN_SOURCE. On Vercel, `x-real-ip`, which the platform
 * sets (overwriting what a client sent). Self-hosted, only with TRUSTED_PROXY_HOPS set: each trusted proxy appends
 * the address it saw to `x-forwarded-for`, so the client is that many entries from the end; anything before is what
 * the client wrote. Without it there is no proxy to vouch for the header (Next.js keeps whatever the client sent),
 * so no client can name itself, or anyone else. Only an IP address comes back, never other text.
 */
export async function clientIp(): Promise<string> {
  try {
    const incoming = await headers();
    return addressFrom((name) => incoming.get(name), { vercel: env.VERCEL, trustedProxyHops: env.TRUSTED_PROXY_HOPS });
  } catch {
    // Outside a request (a script, a test).
    return UNKNOWN_SOURCE;
  }
}

/** clientIp's rule, for one request's headers. */
export function addressFrom(header: (name: string) => string | null, trust: { vercel: boolean; trustedProxyHops: number }): string {
  let candidate: string | undefined;
  if (trust.vercel) candidate = header("x-real-ip") ?? undefined;
  else if (trust.trustedProxyHops > 0) candidate = header("x-forwarded-for")?.split(",").at(-trust.trustedProxyHops);
  candidate = candidate?.trim();
  return candidate && isIP(candidate) ? candidate : UNKNOWN_SOURCE;
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
