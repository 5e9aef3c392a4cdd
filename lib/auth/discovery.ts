import "server-only";
import * as oauth from "oauth4webapi";
import { env } from "@/lib/env";

const CACHE_MS = 24 * 60 * 60 * 1000;

let cached: { at: number; metadata: Promise<oauth.AuthorizationServer>; value?: oauth.AuthorizationServer } | undefined;

/** UniAuth's discovery document, fetched once a day (UniAuth asks clients to cache it). */
export function discover(): Promise<oauth.AuthorizationServer> {
  if (!cached || Date.now() - cached.at > CACHE_MS) {
    const entry: NonNullable<typeof cached> = { at: Date.now(), metadata: fetchMetadata() };
    entry.metadata.then((value) => (entry.value = value), () => cached === entry && (cached = undefined));
    cached = entry;
  }
  return cached.metadata;
}

/** The discovery document if it is already at hand, without waiting on UniAuth. */
export function discoveredAlready(): oauth.AuthorizationServer | null {
  return cached?.value ?? null;
}

/** The issuer exactly as UniAuth's discovery names it: the one stored on accounts and sessions. */
export async function discoveredIssuer(): Promise<string> {
  return (await discover()).issuer;
}

/** Options for every oauth4webapi call to UniAuth: a timeout, and plain http only for a local issuer. */
export function requestOptions(issuer: string) {
  return {
    signal: AbortSignal.timeout(5000),
    // Plain http is only ever the local stand-in (lib/env.ts refuses it otherwise in production).
    [oauth.allowInsecureRequests]: new URL(issuer).protocol === "http:",
  };
}

async function fetchMetadata(): Promise<oauth.AuthorizationServer> {
  const issuer = new URL(env.UNIAUTH_ISSUER);
  const response = await oauth.discoveryRequest(issuer, requestOptions(env.UNIAUTH_ISSUER));
  return oauth.processDiscoveryResponse(issuer, response);
}
