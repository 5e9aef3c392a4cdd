import { describe, expect, it } from "vitest";
import { limitedAddress } from "@/lib/http/client-ip";

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
