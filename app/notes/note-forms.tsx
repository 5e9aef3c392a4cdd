"use client";
// EXAMPLE resource: copy its shape for your own forms, then delete it (README "Delete the example").

import { useActionState } from "react";
import type { ActionResult } from "@/lib/auth";
import { createNoteAction, deleteNoteAction } from "./actions";

export function NewNoteForm() {
  const [result, create, saving] = useActionState<ActionResult<{ id: string; title: string }> | null, FormData>(createNoteAction, null);
  const errors = result && !result.ok ? result.fieldErrors : undefined;
  return (
    // Keyed by the saved note, so a saved form starts empty again.
    <form action={create} className="stack" key={result?.ok ? result.data.id : "new"}>
      <label htmlFor="note-title">Title</label>
      <input id="note-title" name="title" required maxLength={200} aria-invalid={!!errors?.title} aria-describedby="note-title-error" />
      {errors?.title && <p id="note-title-error" className="field-error">{errors.title.join(" ")}</p>}
      <label htmlFor="note-body">Note</label>
      <textarea id="note-body" name="body" rows={4} maxLength={10_000} />
      <button className="button" type="submit" disabled={saving}>
        Save note
      </button>
      {result && <p role="status">{result.ok ? `Saved “${result.data.title}”.` : result.message}</p>}
    </form>
  );
}

export function DeleteNoteButton({ noteId }: { noteId: string }) {
  const [result, remove, deleting] = useActionState<ActionResult<never> | null, FormData>(deleteNoteAction, null);
  return (
    <form action={remove}>
      <input type="hidden" name="noteId" value={noteId} />
      <button className="button secondary" type="submit" disabled={deleting}>
        Delete note
      </button>
      {result && !result.ok && <p role="alert">{result.message}</p>}
    </form>
  );
}
