import * as oauth from "oauth4webapi";
import { describe, expect, it } from "vitest";
import { basicAuthorization, clientAuthMethod, clientAuthentication } from "@/lib/auth/core/uniauth/client-auth";

const ID = `uni_${"a".repeat(32)}`;
const SECRET = `unis_${"b".repeat(64)}`;

describe("clientAuthMethod (one method for the code exchange, refresh and revocation)", () => {
  it("is client_secret_post when discovery lists it, or lists nothing (UniAuth documents post)", () => {
    expect(clientAuthMethod({ token_endpoint_auth_methods_supported: ["client_secret_post"] })).toBe("client_secret_post");
    expect(clientAuthMethod({ token_endpoint_auth_methods_supported: ["client_secret_basic", "client_secret_post"] })).toBe("client_secret_post");
    expect(clientAuthMethod({ token_endpoint_auth_methods_supported: ["private_key_jwt", "client_secret_post"] })).toBe("client_secret_post");
    expect(clientAuthMethod({})).toBe("client_secret_post");
    expect(clientAuthMethod({ token_endpoint_auth_methods_supported: [] })).toBe("client_secret_post");
    expect(clientAuthMethod(null)).toBe("client_secret_post");
  });

  it("is client_secret_basic only when discovery lists Basic and not post", () => {
    expect(clientAuthMethod({ token_endpoint_auth_methods_supported: ["client_secret_basic"] })).toBe("client_secret_basic");
    expect(clientAuthMethod({ token_endpoint_auth_methods_supported: ["private_key_jwt", "client_secret_basic"] })).toBe("client_secret_basic");
  });
});

describe("the Basic credentials the app's own calls send", () => {
  const headersOf = (auth: oauth.ClientAuth) => {
    const headers = new Headers();
    const body = new URLSearchParams();
    void auth({ issuer: "https://uniauth.id" }, { client_id: ID }, body, headers);
    return { authorization: headers.get("authorization"), body: Object.fromEntries(body) };
  };

  it("are Auth.js's (encodeURIComponent, spaces as +): UniAuth's ids and secrets go as they are", () => {
    expect(basicAuthorization(ID, SECRET)).toBe(`Basic ${btoa(`${ID}:${SECRET}`)}`);
    expect(basicAuthorization("a b", "c:d/é")).toBe(`Basic ${btoa("a+b:c%3Ad%2F%C3%A9")}`);
    expect(headersOf(clientAuthentication("client_secret_basic", ID, SECRET))).toEqual({ authorization: `Basic ${btoa(`${ID}:${SECRET}`)}`, body: {} });
  });

  it("differ from oauth4webapi's ClientSecretBasic, which sends uni%5F… (what an undecoding provider refuses)", () => {
    const oauth4webapi = headersOf(oauth.ClientSecretBasic(SECRET)).authorization!;
    expect(atob(oauth4webapi.slice("Basic ".length))).toBe(`${ID.replace("_", "%5F")}:${SECRET.replace("_", "%5F")}`);
    expect(oauth4webapi).not.toBe(basicAuthorization(ID, SECRET));
  });

  it("are the form body for client_secret_post", () => {
    expect(headersOf(clientAuthentication("client_secret_post", ID, SECRET))).toEqual({ authorization: null, body: { client_id: ID, client_secret: SECRET } });
  });
});
