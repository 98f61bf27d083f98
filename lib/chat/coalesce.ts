/**
 * A re-read that many events ask for at once: the first call runs `task`; calls made while it
 * runs share that run and make it go once more afterwards (while `goOn()`), so the last change
 * is always read and never by more than one run at a time.
 */
export function coalesced(task: () => Promise<void>, goOn: () => boolean): () => Promise<void> {
  let running: Promise<void> | null = null;
  let again = false;
  return () => {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      do {
        again = false;
        await task();
      } while (again && goOn());
    })().finally(() => (running = null));
    return running;
  };
}
