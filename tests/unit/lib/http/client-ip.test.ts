import { describe, expect, it } from "vitest";
import { UNKNOWN_SOURCE, addressFrom, limitedAddress } from "@/lib/http/client-ip";

describe("limitedAddress", () => {
  it("counts an IPv4 client by its address, an IPv6 one by its /64", () => {
    expect(limitedAddress("192.0.2.7")).toBe("192.0.2.7");
    expect(limitedAddress("2001:db8:1:2:3:4:5:6")).toBe("2001:0db8:0001:0002::/64");
    expect(limitedAddress("2001:DB8:1:2::9")).toBe("2001:0db8:0001:0002::/64");
    expect(limitedAddress("2001:db8::7")).toBe("2001:0db8:0000:0000::/64");
    expect(limitedAddress("::1")).toBe("0000:0000:0000:0000::/64");
  });

  it("counts an IPv4 client on a dual-stack socket as that IPv4 address, not as one shared IPv6 block", () => {
    expect(limitedAddress("::ffff:192.0.2.7")).toBe("192.0.2.7");
    expect(limitedAddress("::ffff:198.51.100.1")).not.toBe(limitedAddress("::ffff:198.51.100.2"));
  });
});

describe("addressFrom", () => {
  const headers = (values: Record<string, string>) => (name: string) => values[name] ?? null;
  const spoofed = headers({ "x-forwarded-for": "203.0.113.9, 198.51.100.1", "x-real-ip": "203.0.113.5" });

  it("trusts no header self-hosted unless TRUSTED_PROXY_HOPS says how many proxies append to X-Forwarded-For", () => {
    expect(addressFrom(spoofed, { vercel: false, trustedProxyHops: 0 })).toBe(UNKNOWN_SOURCE);
    expect(addressFrom(spoofed, { vercel: false, trustedProxyHops: 1 })).toBe("198.51.100.1");
    expect(addressFrom(spoofed, { vercel: false, trustedProxyHops: 2 })).toBe("203.0.113.9");
    // Fewer hops than proxies declared: nobody vouches for the first entry.
    expect(addressFrom(spoofed, { vercel: false, trustedProxyHops: 3 })).toBe(UNKNOWN_SOURCE);
  });

  it("takes x-real-ip on Vercel, which the platform sets, and only an IP address", () => {
    expect(addressFrom(spoofed, { vercel: true, trustedProxyHops: 0 })).toBe("203.0.113.5");
    expect(addressFrom(headers({ "x-real-ip": "evil<script>" }), { vercel: true, trustedProxyHops: 0 })).toBe(UNKNOWN_SOURCE);
    expect(addressFrom(headers({ "x-forwarded-for": "not-an-ip" }), { vercel: false, trustedProxyHops: 1 })).toBe(UNKNOWN_SOURCE);
  });
});
