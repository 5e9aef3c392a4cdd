import { describe, expect, it } from "vitest";
import { clockCheck, clockSkewMs, discoveryChecks, discoveryUrl } from "../../../../scripts/doctor/uniauth";

const discovery = {
  issuer: "https://uniauth.id",
  id_token_signing_alg_values_supported: ["RS256"],
  code_challenge_methods_supported: ["S256"],
  end_session_endpoint: "https://uniauth.id/api/oauth/end-session",
  backchannel_logout_supported: true,
  backchannel_logout_session_supported: true,
};
const failing = (configured: string, document = discovery) => discoveryChecks(configured, document).filter((result) => result.status === "fail").map((result) => result.name);

describe("discoveryUrl", () => {
  it("appends the well-known path to the issuer's, as oauth4webapi does", () => {
    expect(discoveryUrl("https://uniauth.id").href).toBe("https://uniauth.id/.well-known/openid-configuration");
    expect(discoveryUrl("https://uniauth.id/").href).toBe("https://uniauth.id/.well-known/openid-configuration");
    expect(discoveryUrl("https://idp.example.com/realms/app").href).toBe("https://idp.example.com/realms/app/.well-known/openid-configuration");
  });
});

describe("discoveryChecks", () => {
  it("needs the issuer identical to UNIAUTH_ISSUER, trailing slash included", () => {
    expect(failing("https://uniauth.id")).toEqual([]);
    expect(failing("https://uniauth.id/")).toEqual(["issuer"]);
    expect(failing("https://uniauth.id", { ...discovery, issuer: "https://uniauth.id/" })).toEqual(["issuer"]);
  });

  it("fails a document without RS256, S256, an end-session endpoint or back-channel logout; warns when sid may be missing", () => {
    const { id_token_signing_alg_values_supported: _, end_session_endpoint: __, ...bare } = discovery;
    expect(failing("https://uniauth.id", { ...bare, code_challenge_methods_supported: ["plain"], backchannel_logout_supported: false } as typeof discovery)).toEqual([
      "id-token-alg",
      "pkce",
      "end-session",
      "backchannel-logout",
    ]);
    const noSid = discoveryChecks("https://uniauth.id", { ...discovery, backchannel_logout_session_supported: false });
    expect(noSid.find((result) => result.name === "backchannel-sid")?.status).toBe("warn");
  });
});

describe("the clock", () => {
  it("reads the skew from a Date header, taking it as the middle of its second and of the round trip", () => {
    const sent = Date.parse("2026-12-07T12:00:00.000Z");
    expect(clockSkewMs("Mon, 07 Dec 2026 12:00:10 GMT", sent, sent + 200)).toBe(10_400);
    expect(clockSkewMs(null, sent, sent)).toBeNull();
    expect(clockSkewMs("yesterday", sent, sent)).toBeNull();
  });

  it("is ok within 5 s, a warning up to the 30 s tokens allow, a failure past them", () => {
    expect(clockCheck(4_900).status).toBe("ok");
    expect(clockCheck(-5_100).status).toBe("warn");
    expect(clockCheck(30_000).status).toBe("warn");
    expect(clockCheck(-30_100)).toMatchObject({ status: "fail", finding: expect.stringMatching(/^UniAuth's clock is 30\.1 s behind/) });
    expect(clockCheck(null).status).toBe("skip");
  });
});
