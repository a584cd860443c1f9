// Loads the rendered overlays (scripts/k8s-check.sh writes them) and the Secrets table of k8s/README.md.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseAllDocuments } from 'yaml';

export type Obj = { apiVersion: string; kind: string; metadata: { name: string; [k: string]: any }; [k: string]: any };

/** The repository root, found from source (test/k8s) or from a compiled copy under dist/. */
export const root = (() => {
  let dir = __dirname;
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
})();
export const overlays = ['dev', 'prod'] as const;

/** Renders with the pinned kustomize first when the check script has not done so yet. */
export function loadRendered(overlay: (typeof overlays)[number]): Obj[] {
  const dir = process.env.K8S_RENDERED_DIR ?? join(root, '.cache', 'k8s', 'rendered');
  const file = join(dir, `${overlay}.yaml`);
  if (!existsSync(file)) {
    execFileSync('bash', [join(root, 'scripts', 'k8s-check.sh'), 'render'], { stdio: 'inherit' });
  }
  return parseAllDocuments(readFileSync(file, 'utf8'))
    .map((d) => {
      if (d.errors.length) throw new Error(`${file}: ${d.errors[0].message}`);
      return d.toJS() as Obj | null;
    })
    .filter((o): o is Obj => o !== null);
}

/**
 * Rows of the Secrets table in k8s/README.md:  | `secret-name` | `key-a`, `key-b` | ... |
 * Returns secret name -> documented keys.
 */
export function documentedSecrets(markdown: string): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const line of markdown.split('\n')) {
    const m = /^\|\s*`([a-z0-9.-]+)`\s*\|([^|]*)\|/.exec(line);
    if (!m) continue;
    const keys = [...m[2].matchAll(/`([^`]+)`/g)].map((k) => k[1]);
    out.set(m[1], new Set(keys));
  }
  return out;
}

export function readmeSecrets(): Map<string, Set<string>> {
  return documentedSecrets(readFileSync(join(root, 'k8s', 'README.md'), 'utf8'));
}
