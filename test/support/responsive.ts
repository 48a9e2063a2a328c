import { request } from 'undici';

/**
 * Probes `${url}/healthz` until `done()` holds: each probe must be answered within `withinMs`, so
 * a request thread blocked for longer (a slow pattern, a huge allocation) fails the test. Nothing
 * here measures a duration; the wait is the limit. Returns the number of probes answered.
 */
export async function staysResponsive(
  url: string,
  done: () => boolean | Promise<boolean>,
  what: string,
  withinMs = 5000,
  overallMs = 30_000,
): Promise<number> {
  const deadline = Date.now() + overallMs;
  let answered = 0;
  for (;;) {
    try {
      const res = await request(`${url}/healthz`, { headersTimeout: withinMs, bodyTimeout: withinMs });
      await res.body.dump();
      if (res.statusCode !== 200) throw new Error(`/healthz answered ${res.statusCode}`);
      answered++;
    } catch (error) {
      throw new Error(`the relay stopped answering /healthz within ${withinMs} ms while ${what} (${String(error)})`);
    }
    if (await done()) return answered;
    if (Date.now() > deadline) throw new Error(`timed out after ${overallMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
