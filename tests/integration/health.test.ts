import { afterAll, describe, expect, it } from "vitest";
import { GET } from "@/app/api/health/route";
import { db } from "@/lib/db";
import { testEnv } from "../support/env";
import { importWithEnv, unreachableDatabaseUrl } from "../support/fresh-import";

afterAll(() => db.$disconnect());

describe("GET /api/health", () => {
  it("answers 200 with the database reachable, uncached, revealing no configuration", async () => {
    const response = await GET();
    expect(response.status).toBe(200);
    expect(response.headers.get("cache-control")).toBe("no-store");
    const body = await response.json();
    expect(body).toEqual({ status: "ok", database: "ok", uniauth: expect.any(String) });
    const text = JSON.stringify(body);
    for (const secret of [testEnv("AUTH_SECRET"), testEnv("UNIAUTH_CLIENT_SECRET"), testEnv("DATABASE_URL")]) expect(text).not.toContain(secret);
  });

  it("answers 503 naming the database when it is unreachable", async () => {
    const { GET: getWithDeadDatabase } = await importWithEnv(() => import("@/app/api/health/route"), {
      DATABASE_URL: unreachableDatabaseUrl(testEnv("DATABASE_URL")),
    });
    const response = await getWithDeadDatabase();
    expect(response.status).toBe(503);
    expect(response.headers.get("cache-control")).toBe("no-store");
    expect(await response.json()).toMatchObject({ status: "unavailable", database: "unreachable" });
  });
});
