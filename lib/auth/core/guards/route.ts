import "server-only";
import type { Session } from "next-auth";
import type { NextRequest } from "next/server";
import { z } from "zod";
import { type AccessRule, checkAccess, knownError } from "@/lib/auth/core/guards/access";
import { withSessionState } from "@/lib/auth/core/session/current";
import { AppError, RETRY_AFTER_SECONDS } from "@/lib/errors";
import { noStore } from "@/lib/http/no-store";
import { appOrigin } from "@/lib/http/origin";
import { mediaType, readBody } from "@/lib/http/read-body";

const MAX_JSON_BYTES = 64 * 1024;
const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

interface RouteOptions<Input extends z.ZodType> extends AccessRule {
  /** Parses the JSON body (or, for GET and HEAD, the query string); invalid input is a 400 with the issues. */
  input?: Input;
}

/** A dynamic route's segments (`[id]` → `params.id`), unchecked: parse them like any input. */
type Params = Record<string, string | string[] | undefined>;

interface RouteContext<Input> { session: Session; input: Input; params: Params }

/**
 * JSON, never a redirect: 401 signed out; 403 without the role, on a failed `check` or for a cross-site write (CSRF);
 * 503 with Retry-After without the database; 400/413/415 for bad input; else the handler's answer. Always no-store.
 */
export function authRoute<Input extends z.ZodType = z.ZodUndefined>(
  options: RouteOptions<Input>,
  handler: (request: NextRequest, context: RouteContext<z.output<Input>>) => Promise<unknown>,
) {
  return (request: NextRequest, { params }: { params: Promise<Params> }): Promise<Response> =>
    withSessionState(async (state) => {
      try {
        const session = await checkAccess(state, options);
        if (!SAFE_METHODS.has(request.method) && !(await sameOrigin(request))) throw new AppError("forbidden", "Cross-site requests are refused.");
        const input = options.input ? await parseInput(request, options.input) : undefined;
        const result = await handler(request, { session, input: input as z.output<Input>, params: await params });
        return noStore(result instanceof Response ? result : Response.json(result ?? null));
      } catch (error) {
        const known = knownError(error);
        if (!known) throw error;
        return errorResponse(known);
      }
    });
}

// Browsers say where a request comes from (`Sec-Fetch-Site`, else `Origin`); one that says neither is no browser's, and
// carries no cookie on its own. SameSite=Lax alone would let a sibling subdomain post with the user's cookie.
async function sameOrigin(request: NextRequest): Promise<boolean> {
  const site = request.headers.get("sec-fetch-site");
  if (site) return site === "same-origin" || site === "none";
  const origin = request.headers.get("origin");
  return !origin || origin === (await appOrigin());
}

async function parseInput<Input extends z.ZodType>(request: NextRequest, schema: Input): Promise<z.output<Input>> {
  let raw: unknown;
  if (SAFE_METHODS.has(request.method)) {
    raw = Object.fromEntries(request.nextUrl.searchParams);
  } else {
    // JSON only: a cross-site HTML form cannot send it without the browser asking first (CORS).
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
  const flattened = error instanceof InvalidInput ? z.flattenError(error.issues) : undefined;
  const body = { error: error.code, message: error.message, ...(flattened && { fieldErrors: flattened.fieldErrors, formErrors: flattened.formErrors }) };
  const headers = error.status === 503 ? { "Retry-After": String(RETRY_AFTER_SECONDS) } : undefined;
  return noStore(Response.json(body, { status: error.status, headers }));
}
