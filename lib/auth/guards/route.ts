import "server-only";
import type { Session } from "next-auth";
import type { NextRequest } from "next/server";
import { z } from "zod";
import { type AccessRule, checkAccess } from "@/lib/auth/guards/access";
import { isConnectionFailure } from "@/lib/database-errors";
import { AppError, RETRY_AFTER_SECONDS } from "@/lib/errors";
import { mediaType, readBody } from "@/lib/http/read-body";

/** A JSON body larger than this is refused (413) before it is parsed. */
const MAX_JSON_BYTES = 64 * 1024;

interface RouteOptions<Input extends z.ZodType> extends AccessRule {
  /** Parses the JSON body (or, for GET and HEAD, the query string); invalid input is a 400 with the issues. */
  input?: Input;
}

/** A dynamic route's segments (`[id]` → `params.id`), unchecked: parse them like any input. */
type Params = Record<string, string | string[] | undefined>;

interface RouteContext<Input> {
  session: Session;
  input: Input;
  params: Params;
}

/**
 * A route handler that checks who calls it before anything else, and answers in JSON, never with a redirect: 401
 * when signed out, 403 without the role (or, with `recentAuth`, a recent sign-in: `recent_auth_required`), 503
 * with Retry-After when the database is unreachable, 400 / 413 / 415 for bad input, and the status of any AppError
 * the handler throws ("not_found", say). The handler returns a Response, or data to send as JSON. Every answer is
 * `Cache-Control: no-store`.
 */
export function authRoute<Input extends z.ZodType = z.ZodUndefined>(
  options: RouteOptions<Input>,
  handler: (request: NextRequest, context: RouteContext<z.output<Input>>) => Promise<unknown>,
) {
  return async (request: NextRequest, { params }: { params: Promise<Params> }): Promise<Response> => {
    try {
      const session = await checkAccess(options);
      const input = options.input ? await parseInput(request, options.input) : undefined;
      const result = await handler(request, { session, input: input as z.output<Input>, params: await params });
      return noStore(result instanceof Response ? result : Response.json(result ?? null));
    } catch (error) {
      const known = error instanceof AppError ? error : isConnectionFailure(error) ? new AppError("service_unavailable") : null;
      if (!known) throw error;
      return errorResponse(known);
    }
  };
}

async function parseInput<Input extends z.ZodType>(request: NextRequest, schema: Input): Promise<z.output<Input>> {
  let raw: unknown;
  if (request.method === "GET" || request.method === "HEAD") {
    raw = Object.fromEntries(request.nextUrl.searchParams);
  } else {
    // JSON only: a cross-site HTML form cannot send it without the browser asking first (CORS), so this is no CSRF door.
    if (mediaType(request) !== "application/json") throw new AppError("unsupported_media_type");
    try {
      raw = JSON.parse(await readBody(request, MAX_JSON_BYTES));
    } catch (error) {
      if (error instanceof AppError) throw error;
      throw new AppError("invalid_request", "the body is not valid JSON");
    }
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw new InvalidInput(parsed.error);
  return parsed.data;
}

class InvalidInput extends AppError {
  constructor(readonly issues: z.ZodError) {
    super("invalid_request", "Some fields are not valid.");
  }
}

function errorResponse(error: AppError): Response {
  const fieldErrors = error instanceof InvalidInput ? z.flattenError(error.issues).fieldErrors : undefined;
  const response = Response.json({ error: error.code, message: error.message, ...(fieldErrors && { fieldErrors }) }, { status: error.status });
  if (error.status === 503) response.headers.set("Retry-After", String(RETRY_AFTER_SECONDS));
  return noStore(response);
}

function noStore(response: Response): Response {
  response.headers.set("Cache-Control", "no-store");
  return response;
}
