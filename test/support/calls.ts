type AsyncMethodsOf<T> = { [K in keyof T]: T[K] extends (...args: never[]) => Promise<unknown> ? K : never }[keyof T];
type ArgsOf<F> = F extends (...args: infer A) => Promise<unknown> ? A : never;
type ResultOf<F> = F extends (...args: never[]) => Promise<infer R> ? R : never;

export interface RecordedCall<F> {
  args: ArgsOf<F>;
  result: ResultOf<F>;
}

/**
 * Wraps one async method of one object so that each call is recorded once it has resolved. A test
 * reads what a background loop decided (a claim that came back "waiting", a rescan that found
 * nothing) and asserts after that decision instead of sleeping and hoping it was taken.
 */
export function recordCalls<T extends object, K extends AsyncMethodsOf<T>>(object: T, method: K): Array<RecordedCall<T[K]>> {
  const calls: Array<RecordedCall<T[K]>> = [];
  const original = (object[method] as (...args: ArgsOf<T[K]>) => Promise<ResultOf<T[K]>>).bind(object);
  const wrapped = async (...args: ArgsOf<T[K]>) => {
    const result = await original(...args);
    calls.push({ args, result });
    return result;
  };
  (object as Record<K, unknown>)[method] = wrapped;
  return calls;
}
