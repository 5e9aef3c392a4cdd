"use client";

import { useRouter } from "next/navigation";
import { useEffect } from "react";

/**
 * A client-side navigation keeps the root layout as it was rendered, still showing the user who has just been
 * signed out. Re-rendering once, now that the cookie is gone, brings the header up to date.
 */
export function RefreshLayout() {
  const router = useRouter();
  useEffect(() => router.refresh(), [router]);
  return null;
}
