"use server";
// EXAMPLE resource: copy its shape for your own actions, then delete it (README "Delete the example").

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { z } from "zod";
import { authAction } from "@/lib/auth";
import { createNote, deleteMyNote, noteIdSchema, noteInputSchema } from "@/lib/data/notes";
import { AppError } from "@/lib/errors";

export const createNoteAction = authAction({ input: noteInputSchema }, async (input) => {
  const note = await createNote(input);
  revalidatePath("/notes");
  return { id: note.id, title: note.title };
});

export const deleteNoteAction = authAction({ input: z.object({ noteId: noteIdSchema }) }, async ({ noteId }) => {
  // Someone else's note id matches nothing: the same answer as an id that never existed.
  if (!(await deleteMyNote(noteId))) throw new AppError("not_found", "That note does not exist, or it is not yours.");
  revalidatePath("/notes");
  redirect("/notes");
});
