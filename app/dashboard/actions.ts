"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { authAction } from "@/lib/auth";
import { AppError } from "@/lib/errors";
import { endMyOtherSessions, endMySession } from "@/lib/data/sessions";

export const endSessionAction = authAction({ input: z.object({ sessionId: z.string().min(1).max(100) }) }, async ({ sessionId }) => {
  if (!(await endMySession(sessionId))) throw new AppError("not_found", "That session could not be found. It may have ended already.");
  revalidatePath("/dashboard");
  return "The session was signed out.";
});

export const endOtherSessionsAction = authAction({ input: z.object({}) }, async () => {
  const count = await endMyOtherSessions();
  revalidatePath("/dashboard");
  return count === 1 ? "1 other session was signed out." : `${count} other sessions were signed out.`;
});
