/**
 * Values this repository publishes (the Kubernetes Secret's placeholders, the compose demo's
 * credentials): anyone can read them, so a relay configured with one could be forged into.
 * test/reliability/weak-secrets.test.ts keeps this list in step with those files.
 */
interface Published {
  value: string;
  where: string;
  /** A demo value: accepted while deliveries cannot reach HubSpot (see demoTermsHold). */
  demo?: true;
}

const PUBLISHED: Published[] = [
  ...[
    'replace-with-your-private-app-token',
    'replace-with-your-zoom-secret-token',
    'replace-with-a-long-random-admin-token',
    'postgres://relay:password@postgres.example.internal:5432/relay',
  ].map((value) => ({ value, where: 'docker/k8s/secret.yaml' })),
  // What docker-compose.yml used before its values became demo-only ones.
  ...['demo-zoom-secret', 'demo-admin-token-change-me'].map((value) => ({ value, where: 'an earlier docker-compose.yml' })),
  // (The demo's HubSpot token, sim-token, is the simulator's: HubSpot itself refuses it, so it opens nothing.)
  ...['demo-only-zoom-secret-token', 'demo-only-admin-token', 'postgres://relay:demo-only-postgres-password@postgres:5432/relay'].map(
    (value) => ({ value, where: 'docker-compose.yml (the demo)', demo: true as const }),
  ),
];

/**
 * The compose demo's terms: its values are accepted only while HubSpot is reached over plain http
 * (a simulator: HubSpot's API is https only, and production refuses http to any host not allowed
 * explicitly) or not at all (the sandbox). A copy of the demo pointed at the real HubSpot refuses them.
 */
export function demoTermsHold(config: { sandbox: boolean; hubspotBaseUrl: string }): boolean {
  return config.sandbox || config.hubspotBaseUrl.startsWith('http:');
}

/** One problem per configuration string that is a value this repository publishes, naming where it comes from. */
export function placeholderProblems(doc: unknown, demo: boolean): string[] {
  const problems: string[] = [];
  const walk = (node: unknown, path: string): void => {
    if (typeof node === 'string') {
      const found = PUBLISHED.find((p) => p.value === node);
      if (found && !(found.demo && demo)) {
        const terms = found.demo ? ' and is accepted only while HubSpot is a simulator reached over plain http' : '';
        problems.push(`${path}: is the placeholder published in ${found.where}${terms}; set a secret of your own`);
      }
    } else if (Array.isArray(node)) {
      node.forEach((item, i) => walk(item, `${path}[${i}]`));
    } else if (node !== null && typeof node === 'object') {
      for (const [key, value] of Object.entries(node)) walk(value, path ? `${path}.${key}` : key);
    }
  };
  walk(doc, '');
  return problems;
}
