import { afterEach, describe, expect, it, vi } from "vitest";
import { logAuthEvent } from "@/lib/auth/core/events";

afterEach(() => vi.restoreAllMocks());

function logged(run: () => void): unknown[] {
  const write = vi.spyOn(process.stdout, "write").mockImplementation(() => true);
  run();
  return write.mock.calls.map((args) => {
    expect(args).toHaveLength(1);
    const line = String(args[0]);
    expect(line.endsWith("\n")).toBe(true);
    expect(line.slice(0, -1)).not.toContain("\n");
    return JSON.parse(line);
  });
}

describe("logAuthEvent", () => {
  it("writes one JSON line: the event name, the time, then the fields", () => {
    const [line] = logged(() => logAuthEvent({ event: "signin.accepted", userId: "u1", sessionId: "s1", acr: "urn:uniauth:acr:pwd", amr: ["pwd"] }));
    expect(line).toEqual({ event: "signin.accepted", at: expect.stringMatching(/^\d{4}-\d\d-\d\dT.*Z$/), userId: "u1", sessionId: "s1", acr: "urn:uniauth:acr:pwd", amr: ["pwd"] });
    expect(Object.keys(line as object).slice(0, 2)).toEqual(["event", "at"]);
  });

  it("leaves out what is not known", () => {
    const [line] = logged(() => logAuthEvent({ event: "logout.backchannel", userId: undefined, sessionsEnded: 0 }));
    expect(line).toEqual({ event: "logout.backchannel", at: expect.any(String), sessionsEnded: 0 });
  });

  it("keeps a line a line, however long or multi-line a quoted reason is", () => {
    const [line] = logged(() => logAuthEvent({ event: "logout.backchannel.rejected", reason: `invalid_request: typ must be logout+jwt, not ${"x\n".repeat(500)}` }));
    expect((line as { reason: string }).reason).toHaveLength(200);
  });

  it("has no field for a token or an object (checked by npm run typecheck)", () => {
    logged(() => {
      // @ts-expect-error an event has no place for a token
      logAuthEvent({ event: "signout", userId: "u1", sessionId: "s1", refreshToken: "secret" });
      // @ts-expect-error nor for an object where a reason goes
      logAuthEvent({ event: "signin.refused", reason: new Error("with a cause") });
    });
  });

  it("never throws, even when stdout does", () => {
    vi.spyOn(process.stdout, "write").mockImplementation(() => {
      throw new Error("EPIPE");
    });
    expect(() => logAuthEvent({ event: "signout", userId: "u1", sessionId: "s1" })).not.toThrow();
  });
});
