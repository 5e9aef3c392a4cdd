import http from "node:http";
import type { AddressInfo } from "node:net";
import { NextRequest } from "next/server";
import { afterEach, describe, expect, it, vi } from "vitest";
import { freePort } from "../../scripts/local/free-port";
import { type LocalUniAuth, startLocalUniAuth } from "../../scripts/uniauth/server";
import { importWithEnv } from "../support/fresh-import";

const put = (body: unknown): RequestInit => ({ method: "PUT", body: JSON.stringify(body), headers: { "content-type": "application/json" } });

/** The app's outage modules, fresh (no discovery cached), talking to a UniAuth at `port`, with `settings` (the waits). */
function outageModules(port: number, settings: Record<string, string> = {}) {
  return importWithEnv(
    async () => ({
      ...(await import("@/lib/auth/features/uniauth-outage/outage")),
      ...(await import("@/lib/auth/core/uniauth/discovery")),
      ...(await import("@/lib/auth/core/uniauth/fetch")),
      ...(await import("@/lib/auth/core/auth-route")),
    }),
    { UNIAUTH_ISSUER: `http://localhost:${port}`, ...settings },
  );
}

let uniauth: LocalUniAuth | undefined;
afterEach(async () => {
  vi.useRealTimers();
  await uniauth?.stop();
  uniauth = undefined;
});
const start = async (port: number) => (uniauth = await startLocalUniAuth({ port, appUrl: "http://localhost:3199" }));

describe("uniauthAnswers (the check at the sign-in click)", () => {
  it("is true while UniAuth answers, false within seconds when its authorization endpoint fails or it refuses connections", async () => {
    const port = await freePort();
    const { uniauthAnswers } = await outageModules(port);
    const { issuer } = await start(port);
    expect(await uniauthAnswers()).toBe(true);

    await fetch(`${issuer}/dev/authorize-status`, put(503));
    expect(await uniauthAnswers()).toBe(false);
    await fetch(`${issuer}/dev/authorize-status`, put(null));
    expect(await uniauthAnswers()).toBe(true);

    await uniauth!.stop();
    const started = Date.now();
    expect(await uniauthAnswers()).toBe(false);
    expect(Date.now() - started).toBeLessThan(3000);
    await start(port);
    expect(await uniauthAnswers()).toBe(true);
  });

  it("tells slow from down: an answer after 30% of UNIAUTH_DOWN_AFTER_MS is slow and lets the sign-in go ahead, all of it in silence does not", async () => {
    const port = await freePort();
    // 2 s rather than the default 10 s, so the test waits less: slow from 600 ms.
    const { uniauthAnswers } = await outageModules(port, { UNIAUTH_DOWN_AFTER_MS: "2000" });
    const { issuer } = await start(port);
    const warn = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    const error = vi.spyOn(console, "error").mockImplementation(() => undefined);
    try {
      expect(await uniauthAnswers()).toBe(true);
      expect(warn).not.toHaveBeenCalled();

      await fetch(`${issuer}/dev/delay`, put(1000));
      let started = Date.now();
      expect(await uniauthAnswers()).toBe(true);
      expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
      expect(warn).toHaveBeenCalledWith(expect.stringMatching(/^UniAuth is slow \(its authorization endpoint took \d+ ms\); the sign-in goes ahead\.$/));

      await fetch(`${issuer}/dev/delay`, put(15_000));
      started = Date.now();
      expect(await uniauthAnswers()).toBe(false);
      expect(Date.now() - started).toBeGreaterThanOrEqual(1950);
      expect(Date.now() - started).toBeLessThan(5000);
      expect(error).toHaveBeenCalledWith("UniAuth cannot take a sign-in now:", "no answer within 2 s");
    } finally {
      warn.mockRestore();
      error.mockRestore();
    }
  }, 15_000);

  it("is false without a discovery document, and a failed discovery is retried 10 s later, not cached for good", async () => {
    const port = await freePort();
    const { uniauthAnswers, discoveryStatus } = await outageModules(port);
    vi.useFakeTimers({ toFake: ["Date"] });
    expect(await uniauthAnswers()).toBe(false);
    expect(discoveryStatus()).toBe("unreachable");

    await start(port);
    // Within the retry delay the failure stands (UniAuth is not asked again on every click)...
    vi.setSystemTime(Date.now() + 5_000);
    expect(await uniauthAnswers()).toBe(false);
    // ...after it, UniAuth is asked again and sign-in works.
    vi.setSystemTime(Date.now() + 6_000);
    expect(await uniauthAnswers()).toBe(true);
    expect(discoveryStatus()).toBe("ok");
  });

  it("is false when UniAuth's discovery answers 503 and there is no copy yet", async () => {
    const port = await freePort();
    const { uniauthAnswers } = await outageModules(port);
    const { issuer } = await start(port);
    await fetch(`${issuer}/dev/discovery-status`, put(503));
    expect(await uniauthAnswers()).toBe(false);
  });
});

