/**
 * `createEvents` beside an `objectId`: the event exists in HubSpot already, so there is nothing to
 * create. The schema alone would answer with three puzzling lines (each branch of the target union);
 * this replaces them with one that names the key.
 */
export function withCreateEventsProblems(events: unknown, problems: string[]): string[] {
  if (!Array.isArray(events)) return problems;
  const refused = new Set<number>();
  events.forEach((event: unknown, i) => {
    const hubspot = isObject(event) && isObject(event.hubspot) ? event.hubspot : undefined;
    if (hubspot && 'objectId' in hubspot && 'createEvents' in hubspot) refused.add(i);
  });
  if (refused.size === 0) return problems;
  const kept = problems.filter((problem) => ![...refused].some((i) => problem.startsWith(`events[${i}].hubspot.`)));
  for (const i of refused) {
    kept.push(
      `events[${i}].hubspot.createEvents: cannot be used with hubspot.objectId (that HubSpot event exists already; createEvents has the relay create one by external id)`,
    );
  }
  return kept;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
