// Runs one async step per item with a few in flight at once. Per-file work on a local disk (lstat,
// copy, chmod, utimes…) through node's promises costs a round trip to libuv's thread pool each;
// one file after another, a restore of 20k small files spent most of its 15 s waiting on those.

/**
 * Calls `fn` for every item, at most `limit` at a time, and resolves when all have ended. The
 * first error is thrown once the calls under way have settled; no new call starts after it.
 */
export async function eachLimit<T>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  let failure: { error: unknown } | null = null;
  const worker = async (): Promise<void> => {
    while (failure === null && next < items.length) {
      const i = next++;
      try {
        await fn(items[i]!, i);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  if (failure !== null) throw (failure as { error: unknown }).error;
}
