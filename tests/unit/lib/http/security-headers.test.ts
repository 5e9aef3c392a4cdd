import { describe, expect, it } from "vitest";
import { contentSecurityPolicy } from "@/lib/http/security-headers";

const directives = (policy: string) => new Map(policy.split("; ").map((directive) => [directive.split(" ")[0]!, directive.split(" ").slice(1)]));

describe("contentSecurityPolicy", () => {
  const options = { nonce: "bm9uY2U=", uniauthOrigin: "https://uniauth.id" };
  const production = directives(contentSecurityPolicy({ ...options, development: false }));
  const development = directives(contentSecurityPolicy({ ...options, development: true }));

  it("allows style attributes (React's style prop) but not <style> elements without the nonce", () => {
    expect(production.get("style-src")).toEqual(["'self'", "'nonce-bm9uY2U='"]);
    expect(production.get("style-src-attr")).toEqual(["'unsafe-inline'"]);
    expect(production.has("style-src-elem")).toBe(false);
  });

  it("is the same in development but for what `next dev` itself needs", () => {
    const differences = [...new Set([...production.keys(), ...development.keys()])].filter(
      (name) => JSON.stringify(production.get(name)) !== JSON.stringify(development.get(name)),
    );
    expect(differences.sort()).toEqual(["connect-src", "script-src", "style-src-elem"]);
    expect(development.get("script-src")).toEqual([...production.get("script-src")!, "'unsafe-eval'"]);
    expect(development.get("connect-src")).toEqual(["'self'", "ws:"]);
    expect(development.get("style-src-elem")).toEqual(["'self'", "'unsafe-inline'"]);
  });
});
