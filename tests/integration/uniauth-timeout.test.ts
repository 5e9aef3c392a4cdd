import http from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { importWithEnv } from "../support/fresh-import";

// The core's side of a UniAuth that does not answer: every call gives up after UNIAUTH_TIMEOUT_MS, and the request
// notes that UniAuth failed (what the uniauth-outage feature, when installed, turns into its page).
describe("uniauthFetch (every call the app and Auth.js make to UniAuth)", () => {
  it("gives up on a UniAuth that does not answer within UNIAUTH_TIMEOUT_MS (Auth.js sets no timeout of its own)", async () => {
    const silent = http.createServer(() => undefined).listen(0, "localhost");
    await new Promise((resolve) => silent.once("listening", resolve));
    const url = `http://localhost:${(silent.address() as AddressInfo).port}`;
    try {
      const { uniauthFetch, watchUniAuth } = await importWithEnv(() => import("@/lib/auth/core/uniauth/fetch"), { UNIAUTH_ISSUER: url, UNIAUTH_TIMEOUT_MS: "1000" });
      const started = Date.now();
      const { result: error, calls } = await watchUniAuth(() => uniauthFetch(`${url}/api/oauth/token`).then(() => null, (failure: unknown) => failure as Error));
      expect(Date.now() - started).toBeGreaterThanOrEqual(950);
      expect(Date.now() - started).toBeLessThan(3000);
      expect(error?.name).toBe("TimeoutError");
      expect(calls.failed).toBe(true);
    } finally {
      silent.closeAllConnections();
      silent.close();
    }
  }, 10_000);
});
