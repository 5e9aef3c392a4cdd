"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { authAction } from "@/lib/auth";
import { steppedUp } from "@/lib/auth/features/step-up"; // feature:step-up
import { endAllSessionsOf } from "@/lib/data/sessions";

/** Superusers (with a recent UniAuth sign-in: a stale one goes to "Confirm it's you" and comes back to /admin). */
export const endAllSessionsAction = authAction(
  {
    input: z.object({ userId: z.string().min(1).max(100) }),
    role: "superuser",
    check: steppedUp, // feature:step-up
  },
  async ({ userId }) => {
    await endAllSessionsOf(userId);
    revalidatePath("/admin");
  },
);
