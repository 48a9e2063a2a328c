// The one table the benchmark prints, built from the results object, and the notes for missed targets.

const MB = 1024 * 1024;
const int = (n) => (n === undefined || n === null || Number.isNaN(n) ? '–' : Math.round(n).toLocaleString('en'));
const fixed = (n, digits = 2) => (n === undefined || n === null || Number.isNaN(n) ? '–' : n.toFixed(digits));
// autocannon reports whole milliseconds (0 means under 1 ms); other figures are fractional.
const ms = (n) =>
  n === undefined || n === null ? '–' : n === 0 ? '<1 ms' : Number.isInteger(n) || n >= 10 ? `${int(n)} ms` : `${fixed(n, 1)} ms`;
const mb = (bytes) => (bytes === undefined ? '–' : `${fixed(bytes / MB, 0)} MB`);
const met = (ok) => (ok === undefined ? '–' : ok ? 'yes' : 'NO');

/** Rows of [benchmark, measured, baseline/ceiling, ratio, target, met?] plus notes for misses. */
export function buildRows(results) {
  const rows = [];
  const notes = [];
  const miss = (text) => notes.push(text);
  const failed = (name, error) => rows.push([name, `error: ${String(error).split('\n')[0].slice(0, 60)}`, '', '', '', 'ERR']);

  const ingest = results.ingest;
  if (ingest?.error) failed('1. Ingest', ingest.error);
  else if (ingest) {
    const bare = ingest.bare?.measured;
    for (const [name, store] of Object.entries(ingest.stores)) {
      if (!store.available) {
        rows.push([`1. Ingest ${name}`, 'not available', '', '', '', '–']);
        continue;
      }
      const m = store.measured;
      const ratio = bare ? m.requestsPerSecond / bare.requestsPerSecond : undefined;
      const verified = store.verification.ok ? '' : ' (UNVERIFIED)';
      rows.push([
        `1. Ingest ${name} (${ingest.connections} conn, ${ingest.durationS} s)`,
        `${int(m.requestsPerSecond)} req/s${verified}`,
        `bare Fastify ${int(bare?.requestsPerSecond)} req/s${bare?.runs > 1 ? ` (mean of ${bare.runs})` : ''}`,
        fixed(ratio),
        '≥ 0.50',
        met(ratio >= 0.5),
      ]);
      rows.push([
        `   latency p50 / p99`,
        `${ms(m.latencyMs.p50)} / ${ms(m.latencyMs.p99)}`,
        `bare ${ms(bare?.latencyMs.p50)} / ${ms(bare?.latencyMs.p99)}`,
        '',
        'p99 ≤ 25 ms',
        met(m.latencyMs.p99 <= 25),
      ]);
      const errors = m.non2xx + m.errors + m.timeouts;
      rows.push([
        `   stored / answered 200`,
        `${int(store.verification.storedWebhooks)} / ${int(store.verification.answered2xx)}`,
        `non-2xx ${int(m.non2xx)}, errors ${int(m.errors)}, timeouts ${int(m.timeouts)}`,
        '',
        'stored ≥ 200s',
        met(store.verification.ok && errors === 0),
      ]);
      if (ratio < 0.5)
        miss(
          `Ingest ${name}: ratio ${fixed(ratio)} is ${fixed((1 - ratio / 0.5) * 100, 0)}% below the 0.50 target (${int(m.requestsPerSecond)} vs ${int(0.5 * bare.requestsPerSecond)} req/s needed).`,
        );
      if (m.latencyMs.p99 > 25) miss(`Ingest ${name}: p99 ${ms(m.latencyMs.p99)} is ${ms(m.latencyMs.p99 - 25)} over the 25 ms target.`);
      if (errors > 0) miss(`Ingest ${name}: ${m.non2xx} non-2xx answers, ${m.errors} errors, ${m.timeouts} timeouts.`);
      if (!store.verification.ok)
        miss(`Ingest ${name}: stored ${store.verification.storedWebhooks} webhooks for ${store.verification.answered2xx} answered 200.`);
    }
  }

  const quota = results.quota;
  if (quota?.error) failed('2. Quota efficiency', quota.error);
  else if (quota) {
    const ok = quota.ratio <= 1.05 && quota.rateLimited429 === 0 && quota.delivered === quota.records;
    rows.push([
      `2. Quota efficiency (${int(quota.records)} rec @ ${int(quota.ratePerSecond)}/s)`,
      `${int(quota.requestsUsed)} requests, ${int(quota.rateLimited429)} × 429`,
      `minimum ${int(quota.minimumRequests)} (records ÷ ${quota.hubspot.batchSize})`,
      fixed(quota.ratio, 3),
      '≤ 1.05, no 429',
      met(ok),
    ]);
    if (quota.ratio > 1.05)
      miss(
        `Quota: ${int(quota.requestsUsed)} requests for a minimum of ${int(quota.minimumRequests)}: ratio ${fixed(quota.ratio, 3)}, ${fixed((quota.ratio - 1.05) * 100, 1)} points over 1.05.`,
      );
    if (quota.rateLimited429 > 0) miss(`Quota: the simulator answered ${quota.rateLimited429} × 429.`);
    if (quota.delivered !== quota.records) miss(`Quota: ${quota.delivered} of ${quota.records} records delivered.`);
  }

  const drain = results.drain;
  if (drain?.error) failed('3. Drain at the limit', drain.error);
  else if (drain) {
    rows.push([
      `3. Drain at limit (${int(drain.records)} rec, 100/10 s)`,
      `${int(drain.recordsPerSecond)} rec/s, ${int(drain.rateLimited429)} × 429`,
      `ceiling ${int(drain.ceilingRecordsPerSecond)} rec/s`,
      fixed(drain.ratio, 3),
      '≥ 0.95',
      met(drain.ratio >= 0.95),
    ]);
    if (drain.healthzMs?.p50 !== undefined) {
      rows.push([
        `   /healthz while draining p50 / max`,
        `${ms(drain.healthzMs.p50)} / ${ms(drain.healthzMs.max)}`,
        '',
        '',
        'reported',
        '–',
      ]);
    }
    if (drain.ratio < 0.95) {
      const windows = drain.recordsPerWindow ?? [];
      const full = drain.ceilingRecordsPerSecond * 10;
      const short = windows
        .slice(0, drain.windowsMeasured)
        .map((n, i) => [i + 1, n])
        .filter(([, n]) => n < 0.98 * full);
      const detail = short.length > 0 ? `; windows below ${int(full)} records: ${short.map(([i, n]) => `#${i} ${int(n)}`).join(', ')}` : '';
      miss(
        `Drain: ${int(drain.recordsPerSecond)} rec/s is ${fixed((0.95 - drain.ratio) * 100, 1)} points below 0.95 of the ceiling (${int(drain.rateLimited429)} × 429, each pausing all sends for a window${detail}).`,
      );
    }
  }

  const latency = results.latency;
  if (latency?.error) failed('4. Latency', latency.error);
  else if (latency) {
    const limit = latency.batchWaitMs + 50;
    rows.push([
      `4. Latency webhook→HubSpot p50 (${latency.ratePerSecond}/s)`,
      ms(latency.endToEndMs.p50),
      `batchWaitMs ${latency.batchWaitMs} + 50 ms`,
      fixed(latency.endToEndMs.p50 / limit),
      `≤ ${int(limit)} ms`,
      met(latency.endToEndMs.p50 <= limit),
    ]);
    rows.push([`   p99 (${latency.measured} webhooks)`, ms(latency.endToEndMs.p99), '', '', 'reported', '–']);
    if (latency.endToEndMs.p50 > limit)
      miss(`Latency: p50 ${ms(latency.endToEndMs.p50)} is ${ms(latency.endToEndMs.p50 - limit)} over ${limit} ms.`);
    if (latency.missing > 0) miss(`Latency: ${latency.missing} webhooks not seen at the simulator.`);
  }

  const start = results.start;
  if (start?.error) failed('5. Start / idle', start.error);
  else if (start) {
    rows.push(['5. RSS idle', mb(start.rssIdleBytes), '', '', 'reported', '–']);
  }
  const memory = results.memory;
  if (memory?.error) failed('5. RSS with backlog', memory.error);
  else if (memory) {
    const what = memory.drained
      ? `   RSS end of ${int(memory.records)}-record drain`
      : `   RSS after ${int(memory.drainSeconds)} s on ${int(memory.records)} backlog`;
    const how = memory.drained
      ? `limit 200 MB; drained in ${int(memory.drainSeconds)} s`
      : `limit 200 MB; ${int(memory.delivered)} delivered`;
    rows.push([
      what,
      `${mb(memory.rssEndBytes)} (peak ${mb(memory.rssPeakBytes)})`,
      how,
      fixed(memory.rssEndBytes / (200 * MB)),
      '< 200 MB',
      met(memory.rssEndBytes < 200 * MB),
    ]);
    if (memory.healthzMs?.p50 !== undefined) {
      rows.push([
        `   /healthz while draining p50 / max`,
        `${ms(memory.healthzMs.p50)} / ${ms(memory.healthzMs.max)}`,
        '',
        '',
        'reported',
        '–',
      ]);
    }
    if (memory.rssEndBytes >= 200 * MB)
      miss(`Memory: RSS ${mb(memory.rssEndBytes)} with the backlog, ${mb(memory.rssEndBytes - 200 * MB)} over 200 MB.`);
    if (memory.rssPeakBytes >= 200 * MB && memory.rssEndBytes < 200 * MB)
      miss(`Memory: RSS peaked at ${mb(memory.rssPeakBytes)} while draining (end ${mb(memory.rssEndBytes)}).`);
    if (!memory.drained) {
      const projected = memory.projectedDrainSeconds ? `; projected drain time ≈ ${int(memory.projectedDrainSeconds / 60)} min` : '';
      miss(
        `Memory: the ${int(memory.records)}-record backlog did not drain within ${int(memory.drainCapSeconds)} s: ${int(memory.delivered)} delivered (${int(memory.recordsPerSecond)} rec/s)${projected}. RSS is the figure with the backlog still on disk.`,
      );
    }
  }
  if (start && !start.error) {
    rows.push([
      `   start → /readyz 200 (median of ${start.repeats})`,
      `${ms(start.startMs.median)} (max ${ms(start.startMs.max)})`,
      'limit 1,000 ms',
      fixed(start.startMs.median / 1000),
      '< 1 s',
      met(start.startMs.median < 1000),
    ]);
    if (start.startMs.median >= 1000) miss(`Start: ${ms(start.startMs.median)} to /readyz, ${ms(start.startMs.median - 1000)} over 1 s.`);
  }
  if (memory && !memory.error) {
    rows.push([`   start with ${int(memory.records)} pending`, ms(memory.startWithBacklogMs), '', '', 'reported', '–']);
    if (memory.startWithBacklogMs >= 1000)
      miss(
        `Start with ${int(memory.records)} records pending: ${ms(memory.startWithBacklogMs)} to /readyz 200 (the 1 s target is met on an empty store only).`,
      );
  }
  return { rows, notes };
}

export function renderTable(header, rows) {
  const all = [header, ...rows];
  const widths = header.map((_, c) => Math.max(...all.map((r) => String(r[c] ?? '').length)));
  const line = (r) => `| ${r.map((cell, c) => String(cell ?? '').padEnd(widths[c])).join(' | ')} |`;
  const rule = `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`;
  return [line(header), rule, ...rows.map(line)].join('\n');
}
