/**
 * The seed for one test file's random choices: TEST_SEED when set, else drawn. It is printed with
 * `name`, so a failing run can be repeated with the same numbers (`TEST_SEED=<n> npx vitest run <file>`).
 */
export function testSeed(name: string): number {
  const seed = process.env.TEST_SEED ? Number(process.env.TEST_SEED) : 1 + Math.floor(Math.random() * 0x7ffffffe);
  if (!Number.isSafeInteger(seed)) throw new Error(`TEST_SEED must be an integer, not ${process.env.TEST_SEED}`);
  console.log(`${name}: TEST_SEED=${seed}`);
  return seed;
}

/** A seeded random number generator for tests (xorshift32), seeded by testSeed(name). */
export function seededRandom(name: string): () => number {
  let state = testSeed(name) >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state / 0x100000000;
  };
}

/** The items in an order drawn from `random`. */
export function shuffled<T>(items: readonly T[], random: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}
