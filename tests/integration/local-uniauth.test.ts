import * as oauth from "oauth4webapi";
import { describe, expect, it } from "vitest";
import { startLocalUniAuth } from "../../scripts/uniauth/server";
import { grantFromLocalUniAuth } from "../support/uniauth-grant";

describe("the local UniAuth stand-in", () => {
  it("refuses to start in production", async () => {
    const saved = process.env.NODE_ENV;
    Object.assign(process.env, { NODE_ENV: "production" });
    try {
      await expect(startLocalUniAuth({ port: 4199, appUrl: "http://localhost:3199" })).rejects.toThrow(/refuses to run with NODE_ENV=production/);
    } finally {
      Object.assign(process.env, { NODE_ENV: saved });
    }
  });

  it("publishes UniAuth's discovery: its paths, RS256 only, PKCE S256, pairwise subjects, client_secret_post", async () => {
    const uniauth = await startLocalUniAuth({ port: 4199, appUrl: "http://localhost:3199" });
    try {
      const discovery = await (await fetch(`${uniauth.issuer}/.well-known/openid-configuration`)).json();
      expect(discovery).toMatchObject({
        issuer: "http://localhost:4199",
        authorization_endpoint: "http://localhost:4199/api/oauth/authorize",
        token_endpoint: "http://localhost:4199/api/oauth/token",
        userinfo_endpoint: "http://localhost:4199/api/oauth/userinfo",
        jwks_uri: "http://localhost:4199/.well-known/jwks.json",
        end_session_endpoint: "http://localhost:4199/api/oauth/end-session",
        revocation_endpoint: "http://localhost:4199/api/oauth/revoke",
        id_token_signing_alg_values_supported: ["RS256"],
        code_challenge_methods_supported: ["S256"],
        subject_types_supported: ["pairwise"],
        token_endpoint_auth_methods_supported: ["client_secret_post"],
        backchannel_logout_supported: true,
        backchannel_logout_session_supported: true,
      });
      expect(discovery.scopes_supported).toEqual(expect.arrayContaining(["openid", "profile", "email", "groups"]));
    } finally {
      await uniauth.stop();
    }
  });
});

describe("the local UniAuth stand-in's outage switches", () => {
  const put = (body: unknown): RequestInit => ({ method: "PUT", body: JSON.stringify(body), headers: { "content-type": "application/json" } });

  it("fails discovery and authorization with a chosen 5xx, and works again when switched back", async () => {
    const uniauth = await startLocalUniAuth({ port: 4199, appUrl: "http://localhost:3199" });
    const discovery = `${uniauth.issuer}/.well-known/openid-configuration`;
    const authorize = `${uniauth.issuer}/api/oauth/authorize`;
    try {
      expect((await fetch(discovery)).status).toBe(200);
      expect((await fetch(authorize)).status).toBeLessThan(500);
      await fetch(`${uniauth.issuer}/dev/discovery-status`, put(503));
      await fetch(`${uniauth.issuer}/dev/authorize-status`, put(502));
      expect((await fetch(discovery)).status).toBe(503);
      expect((await fetch(authorize)).status).toBe(502);
      await fetch(`${uniauth.issuer}/dev/discovery-status`, put(null));
      await fetch(`${uniauth.issuer}/dev/authorize-status`, put(null));
      expect((await fetch(discovery)).status).toBe(200);
      expect((await fetch(authorize)).status).toBeLessThan(500);
    } finally {
      await uniauth.stop();
    }
  });

  it("refuses connections while offline, then listens again by itself", async () => {
    const uniauth = await startLocalUniAuth({ port: 4199, appUrl: "http://localhost:3199" });
    const discovery = `${uniauth.issuer}/.well-known/openid-configuration`;
    try {
      expect((await fetch(`${uniauth.issuer}/dev/offline`, put(1000))).status).toBe(200);
      await expect.poll(() => fetch(discovery).then(() => "answered", (error: Error) => String((error.cause as { code?: string })?.code))).toBe("ECONNREFUSED");
      await expect.poll(() => fetch(discovery).then((response) => response.status, () => 0), { timeout: 5000 }).toBe(200);
    } finally {
      await uniauth.stop();
    }
  });
});

describe("the local UniAuth stand-in's sign-ins, for step-up", () => {
  const claimsOf = (grant: oauth.TokenEndpointResponse) => oauth.getValidatedIdTokenClaims(grant)!;
  const now = () => Math.floor(Date.now() / 1000);

  it("say when and how the user signed in (auth_time, acr, amr): by password, or with MFA when picked", async () => {
    const before = now();
    const password = claimsOf(await grantFromLocalUniAuth("member"));
    expect(password).toMatchObject({ acr: "urn:uniauth:acr:pwd", amr: ["pwd"] });
    expect(password.auth_time).toBeGreaterThanOrEqual(before - 1);
    expect(password.auth_time).toBeLessThanOrEqual(now());
    const mfa = claimsOf(await grantFromLocalUniAuth("member", { login: { mfa: "yes" } }));
    expect(mfa).toMatchObject({ acr: "urn:uniauth:acr:mfa", amr: ["pwd", "otp", "mfa"] });
  });

  it("sign in as if some minutes ago, so step-up can be tried without waiting", async () => {
    const earlier = claimsOf(await grantFromLocalUniAuth("member", { login: { minutesAgo: "11" } }));
    expect(Math.abs(earlier.auth_time! - (now() - 11 * 60))).toBeLessThanOrEqual(2);
  });

  it("max_age=0 shows the sign-in page again although the UniAuth session is alive", async () => {
    const jar = new Map<string, string>();
    let signInPages = 0;
    const onSignInPage = () => signInPages++;
    await grantFromLocalUniAuth("member", { jar, onSignInPage });
    await grantFromLocalUniAuth("member", { jar, onSignInPage });
    expect(signInPages, "the second sign-in is answered by the UniAuth session alone").toBe(1);
    await grantFromLocalUniAuth("member", { jar, onSignInPage, params: { max_age: "0" } });
    expect(signInPages).toBe(2);
  });
});
