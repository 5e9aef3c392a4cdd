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
        <header>
          <Link className="brand" href="/">
            <Image src="/icon.svg" alt="" width={24} height={24} priority />
            UniAuth starter
          </Link>
          {user ? (
            <>
              <Link href="/dashboard">Dashboard</Link>
              {/* feature:notes begin */}
              <Link href="/notes">Notes</Link>
              {/* feature:notes end */}
              {user.isStaff && <Link href="/admin">Admin</Link>}
              <span>{user.name ?? user.email}</span>
              <form action={signOutEverywhere}>
                <button className="button secondary" type="submit">
                  Sign out
                </button>
              </form>
            </>
          ) : (
            <Link href="/signin">Sign in</Link>
          )}
        </header>
        <main>{children}</main>
      </body>
    </html>
  );
}
