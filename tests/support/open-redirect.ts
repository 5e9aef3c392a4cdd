/** callbackUrl values that try to send a signed-in browser off the app's origin (unit and browser tests). */
export const OPEN_REDIRECT_PAYLOADS = [
  "https://evil.example",
  "//evil.example",
  "/\\evil.example",
  "\\\\evil.example",
  "javascript:alert(document.domain)",
  "https:evil.example",
  "/%2F%2Fevil.example",
  "%2F%2Fevil.example",
  "/%5Cevil.example",
  "http://localhost.evil.example/dashboard",
  " //evil.example",
  "/\t/evil.example",
];
