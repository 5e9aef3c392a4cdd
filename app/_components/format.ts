const dateTime = new Intl.DateTimeFormat("en-GB", { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" });

/** Dates are shown in UTC so the server's rendering never depends on where it runs. */
export function formatDate(value: Date | string): string {
  return `${dateTime.format(new Date(value))} UTC`;
}
