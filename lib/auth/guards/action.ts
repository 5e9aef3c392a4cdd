import "server-only";
import type { Session } from "next-auth";
import { redirect, unstable_rethrow } from "next/navigation";
import { z } from "zod";
import { STEP_UP_PATH } from "@/lib/auth/core/paths";
import { type AccessRule, checkAccess } from "@/lib/auth/guards/access";
import { referringPath } from "@/lib/auth/guards/pages";
import { isConnectionFailure } from "@/lib/database-errors";
import { AppError, type AppErrorCode } from "@/lib/errors";

/** What every wrapped server action returns: its data, or a typed error with a message safe to show. */
export type ActionResult<T = undefined> =
  | { ok: true; data: T }
  | { ok: false; error: AppErrorCode; message: string; fieldErrors?: Record<string, string[]> };

interface ActionOptions<Input extends z.ZodType> extends AccessRule {
  /** The form's fields (or the object the action is called with), parsed before the action runs. */
  input: Input;
}

type FormInput = FormData | Record<string, unknown> | undefined;

/**
 * A server action that checks who calls it before anything else, then parses its input with a zod schema: any
 * signed-in user by default, or `role` (staff, superuser), and `recentAuth` for sensitive actions. It answers a
 * typed `ActionResult` instead of throwing: "unauthenticated", "forbidden", "service_unavailable" (the database
 * is unreachable), "invalid_request" with `fieldErrors`, or any AppError the action throws ("not_found", say).
 * Only a missing recent sign-in redirects: to "Confirm it's you", which comes back to the page the form was on.
 *
 * Works as `<form action={…}>` (called with FormData) and with `useActionState` (called with the previous
 * result, then FormData). Data functions still check on their own: this is the first check, not the only one.
 */
export function authAction<Input extends z.ZodType, T>(options: ActionOptions<Input>, action: (input: z.output<Input>, session: Session) => Promise<T>) {
  return async (...args: [FormInput] | [ActionResult<T> | null, FormInput]): Promise<ActionResult<T>> => {
    try {
      const session = await checkAccess(options);
      const parsed = options.input.safeParse(fields(args.at(-1) as FormInput));
      if (!parsed.success) {
        return { ok: false, error: "invalid_request", message: "Some fields are not valid.", fieldErrors: z.flattenError(parsed.error).fieldErrors as Record<string, string[]> };
      }
      return { ok: true, data: await action(parsed.data, session) };
    } catch (error) {
      unstable_rethrow(error);
      if (error instanceof AppError && error.code === "recent_auth_required") {
        redirect(`${STEP_UP_PATH}?${new URLSearchParams({ callbackUrl: await referringPath() })}`);
      }
      const known = error instanceof AppError ? error : isConnectionFailure(error) ? new AppError("service_unavailable") : null;
      if (!known) throw error;
      return { ok: false, error: known.code, message: known.message };
    }
  };
}

/** A form's fields as an object (React's own `$ACTION_…` fields left out; a repeated name becomes an array). */
function fields(input: FormInput): Record<string, unknown> {
  if (!(input instanceof FormData)) return input ?? {};
  const result: Record<string, unknown> = {};
  for (const key of new Set(input.keys())) {
    if (key.startsWith("$ACTION_")) continue;
    const values = input.getAll(key);
    result[key] = values.length === 1 ? values[0] : values;
  }
  return result;
}
