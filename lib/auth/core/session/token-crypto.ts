import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from "node:crypto";
import type { TokenDecryptionReason } from "@/lib/auth/core/base/types";

/** The Session columns that hold UniAuth's tokens. Each is part of its ciphertext's additional data. */
export type TokenColumn = "idToken" | "accessToken" | "refreshToken";

export class TokenDecryptionError extends Error {
  constructor(readonly reason: TokenDecryptionReason) {
    super(`Stored token does not decrypt (${reason})`);
    this.name = "TokenDecryptionError";
  }
}

// HKDF's salt separates this key from everything else derived from AUTH_SECRET (Auth.js salts its cookie key
// with the cookie name); the info strings separate the key from its public id.
const SALT = "uniauth-starter session tokens v1";
const IV_BYTES = 12;
const TAG_BYTES = 16;
/** `v1.<key id>.<iv>.<ciphertext and tag>`, base64url: anything else is no value this app wrote. */
const SEALED = /^v1\.([\w-]{8})\.([\w-]{16})\.([\w-]{22,})$/;

function deriveKey(secret: string) {
  const derive = (info: string, length: number) => Buffer.from(hkdfSync("sha256", secret, SALT, info, length));
  return { id: derive("key id", 6).toString("base64url"), key: derive("AES-256-GCM key", 32) };
}

// The key id is in the additional data too, so the whole visible prefix is authenticated.
const additionalData = (keyId: string, sessionId: string, column: TokenColumn) => Buffer.from(JSON.stringify(["v1", keyId, sessionId, column]));

export interface TokenCrypto {
  encrypt(sessionId: string, column: TokenColumn, token: string): string;
  /** Throws TokenDecryptionError when the stored value cannot be read. */
  decrypt(sessionId: string, column: TokenColumn, stored: string): string;
  /** False for a value under an older secret: a refresh rewrites it under the newest. */
  isCurrent(stored: string): boolean;
}

/**
 * HKDF-SHA256 keys from the Auth.js secrets (newest first): the newest encrypts, all decrypt. Each ciphertext is bound
 * to its row id and column. No `server-only`: tests read tokens with it; node:crypto keeps it from browsers.
 */
export function createTokenCrypto(secrets: readonly string[]): TokenCrypto {
  if (!secrets.length) throw new Error("Token encryption needs at least one secret.");
  const keys = secrets.map(deriveKey);
  const newest = keys[0]!;
  return {
    encrypt(sessionId, column, token) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv("aes-256-gcm", newest.key, iv, { authTagLength: TAG_BYTES });
      cipher.setAAD(additionalData(newest.id, sessionId, column));
      const sealed = Buffer.concat([cipher.update(token, "utf8"), cipher.final(), cipher.getAuthTag()]);
      return `v1.${newest.id}.${iv.toString("base64url")}.${sealed.toString("base64url")}`;
    },
    decrypt(sessionId, column, stored) {
      const parts = SEALED.exec(stored);
      if (!parts) throw new TokenDecryptionError("malformed");
      const [, keyId, iv, sealed] = parts as unknown as [string, string, string, string];
      const candidates = keys.filter((key) => key.id === keyId);
      if (!candidates.length) throw new TokenDecryptionError("unknown key");
      const bytes = Buffer.from(sealed, "base64url");
      // Two secrets could share a 48-bit id by chance: try each, the tag tells which one it was.
      for (const { key } of candidates) {
        try {
          const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(iv, "base64url"), { authTagLength: TAG_BYTES });
          decipher.setAAD(additionalData(keyId, sessionId, column));
          decipher.setAuthTag(bytes.subarray(bytes.length - TAG_BYTES));
          return Buffer.concat([decipher.update(bytes.subarray(0, bytes.length - TAG_BYTES)), decipher.final()]).toString("utf8");
        } catch {
          // Not this key (or tampered): the next candidate, else "not authentic" below.
        }
      }
      throw new TokenDecryptionError("not authentic");
    },
    isCurrent(stored) {
      return SEALED.exec(stored)?.[1] === newest.id;
    },
  };
}
