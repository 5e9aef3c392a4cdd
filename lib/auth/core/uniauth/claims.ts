import { z } from "zod";

/** A missing `groups` claim means no groups; a single string is one group; anything not a string is dropped. */
export const groupsSchema = z.preprocess(
  (value) => (typeof value === "string" ? [value] : Array.isArray(value) ? value.filter((g) => typeof g === "string") : []),
  z.array(z.string()),
);

/** The ID token (or userinfo) claims the app relies on, validated instead of trusted. */
export const uniauthClaimsSchema = z.object({
  sub: z.string().min(1),
  email: z.email().transform((email) => email.toLowerCase()),
  // Only boolean true counts: "true", 1 or a missing claim are all unverified.
  email_verified: z.unknown().optional().transform((value) => value === true),
  name: z.string().optional(),
  picture: z.url().optional(),
  sid: z.string().min(1).optional(),
  groups: groupsSchema,
  // How and when the user proved who they are. A malformed value is dropped rather than refusing the sign-in;
  // a step-up (the step-up feature), which needs them, then fails its own checks.
  auth_time: z.number().int().positive().optional().catch(undefined),
  acr: z.string().max(200).optional().catch(undefined),
  amr: z.array(z.string().max(50)).max(10).optional().catch(undefined),
});

export type UniAuthClaims = z.infer<typeof uniauthClaimsSchema>;

export interface Roles { isStaff: boolean; isSuperuser: boolean }

/** Roles follow UniAuth's groups: `admin` is staff and superuser, `staff` is staff. Names match exactly. */
export function rolesFromGroups(groups: readonly string[]): Roles {
  return { isStaff: groups.includes("admin") || groups.includes("staff"), isSuperuser: groups.includes("admin") };
}
