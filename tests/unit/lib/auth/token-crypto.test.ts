import { describe, expect, it } from "vitest";
import { TokenDecryptionError, createTokenCrypto } from "@/lib/auth/core/session/token-crypto";

const [older, old, fresh] = ["older", "old", "fresh"].map((name) => `${name}-secret-`.padEnd(44, "x")) as [string, string, string];
const token = "eyJhbGciOiJSUzI1NiJ9.eyJlbWFpbCI6Im1pYUBleGFtcGxlLmNvbSJ9.c2lnbmF0dXJl";

function reasonOf(attempt: () => unknown): string {
  try {
    attempt();
  } catch (error) {
    if (error instanceof TokenDecryptionError) return error.reason;
    throw error;
  }
  throw new Error("decrypted");
}

describe("createTokenCrypto", () => {
  const crypto = createTokenCrypto([old]);

  it("round-trips a token, with a fresh IV each time, in the versioned format", () => {
    const a = crypto.encrypt("session-1", "idToken", token);
    const b = crypto.encrypt("session-1", "idToken", token);
    expect(a).toMatch(/^v1\.[\w-]{8}\.[\w-]{16}\.[\w-]+$/);
    expect(a).not.toBe(b);
    expect(a).not.toContain(token.split(".")[1]);
    expect(crypto.decrypt("session-1", "idToken", a)).toBe(token);
    expect(crypto.decrypt("session-1", "idToken", b)).toBe(token);
    expect(crypto.decrypt("s", "refreshToken", crypto.encrypt("s", "refreshToken", ""))).toBe("");
    expect(crypto.decrypt("s", "refreshToken", crypto.encrypt("s", "refreshToken", "ünïcödé ✓"))).toBe("ünïcödé ✓");
  });

  it("binds the ciphertext to its row and column", () => {
    const sealed = crypto.encrypt("session-1", "refreshToken", token);
    expect(reasonOf(() => crypto.decrypt("session-2", "refreshToken", sealed))).toBe("not authentic");
    expect(reasonOf(() => crypto.decrypt("session-1", "accessToken", sealed))).toBe("not authentic");
  });

  it("refuses a tampered ciphertext, IV or key id", () => {
    const sealed = crypto.encrypt("s", "accessToken", token);
    const [version, keyId, iv, body] = sealed.split(".") as [string, string, string, string];
    const flip = (text: string, at: number) => text.slice(0, at) + (text[at] === "A" ? "B" : "A") + text.slice(at + 1);
    expect(reasonOf(() => crypto.decrypt("s", "accessToken", [version, keyId, iv, flip(body, 3)].join(".")))).toBe("not authentic");
    expect(reasonOf(() => crypto.decrypt("s", "accessToken", [version, keyId, iv, flip(body, body.length - 2)].join(".")))).toBe("not authentic");
    expect(reasonOf(() => crypto.decrypt("s", "accessToken", [version, keyId, flip(iv, 0), body].join(".")))).toBe("not authentic");
    expect(reasonOf(() => crypto.decrypt("s", "accessToken", [version, flip(keyId, 0), iv, body].join(".")))).toBe("unknown key");
    expect(reasonOf(() => crypto.decrypt("s", "accessToken", [version, keyId, iv, body.slice(0, 24)].join(".")))).toBe("not authentic");
  });

  it("does not decrypt under a secret it was not given (secret removed)", () => {
    const sealed = createTokenCrypto([fresh]).encrypt("s", "refreshToken", token);
    expect(reasonOf(() => crypto.decrypt("s", "refreshToken", sealed))).toBe("unknown key");
  });

  it("encrypts with the first (newest) secret and decrypts with any, as Auth.js does after a rotation", () => {
    const before = createTokenCrypto([old, older]);
    const after = createTokenCrypto([fresh, old, older]);
    const sealedBefore = before.encrypt("s", "idToken", token);
    expect(after.decrypt("s", "idToken", sealedBefore)).toBe(token);
    expect(after.isCurrent(sealedBefore)).toBe(false);

    const sealedAfter = after.encrypt("s", "idToken", token);
    expect(after.isCurrent(sealedAfter)).toBe(true);
    expect(sealedAfter.split(".")[1]).toBe(createTokenCrypto([fresh]).encrypt("x", "idToken", "y").split(".")[1]);
    expect(createTokenCrypto([fresh]).decrypt("s", "idToken", sealedAfter)).toBe(token);
    expect(reasonOf(() => before.decrypt("s", "idToken", sealedAfter))).toBe("unknown key");
  });

  it("refuses anything not in its own format, a token in the clear included", () => {
    for (const stored of [token, "oidc-provider-opaque_refresh-TOKEN", "v1.not.sealed", ""]) {
      expect(reasonOf(() => crypto.decrypt("s", "refreshToken", stored))).toBe("malformed");
      expect(crypto.isCurrent(stored)).toBe(false);
    }
  });

  it("derives a key id that does not reveal the secret, and needs at least one secret", () => {
    const sealed = crypto.encrypt("s", "idToken", token);
    expect(sealed).not.toContain(old.slice(0, 8));
    expect(() => createTokenCrypto([])).toThrow(/at least one secret/);
  });
});
