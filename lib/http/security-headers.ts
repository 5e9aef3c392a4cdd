/**
 * The app's security headers. The Content-Security-Policy carries a per-request nonce (set by middleware.ts on
 * every page and RSC response, which is also what makes Next.js put the nonce on its own scripts); the rest are
 * the same for every response and come from next.config.ts.
 */

interface PolicyOptions {
  nonce: string;
  /** UniAuth's origin: sign-in and sign-out forms are redirected there. */
  uniauthOrigin: string;
  /** `next dev` evaluates code and injects styles for hot reloading and its overlay; only then are those allowed. */
  development: boolean;
}

export function contentSecurityPolicy({ nonce, uniauthOrigin, development }: PolicyOptions): string {
  return [
    "default-src 'self'",
    // Inline scripts need the nonce; Next.js's chunks are same-origin files ('self'). No 'strict-dynamic': with it,
    // Chrome also runs an inline script that any running script creates, which is how injected code spreads.
    // 'unsafe-inline' is ignored by every browser that knows nonces and only keeps CSP1 browsers working.
    `script-src 'self' 'nonce-${nonce}' 'unsafe-inline'${development ? " 'unsafe-eval'" : ""}`,
    `style-src 'self' 'nonce-${nonce}'`,
    // Style attributes (React's `style` prop, next/image's own) cannot run script, and Next.js cannot put a nonce on
    // them: allowed, in development and production alike. <style> elements still need the nonce...
    "style-src-attr 'unsafe-inline'",
    // ...but for those `next dev` injects for hot reloading and its overlay, without one.
    ...(development ? ["style-src-elem 'self' 'unsafe-inline'"] : []),
    "img-src 'self' data:",
    "font-src 'self'",
    `connect-src 'self'${development ? " ws:" : ""}`,
    "object-src 'none'",
    "base-uri 'none'",
    "frame-src 'none'",
    "frame-ancestors 'none'",
    `form-action 'self' ${uniauthOrigin}`,
  ].join("; ");
}

/** A fresh nonce: 128 random bits, base64. */
export function newNonce(): string {
  return btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(16))));
}

const PERMISSIONS_POLICY = [
  "accelerometer",
  "autoplay",
  "bluetooth",
  "browsing-topics",
  "camera",
  "display-capture",
  "geolocation",
  "gyroscope",
  "hid",
  "magnetometer",
  "microphone",
  "midi",
  "payment",
  "publickey-credentials-get",
  "screen-wake-lock",
  "serial",
  "usb",
  "xr-spatial-tracking",
]
  .map((feature) => `${feature}=()`)
  .join(", ");

/** Headers for every response, pages and route handlers alike (next.config.ts `headers()`). */
export const SECURITY_HEADERS = [
  { key: "X-Content-Type-Options", value: "nosniff" },
  { key: "Referrer-Policy", value: "strict-origin-when-cross-origin" },
  { key: "Permissions-Policy", value: PERMISSIONS_POLICY },
  { key: "Cross-Origin-Opener-Policy", value: "same-origin" },
];

/** Two years. Add `includeSubDomains` (and `preload`) once every subdomain of your domain is https-only. */
export const STRICT_TRANSPORT_SECURITY = { key: "Strict-Transport-Security", value: "max-age=63072000" };

/** Route handlers serve no HTML: nothing may run, load or frame them. */
export const API_CONTENT_SECURITY_POLICY = { key: "Content-Security-Policy", value: "default-src 'none'; frame-ancestors 'none'" };

/** A URL that carries a logout `state` must not pass it on in a Referer. */
export const NO_REFERRER = { key: "Referrer-Policy", value: "no-referrer" };
