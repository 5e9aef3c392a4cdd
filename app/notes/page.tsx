// EXAMPLE resource: a protected page to copy, then delete (README "Delete the example"). Nothing here is public:
// middleware.ts sends anonymous visitors to sign in, and listMyNotes() checks the session again.
import type { Metadata } from "next";
import Link from "next/link";
import { formatDate } from "@/app/_components/format";
import { listMyNotes } from "@/lib/data/notes";
import { NewNoteForm } from "./note-forms";

export const metadata: Metadata = { title: "Notes · UniAuth starter" };

export default async function NotesPage() {
  const notes = await listMyNotes();
  return (
    <>
      <section className="card">
        <h1>Your notes</h1>
        <p className="lead">An example of a per-user resource: only you see your notes, through this page and through /api/notes.</p>
        {notes.length ? (
          <ul className="notes">
            {notes.map((note) => (
              <li key={note.id}>
                <Link href={`/notes/${note.id}`}>{note.title}</Link> <small className="muted">{formatDate(note.createdAt)}</small>
              </li>
            ))}
          </ul>
        ) : (
          <p>No notes yet.</p>
        )}
      </section>
      <section className="card" aria-labelledby="new-note-heading">
        <h2 id="new-note-heading">New note</h2>
        <NewNoteForm />
      </section>
    </>
  );
}
