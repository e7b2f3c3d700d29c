import { type HubContext, HubError } from './http.js';

/** Filter attributes (`q=<attribute>=<value>`) and sort keys (`sort=a,-b`) of one collection. */
export interface ListSpec<T> {
  /** Attribute name to the item's value; `allowed` lists the valid values when they are an enum. */
  readonly filters: Readonly<
    Record<string, { value: (item: T) => string | undefined; allowed?: readonly string[] }>
  >;
  readonly sorts: Readonly<Record<string, (item: T) => string | number>>;
  readonly defaultSort: string;
}

export interface Page<T> {
  readonly items: T[];
  /** Present only when the request asked for paging (`page`, `pagelen` or `cursor`). */
  readonly pagination?: { totalItemCount: number; totalPageCount: number; nextPageCursor?: string };
  /** `self` and, when there is one, `knime:next-page`. */
  readonly controls: Record<string, Record<string, unknown>>;
}

const DEFAULT_PAGELEN = 100;

interface CursorState {
  readonly offset: number;
  readonly pagelen: number;
  readonly q: string;
  readonly sort: string;
}

/**
 * Filters, sorts and pages `items` after the query of the request: page mode (`page`, 1-based,
 * with `pagelen`) or cursor mode (`cursor` from the previous response, or `pagelen` alone).
 *
 * @throws {HubError} 422 for an unknown filter or sort attribute, a bad value, or a bad cursor.
 */
export function pageOf<T>(c: HubContext, items: readonly T[], spec: ListSpec<T>, selfUrl: string): Page<T> {
  const cursorText = c.req.query('cursor');
  const cursor = cursorText === undefined ? undefined : decodeCursor(cursorText);
  const q = cursor?.q ?? c.req.query('q') ?? '';
  const sort = cursor?.sort ?? c.req.query('sort') ?? spec.defaultSort;

  const filtered = applyFilter(items, q, spec);
  const sorted = applySort(filtered, sort, spec);

  const pageText = c.req.query('page');
  const pagelenText = c.req.query('pagelen');
  if (pageText === undefined && pagelenText === undefined && cursor === undefined) {
    return { items: sorted, controls: { self: link(selfUrl) } };
  }

  const pagelen = cursor?.pagelen ?? positiveInteger('pagelen', pagelenText, DEFAULT_PAGELEN);
  const totalItemCount = sorted.length;
  const totalPageCount = Math.ceil(totalItemCount / pagelen);
  const base = new URL(selfUrl);
  base.searchParams.delete('cursor');
  base.searchParams.delete('page');

  if (cursor === undefined && pageText !== undefined) {
    const page = positiveInteger('page', pageText, 1);
    const start = (page - 1) * pagelen;
    const controls: Page<T>['controls'] = { self: link(selfUrl) };
    if (page < totalPageCount) {
      const next = new URL(base);
      next.searchParams.set('pagelen', String(pagelen));
      next.searchParams.set('page', String(page + 1));
      controls['knime:next-page'] = link(next.toString());
    }
    return {
      items: sorted.slice(start, start + pagelen),
      pagination: { totalItemCount, totalPageCount },
      controls,
    };
  }

  const offset = cursor?.offset ?? 0;
  const pageItems = sorted.slice(offset, offset + pagelen);
  const controls: Page<T>['controls'] = { self: link(selfUrl) };
  const pagination: NonNullable<Page<T>['pagination']> = { totalItemCount, totalPageCount };
  if (offset + pagelen < totalItemCount) {
    const nextCursor = encodeCursor({ offset: offset + pagelen, pagelen, q, sort });
    pagination.nextPageCursor = nextCursor;
    const next = new URL(base);
    next.searchParams.set('cursor', nextCursor);
    controls['knime:next-page'] = link(next.toString());
  }
  return { items: pageItems, pagination, controls };
}

function link(href: string): Record<string, unknown> {
  return { href, isHrefTemplate: true, method: 'GET' };
}

function positiveInteger(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < 1) {
    throw new HubError(422, 'Invalid query parameters.', [
      `'${name}=${raw}' must be a whole number of at least 1.`,
    ]);
  }
  return Number(raw);
}

function applyFilter<T>(items: readonly T[], q: string, spec: ListSpec<T>): T[] {
  if (q === '') return [...items];
  const equals = q.indexOf('=');
  if (equals <= 0) {
    throw new HubError(422, 'Invalid filter.', [`'q=${q}' must have the form <attribute>=<value>.`]);
  }
  const attribute = q.slice(0, equals);
  const value = q.slice(equals + 1);
  const filter = spec.filters[attribute];
  if (!filter) {
    throw new HubError(422, 'Invalid filter.', [
      `Unknown filter attribute '${attribute}'; valid attributes are: ${Object.keys(spec.filters).join(', ')}.`,
    ]);
  }
  if (filter.allowed && !filter.allowed.includes(value)) {
    throw new HubError(422, 'Invalid filter.', [
      `'${value}' is no valid value of '${attribute}'; valid values are: ${filter.allowed.join(', ')}.`,
    ]);
  }
  return items.filter((item) => filter.value(item) === value);
}

function applySort<T>(items: T[], sort: string, spec: ListSpec<T>): T[] {
  const keys = sort
    .split(',')
    .map((key) => key.trim())
    .filter((key) => key !== '')
    .map((key) => {
      const descending = key.startsWith('-');
      const name = descending ? key.slice(1) : key.replace(/^\+/, '');
      const value = spec.sorts[name];
      if (!value) {
        throw new HubError(422, 'Invalid sort.', [
          `Unknown sort attribute '${name}'; valid attributes are: ${Object.keys(spec.sorts).join(', ')}.`,
        ]);
      }
      return { value, direction: descending ? -1 : 1 };
    });
  return [...items].sort((a, b) => {
    for (const key of keys) {
      const left = key.value(a);
      const right = key.value(b);
      if (left < right) return -key.direction;
      if (left > right) return key.direction;
    }
    return 0;
  });
}

function encodeCursor(state: CursorState): string {
  return Buffer.from(
    JSON.stringify({ o: state.offset, n: state.pagelen, q: state.q, s: state.sort }),
  ).toString('base64url');
}

function decodeCursor(text: string): CursorState {
  try {
    const raw = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as Record<string, unknown>;
    if (
      Number.isInteger(raw.o) &&
      Number.isInteger(raw.n) &&
      (raw.n as number) > 0 &&
      typeof raw.q === 'string' &&
      typeof raw.s === 'string'
    ) {
      return { offset: raw.o as number, pagelen: raw.n as number, q: raw.q, sort: raw.s };
    }
  } catch {
    // Falls through to the 422 below.
  }
  throw new HubError(422, 'Invalid query parameters.', [
    `'cursor=${text}' is not a cursor of this server; pass the nextPageCursor of the previous page unchanged.`,
  ]);
}
