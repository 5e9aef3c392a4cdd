import { afterAll, afterEach, describe, expect, it, vi } from "vitest";
import { GET as health } from "@/app/api/health/route";
import { db } from "@/lib/db";
import { testEnv } from "../support/env";
import { importWithEnv, unreachableDatabaseUrl } from "../support/fresh-import";
import { localUniAuth } from "../support/uniauth";

afterAll(() => db.$disconnect());

/** The route as Next calls it, with the request (which it reads only for a monitor's bearer token, if at all). */
type Route = (request: Request) => Promise<Response>;
const GET = health as Route;
const request = (authorization?: string) => new Request("http://localhost/api/health", authorization ? { headers: { authorization } } : {});

describe("GET /api/health", () => {
  it("answers 200 with the database reachable, uncached, revealing no configuration, and the token budget to no one", async () => {
    const anyone = await (await GET(request())).json();
    expect(anyone).toEqual({ status: "ok", database: "ok", uniauth: expect.any(String), backchannelLogout: expect.any(String) });
    expect(await (await GET(request(`Bearer ${testEnv("CRON_SECRET")}x`))).json()).not.toHaveProperty("tokenBudget");
  });

  // feature:token-budget begin
  it("shows the token budget to a monitor that sends CRON_SECRET", async () => {
    const response = await GET(request(`Bearer ${testEnv("CRON_SECRET")}`));
    expect(response.status).toBe(200);
    expect(response.headers.get("cache-control")).toBe("no-store");
    const body = await response.json();
    expect(body).toEqual({
      status: "ok",
      database: "ok",
      uniauth: expect.any(String),
      backchannelLogout: expect.any(String),
      tokenBudget: {
        windowSeconds: 900,
        limit: Number(testEnv("UNIAUTH_TOKEN_LIMIT")),
        used: expect.any(Number),
        shares: {
          refresh: { size: expect.any(Number), used: expect.any(Number) },
          knownDevice: { size: expect.any(Number), used: expect.any(Number) },
          openPool: { size: expect.any(Number), used: expect.any(Number) },
        },
        pausedForSeconds: expect.any(Number),
        sessions: {
          elevated: { inUse: expect.any(Number), capacity: expect.any(Number), roleAgeSeconds: 3600, oldestRoleAgeSeconds: expect.toBeOneOf([null, expect.any(Number)]) },
          member: { inUse: expect.any(Number), capacity: expect.any(Number), roleAgeSeconds: Number(testEnv("MEMBER_ROLES_MAX_AGE_SECONDS")), oldestRoleAgeSeconds: expect.toBeOneOf([null, expect.any(Number)]) },
        },
      },
    });
    // The three shares are the whole limit.
    const { refresh, knownDevice, openPool } = body.tokenBudget.shares;
    expect(refresh.size + knownDevice.size + openPool.size).toBe(body.tokenBudget.limit);
    const text = JSON.stringify(body);
    for (const secret of [testEnv("AUTH_SECRET"), testEnv("UNIAUTH_CLIENT_SECRET"), testEnv("DATABASE_URL")]) expect(text).not.toContain(secret);
  });
  // feature:token-budget end

  it("answers 503 naming the database when it is unreachable", async () => {
    const { GET: getWithDeadDatabase } = await importWithEnv(() => import("@/app/api/health/route"), {
      DATABASE_URL: unreachableDatabaseUrl(testEnv("DATABASE_URL")),
    });
    const response = await (getWithDeadDatabase as Route)(request());
    expect(response.status).toBe(503);
    expect(response.headers.get("cache-control")).toBe("no-store");
    expect(await response.json()).toMatchObject({ status: "unavailable", database: "unreachable" });
  });
});

describe("GET /api/health: whether UniAuth can end sessions by back-channel logout", () => {
  afterEach(async () => {
    vi.restoreAllMocks();
    await localUniAuth.reset();
  });
  /** The route and the modules behind it, fresh: no discovery fetched, no sign-in seen. */
  const fresh = () =>
    importWithEnv(
      async () => ({
        ...(await import("@/app/api/health/route")),
        ...(await import("@/lib/auth/core/uniauth/capabilities")),
        ...(await import("@/lib/auth/core/uniauth/discovery")),
      }),
      {},
    );

  it("is unknown before discovery, supported when advertised, and says so (once) when a sign-in's ID token had no sid", async () => {
    const { GET: get, discover, noteIdTokenSid } = await fresh();
    const backchannelLogout = async () => (await (await (get as Route)(request())).json()).backchannelLogout;
    const warn = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    expect(await backchannelLogout()).toBe("unknown");
    await discover();
    expect(await backchannelLogout()).toBe("supported");
    noteIdTokenSid(true);
    expect(await backchannelLogout()).toBe("supported");
    noteIdTokenSid(false);
    noteIdTokenSid(false);
    expect(await backchannelLogout()).toBe("no sid in ID tokens");
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn).toHaveBeenCalledWith(expect.stringMatching(/^UniAuth's ID tokens carry no sid: .*ROLES_MAX_AGE_SECONDS/));
    noteIdTokenSid(true);
    expect(await backchannelLogout()).toBe("supported");
  });

  it("is not advertised when discovery lacks backchannel_logout_supported, and that is logged once", async () => {
    await localUniAuth.setQuirks({ backchannelLogoutAdvertised: false });
    const { GET: get, discover, warnIfBackchannelLogoutUnsupported } = await fresh();
    const warn = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    await discover();
    const response = await (get as Route)(request());
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: "ok", backchannelLogout: "not advertised" });
    warnIfBackchannelLogoutUnsupported();
    warnIfBackchannelLogoutUnsupported();
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn).toHaveBeenCalledWith(expect.stringMatching(/^UniAuth's discovery does not advertise back-channel logout/));
  });
});
