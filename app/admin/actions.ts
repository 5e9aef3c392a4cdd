"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { endAllSessionsOf } from "@/lib/data/sessions";

export async function endAllSessionsAction(formData: FormData): Promise<void> {
  const userId = z.string().min(1).max(100).safeParse(formData.get("userId"));
  if (!userId.success) return;
  await endAllSessionsOf(userId.data);
  revalidatePath("/admin");
}
