import * as oauth from "oauth4webapi";
import { describe, expect, it } from "vitest";
import { describeFailure } from "@/lib/auth/core/uniauth/failure";

const server = { issuer: "https://uniauth.id", token_endpoint: "https://uniauth.id/api/oauth/token" };
const client = { client_id: "uni_client" };
const json = { "content-type": "application/json" };

/** What oauth4webapi throws for this answer to a refresh. */
const failureOf = (response: Response) => oauth.processRefreshTokenResponse(server, client, response).then(() => undefined, (error: unknown) => error);

describe("describeFailure (what a failed token call logs)", () => {
  it("gives the HTTP status and the OAuth error code of a 401 with a WWW-Authenticate challenge", async () => {
    const error = await failureOf(
      new Response('{"error":"invalid_client"}', { status: 401, headers: { ...json, "www-authenticate": 'Basic realm="https://uniauth.id", error="invalid_client"' } }),
    );
    expect(describeFailure(error)).toBe("401 invalid_client");
  });

  it("says so when the challenge names no error", async () => {
    const error = await failureOf(new Response("{}", { status: 401, headers: { ...json, "www-authenticate": 'Basic realm="x"' } }));
    expect(describeFailure(error)).toBe("401 (no error code in its basic challenge)");
  });

  it("gives the status and error of an OAuth error body, and the status of an answer that is not one", async () => {
    expect(describeFailure(await failureOf(new Response('{"error":"invalid_grant"}', { status: 400, headers: json })))).toBe("400 invalid_grant");
    expect(describeFailure(await failureOf(new Response("Bad gateway", { status: 502 })))).toBe("502 OAUTH_RESPONSE_IS_NOT_CONFORM");
  });
});
