import "server-only";
import type { Session } from "next-auth";
import { redirect, unstable_rethrow } from "next/navigation";
import { z } from "zod";
import { type AccessRule, checkAccess, knownError } from "@/lib/auth/core/guards/access";
import { withSessionState } from "@/lib/auth/core/session/current";
import type { AppErrorCode } from "@/lib/errors";

/** What every wrapped server action returns: its data, or a typed error with a message safe to show. */
export type ActionResult<T = undefined> =
  | { ok: true; data: T }
  | { ok: false; error: AppErrorCode; message: string; fieldErrors?: Record<string, string[]>; formErrors?: string[] };

interface ActionOptions<Input extends z.ZodType> extends AccessRule {
  /** The form's fields (or the object the action is called with), parsed before the action runs. */
  input: Input;
}

type FormInput = FormData | Record<string, unknown> | undefined;

/** Usable as `<form action={…}>` (its result then unused) and with `useActionState`. */
export interface AuthAction<T> {
  (formData: FormData): Promise<void>;
  (previous: ActionResult<T> | null, formData: FormData): Promise<ActionResult<T>>;
}

/**
 * Checks who calls it first, then parses its input; answers a typed `ActionResult` rather than throwing. Only an
 * AppError with a `location` redirects: a missing recent sign-in goes to "Confirm it's you", then back to the form.
 * A repeated field arrives as an array (parse it with a preprocess, or `z.union([z.string(), z.array(z.string())])`).
 * ESLint makes every server action in app/ use this; data functions still check on their own.
 */
export function authAction<Input extends z.ZodType, T>(options: ActionOptions<Input>, action: (input: z.output<Input>, session: Session) => Promise<T>): AuthAction<T> {
  const run = (...args: [FormInput] | [ActionResult<T> | null, FormInput]): Promise<ActionResult<T>> =>
    withSessionState(async (state): Promise<ActionResult<T>> => {
      try {
        const session = await checkAccess(state, options);
        const parsed = options.input.safeParse(fields(args.at(-1) as FormInput));
        if (!parsed.success) {
          const { fieldErrors, formErrors } = z.flattenError(parsed.error);
          return { ok: false, error: "invalid_request", message: "Some fields are not valid.", fieldErrors: fieldErrors as Record<string, string[]>, formErrors };
        }
        return { ok: true, data: await action(parsed.data, session) };
      } catch (error) {
        unstable_rethrow(error);
        const known = knownError(error);
        if (known?.location) redirect(known.location);
        if (!known) throw error;
        return { ok: false, error: known.code, message: known.message };
      }
    });
  return run as AuthAction<T>;
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
