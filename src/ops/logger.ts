// The logger moved to support/logger.ts (processing's worker thread needs it and must not import ops/).
// app.ts still imports it from here: delete this file once app.ts imports support/logger.js.
export { createLogger } from '../support/logger.js';
