// EXAMPLE resource: copy its shape for your own data, then delete it (README "Delete the example").
import "server-only";
import { z } from "zod";
import { requireUser } from "@/lib/auth";
import { db } from "@/lib/db";

export const noteInputSchema = z.object({
  title: z.string().trim().min(1, "Give the note a title.").max(200, "At most 200 characters."),
  body: z.string().trim().max(10_000, "At most 10,000 characters.").default(""),
});

export const noteIdSchema = z.string().min(1).max(100);

/** What pages and the API get of a note: never the owner's id or anything else of the row. */
const noteSelect = { id: true, title: true, body: true, createdAt: true, updatedAt: true } as const;

export type NoteView = { id: string; title: string; body: string; createdAt: Date; updatedAt: Date };

/** The signed-in user's notes, newest first. */
export async function listMyNotes(): Promise<NoteView[]> {
  const { user } = await requireUser();
  return db.note.findMany({ where: { userId: user.id }, orderBy: { createdAt: "desc" }, take: 100, select: noteSelect });
}

/** One of the signed-in user's notes; null when there is none with that id or it is someone else's (the same answer). */
export async function getMyNote(id: string): Promise<NoteView | null> {
  const { user } = await requireUser();
  return db.note.findFirst({ where: { id, userId: user.id }, select: noteSelect });
}

export async function createNote(input: z.output<typeof noteInputSchema>): Promise<NoteView> {
  const { user } = await requireUser();
  return db.note.create({ data: { ...input, userId: user.id }, select: noteSelect });
}

/** Deletes one of the signed-in user's notes; someone else's id matches nothing. True when one was deleted. */
export async function deleteMyNote(id: string): Promise<boolean> {
  const { user } = await requireUser();
  const { count } = await db.note.deleteMany({ where: { id, userId: user.id } });
  return count === 1;
}
