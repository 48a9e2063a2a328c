import { get, post, type RecordsPage, type RecordView } from './api.js';
import { byId, dateTime, el, replace } from './dom.js';

const PAGE_SIZE = 50;

/** Statuses after which a replayed row stops being followed. */
const SETTLED = new Set(['delivered', 'dead', 'superseded']);

/**
 * The "Dead letters" section. The rows on screen stay put while the operator works on them:
 * the list reloads by itself only when nothing is ticked and no replayed row is being followed;
 * replayed rows show their new status as the relay reports it.
 */
export class DeadLetters {
  private rows: RecordView[] = [];
  /** Cursors of the pages before this one (empty: the newest page). */
  private cursors: Array<number | undefined> = [];
  private cursor: number | undefined;
  private nextCursor: number | undefined;
  private readonly following = new Set<number>();
  private readonly checked = new Set<number>();
  /** Counts loads, so that an answer overtaken by a later load (a click while a refresh was out) is dropped. */
  private loads = 0;

  /** `report`: shows what went wrong with a click's call (the refresh loop reports its own). */
  constructor(private readonly report: (error: unknown) => void) {
    const run = (work: Promise<void>) => void work.catch(report);
    byId<HTMLFormElement>('dead-filters').addEventListener('submit', (event) => {
      event.preventDefault();
      this.cursors = [];
      this.cursor = undefined;
      run(this.load());
    });
    byId('dead-replay-selected').addEventListener('click', () => run(this.replay({ ids: [...this.checked] })));
    byId('dead-replay-all').addEventListener('click', () => run(this.replay({ filter: { state: 'dead', ...this.filter() } })));
    byId('dead-newer').addEventListener('click', () => {
      this.cursor = this.cursors.pop();
      run(this.load());
    });
    byId('dead-older').addEventListener('click', () => {
      this.cursors.push(this.cursor);
      this.cursor = this.nextCursor;
      run(this.load());
    });
  }

  private filter(): { source?: string; event?: string } {
    const source = byId<HTMLInputElement>('dead-source').value.trim();
    const event = byId<HTMLInputElement>('dead-event').value.trim();
    return { ...(source ? { source } : {}), ...(event ? { event } : {}) };
  }

  /** Called on every refresh tick. */
  async refresh(): Promise<void> {
    if (this.following.size > 0) await this.follow();
    else if (this.checked.size === 0) await this.load(true);
  }

  /** `byRefresh`: the answer is dropped if the operator ticked a row or replayed meanwhile. */
  async load(byRefresh = false): Promise<void> {
    const load = ++this.loads;
    const query = new URLSearchParams({ state: 'dead', limit: String(PAGE_SIZE), ...this.filter() });
    if (this.cursor !== undefined) query.set('cursor', String(this.cursor));
    const page = await get<RecordsPage>(`/admin/records?${query}`);
    if (load !== this.loads || (byRefresh && (this.checked.size > 0 || this.following.size > 0))) return;
    this.rows = page.records;
    this.nextCursor = page.nextCursor;
    this.following.clear();
    this.checked.clear();
    this.render();
  }

  private async replay(body: unknown): Promise<void> {
    this.loads += 1;
    const message = byId('dead-message');
    const answer = await post<{ replayed: number }>('/admin/records/replay', body);
    replace(message, `Replayed ${answer.replayed} record${answer.replayed === 1 ? '' : 's'}.`);
    const ids = 'ids' in (body as object) ? [...this.checked] : this.rows.map((r) => r.id);
    for (const id of ids) this.following.add(id);
    this.checked.clear();
    await this.follow();
  }

  /** Reads the followed rows' records again (one call per address: the admin API filters by email). */
  private async follow(): Promise<void> {
    const emails = new Set(this.rows.filter((r) => this.following.has(r.id)).map((r) => r.email));
    for (const email of emails) {
      const page = await get<RecordsPage>(`/admin/records?${new URLSearchParams({ email, limit: '500' })}`);
      for (const record of page.records) {
        const index = this.rows.findIndex((r) => r.id === record.id);
        if (index < 0) continue;
        this.rows[index] = record;
        if (SETTLED.has(record.status)) this.following.delete(record.id);
      }
    }
    this.render();
  }

  private render(): void {
    const body = byId('dead-rows');
    replace(
      body,
      ...this.rows.map((r) => {
        const box = el('input', { type: 'checkbox', 'aria-label': `Select ${r.email}` }) as HTMLInputElement;
        box.checked = this.checked.has(r.id);
        box.disabled = r.status !== 'dead';
        box.addEventListener('change', () => {
          if (box.checked) this.checked.add(r.id);
          else this.checked.delete(r.id);
          this.updateButtons();
        });
        return el(
          'tr',
          { 'data-status': r.status },
          el('td', {}, box),
          el('td', { class: 'wrap' }, r.email),
          el('td', {}, r.state),
          el('td', { class: 'status' }, r.status),
          el('td', { class: 'wrap' }, r.hubspotEvent ?? '—'),
          el('td', {}, `${r.source} ${r.sourceEventId}`),
          el('td', { class: 'wrap' }, r.lastError ?? ''),
          el('td', { class: 'number' }, r.attempts),
          el('td', {}, dateTime(r.updatedAt)),
        );
      }),
    );
    if (this.rows.length === 0) body.append(el('tr', {}, el('td', { colspan: '9' }, 'No dead letters.')));
    replace(byId('dead-page'), `Page ${this.cursors.length + 1}, ${this.rows.length} row${this.rows.length === 1 ? '' : 's'}`);
    byId<HTMLButtonElement>('dead-newer').disabled = this.cursors.length === 0;
    byId<HTMLButtonElement>('dead-older').disabled = this.nextCursor === undefined;
    this.updateButtons();
  }

  private updateButtons(): void {
    byId<HTMLButtonElement>('dead-replay-selected').disabled = this.checked.size === 0;
  }
}
