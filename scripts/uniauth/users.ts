/** The people who can sign in at the local UniAuth stand-in: one for every case the app handles. */
export interface TestUser {
  id: string;
  name: string;
  email: string;
  email_verified: boolean;
  groups: string[];
}

export const seededUsers: readonly TestUser[] = [
  { id: "admin", name: "Ada Admin", email: "ada@example.com", email_verified: true, groups: ["admin", "engineering"] },
  { id: "staff", name: "Sam Staff", email: "sam@example.com", email_verified: true, groups: ["staff"] },
  { id: "member", name: "Mia Member", email: "mia@example.com", email_verified: true, groups: [] },
  { id: "unverified", name: "Uma Unverified", email: "uma@example.com", email_verified: false, groups: [] },
];

/** A mutable copy, so a developer or a test can change a user's groups at "UniAuth". */
export function createUserStore() {
  const users = new Map(seededUsers.map((user) => [user.id, { ...user, groups: [...user.groups] }]));
  return {
    all: () => [...users.values()],
    get: (id: string) => users.get(id),
    setGroups(id: string, groups: string[]) {
      const user = users.get(id);
      if (user) user.groups = groups;
      return user;
    },
  };
}

export type UserStore = ReturnType<typeof createUserStore>;
