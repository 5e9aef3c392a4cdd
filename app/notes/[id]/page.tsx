// EXAMPLE resource: a protected page to copy, then delete (README "Delete the example").
import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { formatDate } from "@/app/_components/format";
import { getMyNote, noteIdSchema } from "@/lib/data/notes";
import { DeleteNoteButton } from "../note-forms";

export const metadata: Metadata = { title: "Note · UniAuth starter" };

export default async function NotePage({ params }: { params: Promise<{ id: string }> }) {
  const id = noteIdSchema.safeParse((await params).id);
  // Someone else's note is "not found", exactly like one that never existed: no hint that the id is real.
  const note = id.success ? await getMyNote(id.data) : null;
  if (!note) notFound();
  return (
    <section className="card">
      <h1>{note.title}</h1>
      {/* A style prop, as React code has them everywhere: the Content-Security-Policy allows style attributes. */}
      <p style={{ whiteSpace: "pre-wrap" }}>{note.body || "(no text)"}</p>
      <p>
        <small className="muted">Written {formatDate(note.createdAt)}</small>
      </p>
      <div className="actions">
        <DeleteNoteButton noteId={note.id} />
        <Link href="/notes">All notes</Link>
      </div>
    </section>
  );
}
