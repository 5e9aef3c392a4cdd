"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { authAction } from "@/lib/auth";
import { endAllSessionsOf } from "@/lib/data/sessions";

const endAllSessions = authAction(
  { input: z.object({ userId: z.string().min(1).max(100) }), role: "superuser", recentAuth: true },
  async ({ userId }) => {
    await endAllSessionsOf(userId);
    revalidatePath("/admin");
  },
);

/** A plain form's action (its result is not shown): a refusal changes nothing, and a stale sign-in goes to "Confirm it's you". */
export async function endAllSessionsAction(formData: FormData): Promise<void> {
  await endAllSessions(formData);
}
