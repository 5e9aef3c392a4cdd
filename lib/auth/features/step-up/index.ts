import "server-only";
import "@/lib/auth/installed";

/** Step-up ("Confirm it's you"), for app code: the guard and check for sensitive actions, the form, the policy. */
export { confirmItsYou } from "@/lib/auth/features/step-up/actions";
export { recentAuth, requireRecentAuth } from "@/lib/auth/features/step-up/guard";
export type { StepUpPolicy } from "@/lib/auth/features/step-up/policy";
export { recentAuthOf, stepUpPolicy } from "@/lib/auth/features/step-up/step-up";
