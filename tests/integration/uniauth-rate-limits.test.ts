import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type LocalUniAuth, startLocalUniAuth } from "../../scripts/uniauth/server";

// UniAuth's documented limits per client IP (token 30, authorize 20, end-session 10, introspect 30, other /api/* 100),
// as the local stand-in enforces them, over a window shortened through /dev/rate-limits.

interface Answer {
  status: number;
  retryAfter: string | undefined;
  body: string;
}

/** One HTTP call from a chosen loopback address (fetch cannot pick its source address). */
function call(url: string, { method = "GET", from = "127.0.0.1", body }: { method?: string; from?: string; body?: string } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const request = http.request(url, { method, localAddress: from, headers: body ? { "content-type": "application/x-www-form-urlencoded" } : {} }, (response) => {
      let text = "";
      response.setEncoding("utf8");
      response.on("data", (chunk: string) => (text += chunk));
      response.on("end", () => resolve({ status: response.statusCode ?? 0, retryAfter: response.headers["retry-after"], body: text }));
    });
    request.on("error", reject);
    request.end(body);
  });
}

let uniauth: LocalUniAuth;
let base: string;
const put = (body: unknown): RequestInit => ({ method: "PUT", body: JSON.stringify(body), headers: { "content-type": "application/json" } });
const token = (from?: string) => call(`${base}/api/oauth/token`, { method: "POST", body: "grant_type=refresh_token&refresh_token=x", from });

beforeAll(async () => {
  const probe = http.createServer().listen(0, "localhost");
  await new Promise((resolve) => probe.once("listening", resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  // Off at the start, as the test runner starts it; each test switches them on.
  uniauth = await startLocalUniAuth({ port, appUrl: "http://localhost:3199", rateLimits: false });
  base = uniauth.issuer.replace("localhost", "127.0.0.1");
});
afterAll(() => uniauth.stop());
afterEach(async () => {
  await fetch(`${base}/dev/reset`, put(null));
});

describe("the local UniAuth's rate limits", () => {
  it("are off when started so (as the test runner does), on after /dev/rate-limits", async () => {
    for (let i = 0; i < 31; i++) expect((await token()).status).toBe(400);
    const switched = await fetch(`${base}/dev/rate-limits`, put({ enabled: true, windowSeconds: 60 }));
    expect(await switched.json()).toMatchObject({ enabled: true, windowSeconds: 60, limits: { token: 30, authorize: 20, end_session: 10, introspect: 30, api: 100 } });
    for (let i = 0; i < 30; i++) expect((await token()).status).toBe(400);
    expect((await token()).status).toBe(429);
  });

  it("answer the 31st token call in the window with 429, Retry-After and an OAuth error; the call after the window passes", async () => {
    await fetch(`${base}/dev/rate-limits`, put({ enabled: true, windowSeconds: 3 }));
    const first = Date.now();
    // Refused and wrong calls count too: UniAuth counts requests, not successes.
    for (let i = 0; i < 30; i++) expect((await token()).status).toBe(400);
    const refused = await token();
    expect(refused.status).toBe(429);
    expect(JSON.parse(refused.body)).toEqual({ error: "rate_limit_exceeded", error_description: expect.any(String) });
    // Seconds until the oldest call leaves the window: at most the window, at least 1.
    expect(Number(refused.retryAfter)).toBeGreaterThanOrEqual(1);
    expect(Number(refused.retryAfter)).toBeLessThanOrEqual(3);
    expect(uniauth.events.filter((event) => event.at >= first && event.type === "token" && event.detail.rateLimited)).toHaveLength(1);

    await expect.poll(async () => (await token()).status, { timeout: 10_000, interval: 200 }).toBe(400);
    expect(Date.now() - first).toBeGreaterThanOrEqual(3000);
  }, 20_000);

  it("count per client IP: another address has its own 30 token calls", async () => {
    await fetch(`${base}/dev/rate-limits`, put({ enabled: true, windowSeconds: 60 }));
    for (let i = 0; i < 30; i++) await token("127.0.0.1");
    expect((await token("127.0.0.1")).status).toBe(429);
    expect((await token("127.0.0.2")).status).toBe(400);
    for (let i = 0; i < 29; i++) await token("127.0.0.2");
    expect((await token("127.0.0.2")).status).toBe(429);
  });

  it("count each endpoint class on its own: authorize 20, end-session 10, introspect 30, other /api/* 100", async () => {
    await fetch(`${base}/dev/rate-limits`, put({ enabled: true, windowSeconds: 60 }));
    for (let i = 0; i < 30; i++) await token();
    expect((await token()).status).toBe(429);
    const classes: [string, number, string?][] = [
      ["/api/oauth/authorize", 20],
      ["/api/oauth/end-session", 10],
      ["/api/oauth/introspect", 30, "POST"],
      ["/api/oauth/userinfo", 100],
    ];
    for (const [path, limit, method] of classes) {
      for (let i = 0; i < limit; i++) expect((await call(`${base}${path}`, { method })).status, `${path} call ${i + 1}`).not.toBe(429);
      expect((await call(`${base}${path}`, { method })).status, path).toBe(429);
    }
    // userinfo and revocation share "every other /api/*".
    expect((await call(`${base}/api/oauth/revoke`, { method: "POST" })).status).toBe(429);
    // Discovery and JWKS are not limited.
    expect((await call(`${base}/.well-known/openid-configuration`)).status).toBe(200);
  }, 30_000);
});
