/**
 * The most items one page of a paginated function returns, whatever the
 * caller asks for: a public caller cannot make one call read every document
 * of a user. A larger `numItems` gets this many.
 */
export const MAX_PAGE_SIZE = 100;

/** `paginationOpts` with `numItems` held to `MAX_PAGE_SIZE` (and at least 1). */
export function cappedPage<T extends { numItems: number }>(opts: T): T {
  const numItems = Math.floor(opts.numItems);
  return {
    ...opts,
    numItems: Number.isFinite(numItems)
      ? Math.min(Math.max(numItems, 1), MAX_PAGE_SIZE)
      : MAX_PAGE_SIZE,
  };
}

/**
 * The shortest interval between two refreshes of one session from Clerk's
 * Backend API, so a mistaken setting cannot make every request call Clerk.
 */
export const MIN_REFRESH_INTERVAL_MS = 10_000;
