import { sessionEnded } from "@/lib/auth/routes";

export const dynamic = "force-dynamic";

export const GET = sessionEnded;
