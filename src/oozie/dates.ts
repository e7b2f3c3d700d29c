const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const RFC_822 =
  /^(Sun|Mon|Tue|Wed|Thu|Fri|Sat), (\d{1,2}) ([A-Z][a-z]{2}) (\d{4}) (\d{2}):(\d{2}):(\d{2}) (GMT|UTC|[+-]\d{4})$/;

/**
 * Parses an Oozie date: RFC 822 as `EEE, dd MMM yyyy HH:mm:ss zzz`, such as
 * `Wed, 01 May 2024 08:31:02 GMT`. Oozie writes GMT unless a request sets `timezone`, which this
 * client never does; numeric offsets such as `+0200` are accepted too.
 *
 * Returns epoch milliseconds, or `undefined` for `null`, `undefined` and the empty string.
 *
 * @throws RangeError when the text is not such a date, or names a day of week that does not match
 *   the date (a sign of a wrong time zone or a mangled value).
 */
export function parseOozieDate(text: string | null | undefined): number | undefined {
  if (text === null || text === undefined || text.trim() === '') return undefined;
  const match = RFC_822.exec(text.trim());
  if (!match)
    throw new RangeError(
      `invalid Oozie date "${text}": expected RFC 822 like "Wed, 01 May 2024 08:31:02 GMT"`,
    );

  const [, dayName, day, monthName, year, hour, minute, second, zone] = match;
  const month = MONTHS.indexOf(monthName!);
  if (month < 0) throw new RangeError(`invalid Oozie date "${text}": unknown month "${monthName}"`);

  const fields = [Number(year), month, Number(day), Number(hour), Number(minute), Number(second)] as const;
  let ms = Date.UTC(...fields);
  const check = new Date(ms);
  if (check.getUTCDate() !== fields[2] || fields[3] > 23 || fields[4] > 59 || fields[5] > 59) {
    throw new RangeError(`invalid Oozie date "${text}": no such day or time`);
  }

  if (zone !== 'GMT' && zone !== 'UTC') {
    const sign = zone!.startsWith('-') ? -1 : 1;
    const offsetMinutes = Number(zone!.slice(1, 3)) * 60 + Number(zone!.slice(3, 5));
    ms -= sign * offsetMinutes * 60_000;
  }

  const localDay = DAYS[check.getUTCDay()];
  if (localDay !== dayName) {
    throw new RangeError(
      `invalid Oozie date "${text}": ${dayName} does not match the date (it is a ${localDay})`,
    );
  }
  return ms;
}
