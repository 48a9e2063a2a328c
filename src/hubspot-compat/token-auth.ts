import { createHash, timingSafeEqual } from 'node:crypto';
import { secretDigest as digest } from '../support/secrets.js';

export { bearerToken } from '../support/secrets.js';

/**
 * The bearer tokens of `intake.tokens`. Tokens are compared as SHA-256 digests with
 * timingSafeEqual, against every configured token whatever the outcome, so neither the
 * position of the first differing byte nor which token matched shows in the time taken.
 */
export class IntakeTokens {
  private readonly digests: Buffer[];
  /** Each token's name for `match`, worked out once. */
  private readonly names: string[];

  constructor(tokens: readonly string[]) {
    this.digests = tokens.map(digest);
    this.names = this.digests.map((d) => createHash('sha256').update('intake-caller:').update(d).digest('base64url'));
  }

  get enabled(): boolean {
    return this.digests.length > 0;
  }

  /** A stable, non-secret name for the matching token (for scoping idempotency keys); undefined when none matches. */
  match(presented: string | undefined): string | undefined {
    if (presented === undefined) return undefined;
    const candidate = digest(presented);
    let found: number | undefined;
    this.digests.forEach((known, i) => {
      if (timingSafeEqual(candidate, known) && found === undefined) found = i;
    });
    return found === undefined ? undefined : this.names[found];
  }
}
