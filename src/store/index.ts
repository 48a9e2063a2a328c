import { openSqliteStore } from './sqlite/index.js';
import type { Store } from './types.js';

/** Opens the store named by `store.url`. */
export function openStore(url: string): Store {
  if (url.startsWith('sqlite:')) return openSqliteStore(url);
  throw new Error(`store.url: unsupported store "${url.split(':')[0]}:" (this build supports sqlite:)`);
}
export type { Store } from './types.js';
