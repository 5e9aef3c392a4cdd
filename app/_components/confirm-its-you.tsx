import { startStepUp } from "@/lib/auth/features/step-up";

/** Sends the user to UniAuth to sign in again (a step-up), then back to `returnTo`. */
export function ConfirmItsYouButton({ returnTo }: { returnTo: string }) {
  return (
    <form action={startStepUp}>
      <input type="hidden" name="callbackUrl" value={returnTo} />
      <button className="button" type="submit">
        Confirm it&apos;s you
      </button>
    </form>
  );
}
