import "server-only";
import "@/lib/auth/installed";

/** Step-up ("Confirm it's you"), for app code: the guard and check for sensitive actions, the form, the policy. */
export { startStepUp } from "@/lib/auth/features/step-up/actions";
export { steppedUp, requireStepUp } from "@/lib/auth/features/step-up/guard";
export type { StepUpPolicy } from "@/lib/auth/features/step-up/policy";
export { stepUpStatus, stepUpPolicy } from "@/lib/auth/features/step-up/step-up";
