/**
 * A cron schedule in plain language ("At 02:00, every day (Europe/Paris)") with cronstrue, in
 * English (cronstrue's light build; its i18n build weighs 200 KB).
 */
import cronstrue from 'cronstrue';

/** The schedule in words, or null when cronstrue cannot read the expression. */
export function describeSchedule(
  cron: string,
  timezone: string
): string | null {
  try {
    const words = cronstrue.toString(cron.trim(), {
      use24HourTimeFormat: true,
      verbose: true,
      throwExceptionOnParseError: true
    });
    return `${words} (${timezone})`;
  } catch {
    return null;
  }
}

/** The browser's time zone (the form's default), UTC when it does not say. */
export function browserTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

/** IANA zones the browser knows, UTC first (for the time-zone picker). */
export function timeZones(): string[] {
  const supported =
    (
      Intl as unknown as { supportedValuesOf?: (key: string) => string[] }
    ).supportedValuesOf?.('timeZone') ?? [];
  return ['UTC', ...supported.filter(zone => zone !== 'UTC')];
}

/** A due time of the preview as its wall time in the schedule's zone: "2026-12-04 02:00". */
export function wallTime(iso: string): string {
  const match = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})/.exec(iso);
  return match ? `${match[1]} ${match[2]}` : iso;
}
