import * as oauth from "oauth4webapi";
import { afterEach, describe, expect, it } from "vitest";
import { startLocalUniAuth } from "../../scripts/uniauth/server";
import { testEnv } from "../support/env";
import { localUniAuth } from "../support/uniauth";
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

describe("the local UniAuth stand-in's provider quirks (each a switch, off again after the test)", () => {
  afterEach(() => localUniAuth.reset());
  const issuer = () => testEnv("UNIAUTH_ISSUER");
  const refresh = (refreshToken: string, headers: Record<string, string> = {}, body: Record<string, string> = {}) =>
    fetch(`${issuer()}/api/oauth/token`, { method: "POST", headers, body: new URLSearchParams({ grant_type: "refresh_token", refresh_token: refreshToken, ...body }) });
  const postCredentials = { client_id: testEnv("UNIAUTH_CLIENT_ID"), client_secret: testEnv("UNIAUTH_CLIENT_SECRET") };

  it("claims only at userinfo: the ID token keeps sub, sid, auth_time, acr and amr, and nothing from the scopes", async () => {
    await localUniAuth.setQuirks({ claimsOnlyAtUserinfo: true });
    const grant = await grantFromLocalUniAuth("staff");
    const claims = oauth.getValidatedIdTokenClaims(grant)!;
    for (const missing of ["email", "email_verified", "name", "groups"]) expect(claims).not.toHaveProperty(missing);
    expect(claims).toMatchObject({ sub: expect.any(String), sid: expect.any(String), auth_time: expect.any(Number), acr: "urn:uniauth:acr:pwd" });
    const userinfo = await (await fetch(`${issuer()}/api/oauth/userinfo`, { headers: { authorization: `Bearer ${grant.access_token}` } })).json();
    expect(userinfo).toMatchObject({ sub: claims.sub, email: "sam@example.com", email_verified: true, name: "Sam Staff", groups: ["staff"] });
  });

  it("no scope in token responses", async () => {
    expect((await grantFromLocalUniAuth("member")).scope).toBeDefined();
    await localUniAuth.setQuirks({ noScopeInTokenResponse: true });
    expect((await grantFromLocalUniAuth("member")).scope).toBeUndefined();
  });

  it("max_age=0 ignored: the UniAuth session answers alone, unless prompt=login", async () => {
    await localUniAuth.setQuirks({ maxAgeZeroIgnored: true });
    const jar = new Map<string, string>();
    let signInPages = 0;
    const onSignInPage = () => signInPages++;
    await grantFromLocalUniAuth("member", { jar, onSignInPage });
    await grantFromLocalUniAuth("member", { jar, onSignInPage, params: { max_age: "0" } });
    expect(signInPages).toBe(1);
    await grantFromLocalUniAuth("member", { jar, onSignInPage, params: { max_age: "0", prompt: "login" } });
    expect(signInPages).toBe(2);
  });

  it("refresh tokens not rotated: the answer has none, and the same one works again", async () => {
    const { refresh_token } = await grantFromLocalUniAuth("member");
    await localUniAuth.setQuirks({ refreshTokensNotRotated: true });
    for (let i = 0; i < 2; i++) {
      const response = await refresh(refresh_token!, {}, postCredentials);
      expect(response.status).toBe(200);
      expect(await response.json()).not.toHaveProperty("refresh_token");
    }
  });

  it("Basic credentials undecoded: discovery lists only Basic; a form-encoded client id is refused with 401, the raw one works", async () => {
    const { refresh_token } = await grantFromLocalUniAuth("member");
    await localUniAuth.setQuirks({ basicCredentialsUndecoded: true });
    const discovery = await (await fetch(`${issuer()}/.well-known/openid-configuration`)).json();
    expect(discovery.token_endpoint_auth_methods_supported).toEqual(["client_secret_basic"]);
    const basic = (id: string, secret: string) => ({ authorization: `Basic ${btoa(`${id}:${secret}`)}` });
    const id = testEnv("UNIAUTH_CLIENT_ID");
    const secret = testEnv("UNIAUTH_CLIENT_SECRET");
    const encoded = await refresh(refresh_token!, basic(id.replace("_", "%5F"), secret));
    expect(encoded.status).toBe(401);
    expect(encoded.headers.get("www-authenticate")).toMatch(/^Basic .*error="invalid_client"/);
    expect((await encoded.json()).error).toBe("invalid_client");
    expect((await refresh(refresh_token!, basic(id, secret))).status).toBe(200);
  });

  it("slow answers: every endpoint an app calls waits the set time; back-channel logout unadvertised", async () => {
    await localUniAuth.setDelay(600);
    await localUniAuth.setQuirks({ backchannelLogoutAdvertised: false });
    const started = Date.now();
    const discovery = await (await fetch(`${issuer()}/.well-known/openid-configuration`)).json();
    expect(Date.now() - started).toBeGreaterThanOrEqual(590);
    expect(discovery).not.toHaveProperty("backchannel_logout_supported");
  });
});
