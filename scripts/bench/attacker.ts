import { randomBytes } from "node:crypto";
import { type Browser, browserFetch, newBrowser, nextHop, startSignIn } from "./sign-in";

/** A sign-in the attacker started for itself: its own browser (cookie jar) and the `state` UniAuth would send back. */
export interface Harvested {
  appUrl: string;
  browser: Browser;
  state: string;
}

/**
 * Starts a sign-in and keeps its `state` from the redirect to UniAuth's authorize endpoint, which the attacker
 * never follows. Null when the app did not send it to UniAuth (the busy page, say).
 */
export async function harvestState(appUrl: string): Promise<Harvested | null> {
  const browser = newBrowser();
  const next = nextHop(await startSignIn(appUrl, browser));
  const state = next && next.origin !== new URL(appUrl).origin ? next.searchParams.get("state") : null;
  return state ? { appUrl, browser, state } : null;
}

/**
 * The callback of a harvested sign-in, with a made-up code, from a fresh made-up address: Auth.js's checks pass
 * (its own state, PKCE and nonce cookies), so only the code exchange can tell. Resolves to where the app sent it.
 */
export async function bogusCallback({ appUrl, browser, state }: Harvested): Promise<string> {
  const from = { ...browser, address: newBrowser().address };
  const query = new URLSearchParams({ code: randomBytes(24).toString("base64url"), state });
  const response = await browserFetch(from)(new URL(`/api/auth/callback/uniauth?${query}`, appUrl));
  await response.arrayBuffer();
  const next = nextHop(response);
  return next ? `${next.pathname}${next.searchParams.has("error") ? `?error=${next.searchParams.get("error")}` : ""}` : `answered ${response.status}`;
}
