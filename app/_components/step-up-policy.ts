import type { StepUpPolicy } from "@/lib/auth/step-up-policy";
import { describeSignInMethod } from "./format";

/** What a sensitive action asks for, in words: "a UniAuth sign-in in the last 10 minutes, with password and MFA". */
export function describeStepUpPolicy(policy: StepUpPolicy): string {
  const minutes = policy.maxAgeSeconds / 60;
  const age = Number.isInteger(minutes) ? `${minutes} minute${minutes === 1 ? "" : "s"}` : `${policy.maxAgeSeconds} seconds`;
  const how = policy.acr ? `, with ${policy.acr.map(describeSignInMethod).join(" or ")}` : "";
  return `a UniAuth sign-in in the last ${age}${how}`;
}
