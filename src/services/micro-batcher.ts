/**
 * Group commit: items submitted while a flush is running are flushed together by the next one, so under load
 * many requests share one statement and at low load nothing waits for a timer. At most `concurrency` flushes run
 * at once (each holds one pooled connection); each caller's promise settles with its own result after its
 * flush, so a request is acknowledged only once its batch is committed.
 */
export function createMicroBatcher<T, R>(
  flush: (items: T[]) => Promise<R[]>,
  opts: { maxBatch: number; concurrency: number },
) {
  type Waiting = { item: T; resolve: (r: R) => void; reject: (e: unknown) => void };
  let queue: Waiting[] = [];
  let running = 0;
  let scheduled = false;

  function pump(): void {
    scheduled = false;
    while (running < opts.concurrency && queue.length > 0) {
      const batch = queue.slice(0, opts.maxBatch);
      queue = queue.slice(batch.length);
      running += 1;
      flush(batch.map((w) => w.item))
        .then(
          (results) => batch.forEach((w, i) => w.resolve(results[i]!)),
          (err: unknown) => batch.forEach((w) => w.reject(err)),
        )
        .finally(() => {
          running -= 1;
          pump();
        });
    }
  }

  return {
    submit(item: T): Promise<R> {
      return new Promise<R>((resolve, reject) => {
        queue.push({ item, resolve, reject });
        // Requests parsed in the same turn of the event loop join one batch.
        if (!scheduled && running < opts.concurrency) {
          scheduled = true;
          setImmediate(pump);
        }
      });
    },
  };
}

export type MicroBatcher<T, R> = ReturnType<typeof createMicroBatcher<T, R>>;
