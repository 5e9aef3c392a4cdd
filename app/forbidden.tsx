import { AccessDenied } from "@/app/_components/access-denied";

export default AccessDenied;
