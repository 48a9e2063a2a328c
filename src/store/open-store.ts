import type { Log } from '../support/log.js';
import { openPostgresStore } from './postgres/index.js';
import type { SessionBounds } from './postgres/pool.js';
import { openSqliteStore } from './sqlite/index.js';
import type { Store } from './ports.js';

/** Opens the store named by `store.url`: `sqlite:<file>` or `postgres://...` (with `bounds` on its sessions). */
export function openStore(url: string, log?: Log, bounds?: SessionBounds): Store {
  if (url.startsWith('sqlite:')) return openSqliteStore(url);
  if (url.startsWith('postgres://') || url.startsWith('postgresql://')) return openPostgresStore(url, log, bounds);
  throw new Error(`store.url: unsupported store "${url.split(':')[0]}:" (use sqlite: or postgres://)`);
}
export type { Store } from './ports.js';
