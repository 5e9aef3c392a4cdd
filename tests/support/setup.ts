import "@/lib/auth/installed";
