"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { endMyOtherSessions, endMySession } from "@/lib/data/sessions";

export interface ActionResult {
  message: string;
}

const sessionId = z.string().min(1).max(100);

export async function endSessionAction(_previous: ActionResult | null, formData: FormData): Promise<ActionResult> {
  const id = sessionId.safeParse(formData.get("sessionId"));
  if (!id.success || !(await endMySession(id.data))) return { message: "That session could not be found. It may have ended already." };
  revalidatePath("/dashboard");
  return { message: "The session was signed out." };
}

export async function endOtherSessionsAction(): Promise<ActionResult> {
  const count = await endMyOtherSessions();
  revalidatePath("/dashboard");
  return { message: count === 1 ? "1 other session was signed out." : `${count} other sessions were signed out.` };
}
