"use server";

import { signIn, signOut } from "@/lib/auth";
import { UNIAUTH_PROVIDER_ID } from "@/lib/auth/provider";
import { safeCallbackPath } from "@/lib/auth/redirect";

export async function signInWithUniAuth(formData: FormData): Promise<void> {
  await signIn(UNIAUTH_PROVIDER_ID, { redirectTo: safeCallbackPath(formData.get("callbackUrl"), "/dashboard") });
}

export async function signOutOfApp(): Promise<void> {
  await signOut({ redirectTo: "/" });
}
