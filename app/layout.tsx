import type { Metadata } from "next";
import Image from "next/image";
import Link from "next/link";
import { auth, signOutEverywhere } from "@/lib/auth";
import "./globals.css";

export const metadata: Metadata = {
  title: "UniAuth Next.js starter",
  description: "Sign in with UniAuth: OpenID Connect, roles from groups, back-channel logout.",
  icons: { icon: "/icon.svg" },
};

export default async function RootLayout({ children }: { children: React.ReactNode }) {
  const user = (await auth())?.user;
  return (
    <html lang="en">
      <body>
        {/* No prefetching from the header, which is on every page: each link's prefetch is a request for a per-user
            page (a session check, a database read) the user may never open, several per page view. */}
        <header>
          <Link className="brand" href="/" prefetch={false}>
            <Image src="/icon.svg" alt="" width={24} height={24} priority />
            UniAuth starter
          </Link>
          {user ? (
            <>
              <Link href="/dashboard" prefetch={false}>Dashboard</Link>
              {/* feature:notes begin */}
              <Link href="/notes" prefetch={false}>Notes</Link>
              {/* feature:notes end */}
              {user.isStaff && <Link href="/admin" prefetch={false}>Admin</Link>}
              <span>{user.name ?? user.email}</span>
              <form action={signOutEverywhere}>
                <button className="button secondary" type="submit">
                  Sign out
                </button>
              </form>
            </>
          ) : (
            <Link href="/signin" prefetch={false}>Sign in</Link>
          )}
        </header>
        <main>{children}</main>
      </body>
    </html>
  );
}
