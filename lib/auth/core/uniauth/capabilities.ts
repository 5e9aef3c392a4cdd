import "server-only";
import { discoveredAlready } from "@/lib/auth/core/uniauth/discovery";

/** As this instance last saw it: discovery's `backchannel_logout_supported`, and a `sid` in the last ID token. */
export type BackchannelLogoutSupport = "supported" | "not advertised" | "no sid in ID tokens" | "unknown";

const WARNINGS: Partial<Record<BackchannelLogoutSupport, string>> = {
  "not advertised":
    "UniAuth's discovery does not advertise back-channel logout (backchannel_logout_supported): signing out at UniAuth will not end sessions in this app before their next refresh. Set ROLES_MAX_AGE_SECONDS lower to re-check sessions sooner (docs/other-providers.md).",
  "no sid in ID tokens":
    "UniAuth's ID tokens carry no sid: a logout token naming a UniAuth session cannot be matched to a session here (one naming the user still ends all of that user's sessions). Set ROLES_MAX_AGE_SECONDS lower to re-check sessions sooner (docs/other-providers.md).",
};

let lastIdTokenHadSid: boolean | undefined;
const warned = new Set<BackchannelLogoutSupport>();

export function backchannelLogoutSupport(): BackchannelLogoutSupport {
  const server = discoveredAlready();
  if (!server) return "unknown";
  if (server.backchannel_logout_supported !== true) return "not advertised";
  return lastIdTokenHadSid === false ? "no sid in ID tokens" : "supported";
}

/** Notes whether a sign-in's ID token carried a `sid`: the newest sign-in decides. */
export function noteIdTokenSid(hasSid: boolean): void {
  lastIdTokenHadSid = hasSid;
  warnIfBackchannelLogoutUnsupported();
}

/** Logs, once per process for each, that UniAuth cannot end sessions by back-channel logout, and why. */
export function warnIfBackchannelLogoutUnsupported(): void {
  const support = backchannelLogoutSupport();
  const warning = WARNINGS[support];
  if (!warning || warned.has(support)) return;
  warned.add(support);
  console.warn(warning);
}
