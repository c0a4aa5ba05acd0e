/**
 * Crontab schedules in the target's syntaxes: cron.yaml takes five standard fields (UTC);
 * EventBridge rules take cron(min hour day-of-month month day-of-week year) with `?` in one of
 * the two day fields and days of the week numbered 1 (SUN) to 7.
 */

const NICKNAMES: Record<string, string> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};

/** systemd OnCalendar shorthands that have a cron equivalent. */
const ON_CALENDAR: Record<string, string> = {
  minutely: '* * * * *',
  hourly: '0 * * * *',
  daily: '0 0 * * *',
  weekly: '0 0 * * 1',
  monthly: '0 0 1 * *',
  yearly: '0 0 1 1 *',
};

/** Five standard fields, or null for @reboot and anything not a crontab schedule. */
export function fiveFields(schedule: string): string | null {
  const s = schedule.trim();
  if (NICKNAMES[s]) return NICKNAMES[s] as string;
  if (ON_CALENDAR[s.toLowerCase()]) return ON_CALENDAR[s.toLowerCase()] as string;
  const fields = s.split(/\s+/);
  return fields.length === 5 && fields.every((f) => /^[\d*,/\-A-Za-z]+$/.test(f)) ? fields.join(' ') : null;
}

const DAY_NAMES = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

function dayOfWeek(field: string): string {
  return field
    .split(',')
    .map((part) =>
      part.includes('/') ? part : part.replace(/\d+/g, (d) => DAY_NAMES[Number(d) % 7] as string).replace(/[a-z]{3}/gi, (n) => n.toUpperCase()),
    )
    .join(',');
}

/** `*\/n` steps start at 0 for minutes and hours, at 1 for days and months. */
function step(field: string, start: number): string {
  return field.replace(/^\*\//, `${start}/`);
}

export interface EventBridgeSchedule {
  expression: string;
  warning: string | null;
}

export function eventBridgeCron(five: string): EventBridgeSchedule {
  const [min, hour, dom, mon, dow] = five.split(' ') as [string, string, string, string, string];
  let warning: string | null = null;
  let dayOfMonth = step(dom, 1);
  let weekDay = dayOfWeek(dow);
  if (dow === '*') weekDay = '?';
  else if (dom === '*') dayOfMonth = '?';
  else {
    weekDay = '?';
    warning = `crontab runs "${five}" when either the day of month or the day of week matches; EventBridge cannot express that, so only the day-of-month part was kept.`;
  }
  return { expression: `cron(${step(min, 0)} ${step(hour, 0)} ${dayOfMonth} ${step(mon, 1)} ${weekDay} *)`, warning };
}
