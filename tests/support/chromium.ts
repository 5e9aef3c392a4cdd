import { existsSync } from "node:fs";

/**
 * Debian's Chromium for the browser tests, when present (Playwright cannot download its own offline): its headless
 * shell first, the browser without the desktop parts, which takes about a quarter less time on these tests than the
 * whole browser in headless mode. Undefined: Playwright's own (`playwright install chromium`).
 */
export const systemChromium = ["/usr/bin/chromium-headless-shell", "/usr/bin/chromium"].find((path) => existsSync(path));
