// EXAMPLE resource: a protected API to copy, then delete (README "Delete the example").
import { authRoute } from "@/lib/auth";
import { deleteMyNote, getMyNote, noteIdSchema } from "@/lib/data/notes";
import { AppError } from "@/lib/errors";

export const dynamic = "force-dynamic";

/** The `[id]` segment; a malformed one names no note. */
function noteId(value: unknown): string {
  const id = noteIdSchema.safeParse(value);
  if (!id.success) throw new AppError("not_found");
  return id.data;
}

/** One of the signed-in user's notes; someone else's is 404, like one that does not exist. */
export const GET = authRoute({}, async (_request, { params }) => {
  const note = await getMyNote(noteId(params.id));
  if (!note) throw new AppError("not_found");
  return note;
});

export const DELETE = authRoute({}, async (_request, { params }) => {
  if (!(await deleteMyNote(noteId(params.id)))) throw new AppError("not_found");
  return new Response(null, { status: 204 });
});
