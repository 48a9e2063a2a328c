import { describe, expect, it } from 'vitest';
import { AuthPause } from '../../src/delivery/auth-pause.js';

const refused = { kind: 'auth' as const, status: 401, category: 'INVALID_AUTHENTICATION', message: 'expired', scopes: [] };

describe('the auth pause', () => {
  it('when the batch probing a refused token goes out unsent (its lease was lost), then another batch may probe', () => {
    const pause = new AuthPause(1000);
    pause.observe(refused, 0);
    expect(pause.mayClaim(1000)).toBe(true);
    pause.claimed();
    expect(pause.mayClaim(1000)).toBe(false);
    pause.unsent();
    expect(pause.mayClaim(1000)).toBe(true);
  });
});
