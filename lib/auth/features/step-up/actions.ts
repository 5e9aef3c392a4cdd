"use server";

import "@/lib/auth/installed";
import { redirect } from "next/navigation";
import { signInStartRefusal } from "@/lib/auth/core/auth-route";
import { refusalPath } from "@/lib/auth/core/base/error-pages";
import { safeCallbackPath } from "@/lib/auth/core/base/redirect";
import { requireUser } from "@/lib/auth/core/guards/pages";
import { signIn } from "@/lib/auth/core/nextauth";
import { UNIAUTH_PROVIDER_ID } from "@/lib/auth/core/uniauth/provider";
import { beginStepUp } from "@/lib/auth/features/step-up/step-up";

/**
 * "Confirm it's you": sends the signed-in user to UniAuth for a fresh sign-in (a step-up), which comes back to
 * the same session and then to the page they left (step-up.ts).
 */
export async function startStepUp(formData: FormData): Promise<void> {
  const session = await requireUser();
  const refused = await signInStartRefusal();
  if (refused) redirect(refusalPath(refused));
  const returnTo = safeCallbackPath(formData.get("callbackUrl"), "/dashboard");
  await signIn(UNIAUTH_PROVIDER_ID, { redirectTo: returnTo }, await beginStepUp(session, returnTo));
}
