// EXAMPLE resource: a protected API to copy, then delete (README "Delete the example").
import { authRoute } from "@/lib/auth";
import { createNote, listMyNotes, noteInputSchema } from "@/lib/data/notes";

export const dynamic = "force-dynamic";

/** The signed-in user's notes. Anonymous: 401 JSON. */
export const GET = authRoute({}, async () => ({ notes: await listMyNotes() }));

/** Creates a note from a JSON body `{ "title", "body" }`: 201 with the note, or 400 with the field errors. */
export const POST = authRoute({ input: noteInputSchema }, async (_request, { input }) => Response.json(await createNote(input), { status: 201 }));
