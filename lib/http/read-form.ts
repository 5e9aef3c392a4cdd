import { AppError } from "@/lib/errors";

/** Large enough for any logout token UniAuth sends (about 1 KB), small enough to refuse abuse. */
const MAX_FORM_BYTES = 16 * 1024;

/**
 * Reads an `application/x-www-form-urlencoded` body of at most `maxBytes`, counting the bytes as they
 * arrive (a Content-Length header can lie or be absent). Anything else is an AppError "invalid_request".
 */
export async function readForm(request: Request, maxBytes = MAX_FORM_BYTES): Promise<URLSearchParams> {
  const type = request.headers.get("content-type")?.split(";")[0]?.trim().toLowerCase();
  if (type !== "application/x-www-form-urlencoded") {
    throw new AppError("invalid_request", "the body must be application/x-www-form-urlencoded");
  }
  if (Number(request.headers.get("content-length") ?? 0) > maxBytes || !request.body) {
    throw new AppError("invalid_request", request.body ? `the body must be at most ${maxBytes} bytes` : "the body is empty");
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of request.body) {
    size += chunk.byteLength;
    if (size > maxBytes) throw new AppError("invalid_request", `the body must be at most ${maxBytes} bytes`);
    chunks.push(chunk);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString("utf8"));
}
