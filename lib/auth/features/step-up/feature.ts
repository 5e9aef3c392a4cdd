import "server-only";
import { recordAuthEvent } from "@/lib/auth/core/events";
import type { AuthFeature } from "@/lib/auth/core/features";
import { recordStepUp } from "@/lib/auth/features/step-up/record";
import { endStepUp, pendingStepUp, stepUpRefusal } from "@/lib/auth/features/step-up/step-up";

/**
 * Step-up ("Confirm it's you"): a sensitive action asks for a recent UniAuth sign-in; the fresh sign-in comes back
 * to the session the browser holds, which keeps its row and takes the new grant.
 */
export const feature: AuthFeature = {
  name: "step-up",
  async signInRefusal(claims) {
    const stepUp = await pendingStepUp();
    const refused = stepUp && (await stepUpRefusal(stepUp, claims));
    if (!stepUp || !refused) return null;
    await endStepUp();
    await recordAuthEvent({ event: "stepup.refused", userId: stepUp.userId, sessionId: stepUp.sessionId, reason: refused });
    // Nothing is written: the session the browser holds stays as it is.
    return { error: refused, callbackUrl: stepUp.returnTo };
  },
  signInRefused: endStepUp,
  async completeSignIn(claims, tokens) {
    const stepUp = await pendingStepUp();
    if (!stepUp) return null;
    await endStepUp();
    // Null when the session ended meanwhile: the same person, freshly signed in, gets a new one.
    return recordStepUp({ ...stepUp, claims, tokens });
  },
};
