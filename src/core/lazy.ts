/**
 * A memoised asynchronous loader, for code an idle server does not need: `load` (typically
 * a dynamic `import()`) runs on the first call and every later call shares its result. A
 * load that fails is forgotten, so the next call tries again instead of failing forever.
 */
export function lazy<T>(load: () => Promise<T>): () => Promise<T> {
  let pending: Promise<T> | undefined;
  return () => {
    if (pending === undefined) {
      const started = (async () => load())();
      pending = started;
      started.catch(() => {
        if (pending === started) pending = undefined;
      });
    }
    return pending;
  };
}
