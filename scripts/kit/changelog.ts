import { compareVersions } from "./manifest";

/** The changelog's sections for the versions after `from` up to `to`, newest first (`## 1.2.0 — date` headings). */
export function changesBetween(changelog: string, from: string, to: string): string[] {
  return changelog
    .split(/^(?=## )/m)
    .filter((section) => {
      const version = /^## (\d+\.\d+\.\d+)/.exec(section)?.[1];
      return version !== undefined && compareVersions(version, from) > 0 && compareVersions(version, to) <= 0;
    })
    .map((section) => section.trim());
}
