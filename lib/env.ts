import { parseEnv } from "./env-schema";

/** The app's configuration, parsed once. The only reader of `process.env`. */
export const env = parseEnv(process.env);
