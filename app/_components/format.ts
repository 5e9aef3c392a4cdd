import type { StepUpPolicy } from "@/lib/auth/features/step-up"; // feature:step-up

const dateTime = new Intl.DateTimeFormat("en-GB", { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" });
const dateTimeSeconds = new Intl.DateTimeFormat("en-GB", { dateStyle: "medium", timeStyle: "medium", timeZone: "UTC" });

/** Dates are shown in UTC so the server's rendering never depends on where it runs. */
export function formatDate(value: Date | string, { seconds = false } = {}): string {
  return `${(seconds ? dateTimeSeconds : dateTime).format(new Date(value))} UTC`;
}

const SIGN_IN_METHODS: Record<string, string> = {
  "urn:uniauth:acr:pwd": "password",
  "urn:uniauth:acr:mfa": "password and MFA",
  "urn:uniauth:acr:passkey": "passkey",
};

/**
 * How UniAuth says the user signed in (`acr`), in words. An acr this app has no words for (another provider's, or
 * one UniAuth adds later) is named as UniAuth names it, so it reads as a method rather than as a bare code.
 */
export function describeSignInMethod(acr: string | null | undefined): string {
  if (!acr) return "not stated by UniAuth";
  return Object.hasOwn(SIGN_IN_METHODS, acr) ? SIGN_IN_METHODS[acr]! : `a sign-in method UniAuth calls “${acr}”`;
}

// feature:step-up begin
/** What a sensitive action asks for, in words: "a UniAuth sign-in in the last 10 minutes, with password and MFA". */
export function describeStepUpPolicy(policy: StepUpPolicy): string {
  const minutes = policy.maxAgeSeconds / 60;
  const age = Number.isInteger(minutes) ? `${minutes} minute${minutes === 1 ? "" : "s"}` : `${policy.maxAgeSeconds} seconds`;
  const how = policy.acr ? `, with ${policy.acr.map(describeSignInMethod).join(" or ")}` : "";
  return `a UniAuth sign-in in the last ${age}${how}`;
}
// feature:step-up end

/** A duration in words, rounded up to what a reader needs: "45 seconds", "15 minutes", "2 hours". */
export function formatSeconds(seconds: number): string {
  const [amount, unit] = seconds < 120 ? [seconds, "second"] : seconds < 7200 ? [Math.ceil(seconds / 60), "minute"] : [Math.ceil(seconds / 3600), "hour"];
  return `${amount} ${unit}${amount === 1 ? "" : "s"}`;
}
