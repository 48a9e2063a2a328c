/**
 * Which way imports point between the folders of src/ (issue 15). `npm run lint` runs it.
 *
 * The table below is the rule, written once: each row is a folder and the folders its modules may
 * import (besides their own folder). Rows are in layer order, so every import points up the table
 * and no folder-level cycle can form. Two entries are not folders:
 *   http/errors  src/http/errors.ts, the stable error codes: a leaf every folder may import.
 *   (root)       src/main.ts, the command line's entry: may import any folder; nothing imports it.
 * A folder may always import itself and npm packages; what is not in its row is refused.
 */
const DIRECTIONS = `
  support         |
  domain          | support
  store           | domain support
  sources         | domain support
  config          | sources hubspot domain support
  hubspot         | support
  delivery        | hubspot store domain config support
  processing      | sources store domain config support
  reconcile       | sources store domain config http support
  ingest          | sources store domain http support
  hubspot-compat  | ingest sources store hubspot domain config http support
  ops             | delivery store sources domain config http support
  http            | config domain support
  console         | support
  app             | console hubspot-compat ingest ops delivery processing reconcile hubspot http store sources domain config support
  cli             | app processing reconcile store sources hubspot domain config http support
`;

/**
 * Exceptions still in the tree, each with the change that removes it. The lead deletes an entry
 * once that change has merged.
 */
const TEMPORARY = [];

const everyoneMay = ['http/errors'];
const isTemporary = (from, to) => TEMPORARY.some((t) => t.from === from && t.to.includes(to));

/** A table entry as a path pattern under src/. */
const pathOf = (entry) => {
  if (entry === '(root)') return '^src/[^/]+\\.ts$';
  if (entry === 'http/errors') return '^src/http/errors\\.ts$';
  return `^src/${entry}/`;
};

const rows = DIRECTIONS.trim()
  .split('\n')
  .map((line) => line.split('|').map((part) => part.trim()))
  .map(([folder, allowed]) => {
    const exceptions = TEMPORARY.filter((t) => t.from === folder).flatMap((t) => t.to);
    return { folder, allowed: [folder, ...(allowed ? allowed.split(/\s+/) : []), ...everyoneMay, ...exceptions] };
  });

/**
 * No folder-level cycle: every import must be in its folder's row (the rules below), and the table
 * itself must have no cycle, which is checked here, so a row that closes a loop fails the lint at once.
 * The TEMPORARY exceptions are left out of this check: they are the loops still being removed.
 */
function assertNoCycle(table) {
  const edges = new Map(table.map(({ folder, allowed }) => [folder, allowed.filter((to) => to !== folder)]));
  const done = new Set();
  const visit = (folder, path) => {
    if (path.includes(folder)) throw new Error(`.dependency-cruiser.mjs: the table has a cycle: ${[...path, folder].join(' -> ')}`);
    if (done.has(folder)) return;
    for (const to of edges.get(folder) ?? []) visit(to, [...path, folder]);
    done.add(folder);
  };
  for (const folder of edges.keys()) visit(folder, []);
}
assertNoCycle(rows.map(({ folder, allowed }) => ({ folder, allowed: allowed.filter((to) => !isTemporary(folder, to)) })));

/** @type {import('dependency-cruiser').IConfiguration} */
export default {
  forbidden: [
    ...rows.map(({ folder, allowed }) => ({
      name: `${folder}-imports-only-its-row`,
      comment: `src/${folder}/ may import only ${allowed.join(', ')} (see DIRECTIONS in .dependency-cruiser.mjs)`,
      severity: 'error',
      from: { path: pathOf(folder) },
      to: { path: '^src/', pathNot: allowed.map(pathOf) },
    })),
    {
      name: 'src-never-imports-test-or-dev',
      comment:
        'Production code ships without test/ and dev/. The sandbox loads dev/hubspot-simulator with a computed ' +
        '(non-literal) specifier at run time and names its type only; neither is an import of the built code.',
      severity: 'error',
      from: { path: '^src/' },
      to: { path: '^(test|dev)/', dependencyTypesNot: ['type-only', 'type-import'] },
    },
  ],
  options: {
    includeOnly: '^(src|test|dev)/',
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js', '.json'] },
  },
};
