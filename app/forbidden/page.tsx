import type { Metadata } from "next";
import { AccessDenied } from "@/app/_components/access-denied";

export const metadata: Metadata = { title: "No access · UniAuth starter" };

/** Where middleware rewrites (with status 403) a signed-in visitor who lacks the role for a page. */
export default AccessDenied;
