// Policy over the rendered dev and prod overlays, plus broken fixtures proving each check can fail.
import { loadRendered, overlays, readmeSecrets, type Obj } from './manifests';
import { checkContainers, checkNetwork, checkSecrets, referencedSecrets } from './policy';

const rendered = Object.fromEntries(overlays.map((o) => [o, loadRendered(o)])) as Record<(typeof overlays)[number], Obj[]>;
const documented = readmeSecrets();

describe.each(overlays)('%s overlay', (overlay) => {
  const docs = rendered[overlay];

  test('every container has probes, limits and a restricted security context', () => {
    expect(checkContainers(docs)).toEqual([]);
  });

  test('no Secret is defined and every referenced Secret key is documented', () => {
    expect(checkSecrets(docs, documented)).toEqual([]);
  });

  test('default deny; subgraphs and Cassandra admit only their callers; internet egress only for gateway and payments', () => {
    expect(checkNetwork(docs)).toEqual([]);
  });

  test('HPA and PDB for each stateless service', () => {
    for (const name of ['gateway', 'payments', 'plugins']) {
      expect(docs.find((o) => o.kind === 'HorizontalPodAutoscaler' && o.spec.scaleTargetRef.name === name)).toBeDefined();
      expect(docs.find((o) => o.kind === 'PodDisruptionBudget' && o.metadata.name === name)).toBeDefined();
    }
  });
});

test('every documented Secret is used by some overlay', () => {
  const used = new Set(overlays.flatMap((o) => [...referencedSecrets(rendered[o]).keys()]));
  expect([...documented.keys()].filter((name) => !used.has(name))).toEqual([]);
});

test('prod spreads Deployments across zones and runs Cassandra as 3 nodes via cass-operator', () => {
  const prod = rendered.prod;
  for (const d of prod.filter((o) => o.kind === 'Deployment')) {
    const keys = (d.spec.template.spec.topologySpreadConstraints ?? []).map((c: any) => c.topologyKey);
    expect(keys).toContain('topology.kubernetes.io/zone');
  }
  const dc = prod.find((o) => o.kind === 'CassandraDatacenter');
  expect(dc?.apiVersion).toBe('cassandra.datastax.com/v1beta1');
  expect(dc?.spec.size).toBe(3);
  const cfg = prod.find((o) => o.kind === 'ConfigMap' && o.metadata.name.startsWith('payments-config'));
  expect(cfg?.data.CASSANDRA_REPLICATION).toMatch(/NetworkTopologyStrategy.*'dc1':3/);
  expect(cfg?.data.CASSANDRA_CONSISTENCY).toBe('LOCAL_QUORUM');
});

describe('the policy fails on broken manifests', () => {
  const prod = () => structuredClone(rendered.prod);
  const find = (docs: Obj[], kind: string, name: string) => docs.find((o) => o.kind === kind && o.metadata.name === name)!;
  const container = (docs: Obj[], name: string) => find(docs, 'Deployment', name).spec.template.spec.containers[0];

  test('a container without a readiness probe or limits, writable root, running as root', () => {
    const docs = prod();
    const c = container(docs, 'plugins');
    delete c.readinessProbe;
    delete c.resources.limits;
    c.securityContext.readOnlyRootFilesystem = false;
    c.securityContext.runAsNonRoot = false;
    expect(checkContainers(docs)).toEqual([
      'Deployment/plugins container plugins: no readinessProbe',
      'Deployment/plugins container plugins: needs cpu and memory limits',
      'Deployment/plugins container plugins: runAsNonRoot must be true',
      'Deployment/plugins container plugins: readOnlyRootFilesystem must be true',
    ]);
  });

  test('a Secret with data and an undocumented Secret reference', () => {
    const docs = prod();
    docs.push({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'jtm-stripe' }, data: { 'secret-key': 'c2tfbGl2ZV94' } });
    container(docs, 'gateway').env.push({ name: 'X', valueFrom: { secretKeyRef: { name: 'mystery', key: 'k' } } });
    expect(checkSecrets(docs, documented)).toEqual([
      'Secret/jtm-stripe: defined in the manifests with data; create it out of band',
      'Secret mystery is referenced but not documented in k8s/README.md',
    ]);
  });

  test('a policy that opens payments to everyone, and internet egress from plugins', () => {
    const docs = prod();
    docs.push({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'oops' },
      spec: { podSelector: { matchLabels: { 'app.kubernetes.io/name': 'payments' } }, policyTypes: ['Ingress'], ingress: [{ ports: [{ port: 4001 }] }] } });
    find(docs, 'NetworkPolicy', 'plugins').spec.egress.push({ to: [{ ipBlock: { cidr: '0.0.0.0/0' } }], ports: [{ port: 443 }] });
    const v = checkNetwork(docs);
    expect(v).toContain('NetworkPolicy/oops -> Deployment/payments: admits every source');
    expect(v).toContain('NetworkPolicy/plugins -> Deployment/plugins: egress to the internet');
  });

  test('plugins admitting a pod other than gateway and payments, and no default deny', () => {
    const docs = prod().filter((o) => o.metadata.name !== 'default-deny-all');
    find(docs, 'NetworkPolicy', 'plugins').spec.ingress[0].from.push({ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'cassandra' } } });
    const v = checkNetwork(docs);
    expect(v).toContain('no default-deny NetworkPolicy (podSelector {}, Ingress+Egress, no rules)');
    expect(v).toContain('NetworkPolicy/plugins -> Deployment/plugins: admits cassandra');
  });
});