describe("Auth.js's route handler as the app serves it (authRoute), with the UniAuth-outage page installed", () => {
  const callback = () => new NextRequest("http://localhost:3199/api/auth/callback/uniauth?code=c&state=s");
  const toConfigurationError = () => Response.redirect("http://localhost:3199/auth/error?error=Configuration", 302);

  it("sends a request on which UniAuth failed (5xx or refused) to the UniAuthUnavailable page instead of Configuration", async () => {
    const port = await freePort();
    const { authRoute, uniauthFetch } = await outageModules(port);
    const { issuer } = await start(port);
    await fetch(`${issuer}/dev/token-endpoint-status`, put(503));
    const exchange = (url: string) => uniauthFetch(url, { method: "POST" }).catch(() => undefined);

    const after5xx = await authRoute(async () => (await exchange(`${issuer}/api/oauth/token`), toConfigurationError()))(callback());
    expect(after5xx.status).toBe(302);
    expect(after5xx.headers.get("location")).toBe("http://localhost:3199/auth/error?error=UniAuthUnavailable");

    await uniauth!.stop();
    const afterRefused = await authRoute(async () => (await exchange(`${issuer}/api/oauth/token`), toConfigurationError()))(callback());
    expect(afterRefused.headers.get("location")).toBe("http://localhost:3199/auth/error?error=UniAuthUnavailable");
  });

  it("leaves other errors alone (UniAuth answered), and a success even after a failed call", async () => {
    const port = await freePort();
    const { authRoute, uniauthFetch } = await outageModules(port);
    const { issuer } = await start(port);
    const answered = await authRoute(async () => (await uniauthFetch(`${issuer}/.well-known/openid-configuration`), toConfigurationError()))(callback());
    expect(answered.headers.get("location")).toBe("http://localhost:3199/auth/error?error=Configuration");

    await fetch(`${issuer}/dev/discovery-status`, put(503));
    const succeeded = await authRoute(async () => (await uniauthFetch(`${issuer}/.well-known/openid-configuration`), Response.redirect("http://localhost:3199/dashboard", 302)))(callback());
    expect(succeeded.headers.get("location")).toBe("http://localhost:3199/dashboard");
  });

  it("gives up on a UniAuth that does not answer within UNIAUTH_TIMEOUT_MS (Auth.js sets no timeout of its own)", async () => {
    const silent = http.createServer(() => undefined).listen(0, "localhost");
    await new Promise((resolve) => silent.once("listening", resolve));
    try {
      const { authRoute, uniauthFetch } = await outageModules((silent.address() as AddressInfo).port, { UNIAUTH_TIMEOUT_MS: "1000" });
      const started = Date.now();
      const response = await authRoute(async () => {
        await uniauthFetch(`http://localhost:${(silent.address() as AddressInfo).port}/api/oauth/token`).catch(() => undefined);
        return toConfigurationError();
      })(callback());
      expect(Date.now() - started).toBeGreaterThanOrEqual(950);
      expect(Date.now() - started).toBeLessThan(3000);
      expect(response.headers.get("location")).toBe("http://localhost:3199/auth/error?error=UniAuthUnavailable");
    } finally {
      silent.closeAllConnections();
      silent.close();
    }
  }, 10_000);

  it("checks UniAuth once Auth.js accepted a sign-in at its own route (it redirects to the authorization endpoint)", async () => {
    const port = await freePort();
    const { authRoute } = await outageModules(port);
    const { issuer } = await start(port);
    await fetch(`${issuer}/dev/authorize-status`, put(503));
    const handler = vi.fn(async () => Response.redirect(`${issuer}/api/oauth/authorize?client_id=x`, 302));
    const error = vi.spyOn(console, "error").mockImplementation(() => undefined);
    try {
      const response = await authRoute(handler)(new NextRequest("http://localhost:3199/api/auth/signin/uniauth", { method: "POST" }));
      expect(handler).toHaveBeenCalledTimes(1);
      expect(response.status).toBe(303);
      expect(response.headers.get("location")).toBe("/auth/error?error=UniAuthUnavailable");
    } finally {
      error.mockRestore();
    }
  });

  it("makes one check for many clicks: concurrent ones share it, later ones within 5 s take its answer", async () => {
    const port = await freePort();
    const { authRoute, uniauthTakesSignIns } = await outageModules(port);
    const { issuer } = await start(port);
    const toAuthorize = async () => Response.redirect(`${issuer}/api/oauth/authorize?client_id=x&state=s`, 302);
    const click = () => authRoute(toAuthorize)(new NextRequest("http://localhost:3199/api/auth/signin/uniauth", { method: "POST" }));
    const since = Date.now();
    const answers = await Promise.all(Array.from({ length: 10 }, click));
    expect(answers.map((answer) => answer.headers.get("location"))).toEqual(Array(10).fill(`${issuer}/api/oauth/authorize?client_id=x&state=s`));
    for (let n = 0; n < 5; n++) expect(await uniauthTakesSignIns()).toBe(true);
    // The handler only builds the redirect; the authorize calls are the checks.
    expect(uniauth!.events.filter((event) => event.at >= since && event.type === "authorize")).toHaveLength(1);
  });

  it("makes no call to UniAuth's authorization endpoint for a sign-in POST without Auth.js's CSRF token", async () => {
    const port = await freePort();
    const { issuer } = await start(port);
    const { handlers } = await importWithEnv(() => import("@/lib/auth/core/nextauth"), { UNIAUTH_ISSUER: issuer });
    const since = Date.now();
    const error = vi.spyOn(console, "error").mockImplementation(() => undefined);
    try {
      for (const cookie of [undefined, "authjs.csrf-token=forged%7Cforged"]) {
        const response = await handlers.POST(
          new NextRequest("http://localhost:3199/api/auth/signin/uniauth", {
            method: "POST",
            body: new URLSearchParams({ csrfToken: "forged", callbackUrl: "/dashboard" }),
            headers: { "content-type": "application/x-www-form-urlencoded", ...(cookie && { cookie }) },
          }),
        );
        expect(response.status).toBe(302);
        expect(response.headers.get("location")).not.toContain(issuer);
      }
    } finally {
      error.mockRestore();
    }
    expect(uniauth!.events.filter((event) => event.at >= since && event.type === "authorize")).toEqual([]);
  });
});
