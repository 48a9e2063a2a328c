import type pg from 'pg';
import type { PauseKind, SharedDeliveryState, SharedPause } from '../ports.js';

const DB_NOW = `(extract(epoch FROM clock_timestamp()) * 1000)::bigint`;

/**
 * HubSpot's send window and pauses in PostgreSQL, timed by the database's
 * clock so replicas whose clocks differ still agree.
 */
export function sharedDeliveryState(pool: pg.Pool): SharedDeliveryState {
  return {
    async takeSendSlot(limit, windowMs) {
      const { rows } = await pool.query<{ slot_id: number | null; wait_ms: number }>({
        name: 'take-send-slot',
        text: 'SELECT slot_id, wait_ms FROM relay_take_send_slot($1, $2)',
        values: [limit, windowMs],
      });
      const row = rows[0];
      return row?.slot_id ? { granted: true, slotId: row.slot_id } : { granted: false, retryInMs: row?.wait_ms ?? 1000 };
    },
    async settleSendSlot(slotId) {
      await pool.query({
        name: 'settle-send-slot',
        text: `UPDATE hubspot_sends SET at = GREATEST(at, ${DB_NOW}) WHERE id = $1`,
        values: [slotId],
      });
    },
    async addPhantomSends(count) {
      if (count > 0) await pool.query(`INSERT INTO hubspot_sends (at) SELECT ${DB_NOW} FROM generate_series(1, $1)`, [count]);
    },
    async sendsInWindow(windowMs) {
      const { rows } = await pool.query<{ n: number }>(`SELECT COUNT(*)::bigint AS n FROM hubspot_sends WHERE at > ${DB_NOW} - $1`, [
        windowMs,
      ]);
      return rows[0]?.n ?? 0;
    },
    async setPause(pause: SharedPause) {
      // A rate-limit pause only ever lengthens; an auth pause is replaced (it carries the latest probe time).
      const until = pause.kind === 'rate-limit' ? 'GREATEST(hubspot_pauses.until, excluded.until)' : 'excluded.until';
      await pool.query(
        `INSERT INTO hubspot_pauses (kind, until, reason, details) VALUES ($1, ${DB_NOW} + $2, $3, $4)
         ON CONFLICT (kind) DO UPDATE SET until = ${until}, reason = excluded.reason, details = excluded.details`,
        [
          pause.kind,
          Math.max(0, Math.round(pause.remainingMs)),
          pause.reason,
          pause.details === undefined ? null : JSON.stringify(pause.details),
        ],
      );
    },
    async clearPause(kind: PauseKind) {
      await pool.query('DELETE FROM hubspot_pauses WHERE kind = $1', [kind]);
    },
    async readPauses() {
      const { rows } = await pool.query<{ kind: PauseKind; remaining: number; reason: string; details: string | null }>(
        `SELECT kind, until - ${DB_NOW} AS remaining, reason, details FROM hubspot_pauses`,
      );
      return rows
        .filter((r) => r.kind === 'auth' || r.remaining > 0)
        .map((r) => ({
          kind: r.kind,
          remainingMs: Math.max(0, r.remaining),
          reason: r.reason,
          details: r.details ? JSON.parse(r.details) : undefined,
        }));
    },
  };
}
