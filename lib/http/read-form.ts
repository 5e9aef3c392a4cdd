import { AppError } from "@/lib/errors";
import { mediaType, readBody } from "@/lib/http/read-body";

/** Large enough for any logout token UniAuth sends (about 1 KB), small enough to refuse abuse. */
const MAX_FORM_BYTES = 16 * 1024;

/**
 * Reads an `application/x-www-form-urlencoded` body of at most `maxBytes`. Anything else is an AppError
 * "invalid_request": a logout receiver answers 400 to every malformed request, as the specification asks.
 */
export async function readForm(request: Request, maxBytes = MAX_FORM_BYTES): Promise<URLSearchParams> {
  if (mediaType(request) !== "application/x-www-form-urlencoded") {
    throw new AppError("invalid_request", "the body must be application/x-www-form-urlencoded");
  }
  if (!request.body) throw new AppError("invalid_request", "the body is empty");
  const body = await readBody(request, maxBytes).catch((error: unknown) => {
    throw error instanceof AppError ? new AppError("invalid_request", error.message) : error;
  });
  return new URLSearchParams(body);
}
