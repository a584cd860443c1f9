// Policy over rendered manifests. Each check returns human-readable violations; [] means compliant.
import type { Obj } from './manifests';

type Labels = Record<string, string>;
type Selector = { matchLabels?: Labels; matchExpressions?: { key: string; operator: string; values?: string[] }[] };
type Workload = { id: string; kind: string; name: string; labels: Labels; pod: any };

const NAME = 'app.kubernetes.io/name';
const DRAIN_SECONDS = 20;
/** Callers from outside the namespace that are allowed on purpose (see networkpolicies.yaml). */
const EXTERNAL_PEERS_ALLOWED = [
  { why: 'Prometheus scrape', peer: { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } }, podSelector: { matchLabels: { [NAME]: 'prometheus' } } } },
  { why: 'cass-operator management API', peer: { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'cass-operator' } } } },
];
/** Who may call whom inside the namespace, by app.kubernetes.io/name. */
const INGRESS_ALLOWED: Record<string, string[]> = {
  payments: ['gateway'],
  plugins: ['gateway', 'payments'],
  cassandra: ['payments', 'plugins', 'cassandra'],
};
const INTERNET_EGRESS_ALLOWED = ['gateway', 'payments'];

export function matches(sel: Selector | undefined, labels: Labels): boolean {
  if (!sel) return false;
  const ok = Object.entries(sel.matchLabels ?? {}).every(([k, v]) => labels[k] === v);
  return ok && (sel.matchExpressions ?? []).every(({ key, operator, values = [] }) => {
    switch (operator) {
      case 'In': return key in labels && values.includes(labels[key]);
      case 'NotIn': return !(key in labels) || !values.includes(labels[key]);
      case 'Exists': return key in labels;
      case 'DoesNotExist': return !(key in labels);
      default: return false;
    }
  });
}

export function workloads(docs: Obj[]): Workload[] {
  const out: Workload[] = [];
  for (const o of docs) {
    const tmpl = o.kind === 'CronJob' ? o.spec.jobTemplate.spec.template
      : ['Deployment', 'StatefulSet', 'DaemonSet', 'Job'].includes(o.kind) ? o.spec.template : undefined;
    if (tmpl) out.push({ id: `${o.kind}/${o.metadata.name}`, kind: o.kind, name: o.metadata.name, labels: tmpl.metadata?.labels ?? {}, pod: tmpl.spec });
    // cass-operator creates the pods; policies see them through the labels it sets.
    if (o.kind === 'CassandraDatacenter') out.push({ id: `${o.kind}/${o.metadata.name}`, kind: o.kind, name: o.metadata.name, labels: { [NAME]: 'cassandra' }, pod: undefined });
  }
  return out;
}

/** Probes, limits, non-root, read-only root, no escalation, no capabilities, seccomp. */
export function checkContainers(docs: Obj[]): string[] {
  const v: string[] = [];
  for (const w of workloads(docs)) {
    if (w.kind === 'CassandraDatacenter') {
      const dc = docs.find((o) => o.kind === w.kind && o.metadata.name === w.name)!;
      if (dc.spec.readOnlyRootFilesystem !== true) v.push(`${w.id}: readOnlyRootFilesystem must be true`);
      if (!dc.spec.resources?.limits?.cpu || !dc.spec.resources?.limits?.memory) v.push(`${w.id}: needs cpu and memory limits`);
      continue;
    }
    const pod = w.pod;
    const longRunning = !['Job', 'CronJob'].includes(w.kind);
    if (longRunning && !((pod.terminationGracePeriodSeconds ?? 30) > DRAIN_SECONDS)) v.push(`${w.id}: terminationGracePeriodSeconds must exceed the ${DRAIN_SECONDS}s drain`);
    const all = [...(pod.initContainers ?? []).map((c: any) => [c, false]), ...pod.containers.map((c: any) => [c, true])];
    for (const [c, main] of all) {
      const id = `${w.id} container ${c.name}`;
      const sc = c.securityContext ?? {};
      const psc = pod.securityContext ?? {};
      if (longRunning && main && !c.livenessProbe) v.push(`${id}: no livenessProbe`);
      if (longRunning && main && !c.readinessProbe) v.push(`${id}: no readinessProbe`);
      if (!c.resources?.limits?.cpu || !c.resources?.limits?.memory) v.push(`${id}: needs cpu and memory limits`);
      if (!c.resources?.requests?.cpu || !c.resources?.requests?.memory) v.push(`${id}: needs cpu and memory requests`);
      if ((sc.runAsNonRoot ?? psc.runAsNonRoot) !== true) v.push(`${id}: runAsNonRoot must be true`);
      if ((sc.runAsUser ?? psc.runAsUser) === 0) v.push(`${id}: runs as UID 0`);
      if (sc.readOnlyRootFilesystem !== true) v.push(`${id}: readOnlyRootFilesystem must be true`);
      if (sc.allowPrivilegeEscalation !== false) v.push(`${id}: allowPrivilegeEscalation must be false`);
      if (!(sc.capabilities?.drop ?? []).includes('ALL')) v.push(`${id}: capabilities must drop ALL`);
      if ((sc.seccompProfile ?? psc.seccompProfile)?.type !== 'RuntimeDefault') v.push(`${id}: seccompProfile must be RuntimeDefault`);
    }
  }
  return v;
}

/** Secret name -> keys referenced (a name with no key: the whole Secret is used). */
export function referencedSecrets(docs: Obj[]): Map<string, Set<string>> {
  const refs = new Map<string, Set<string>>();
  const add = (name: string, key?: string) => {
    if (!refs.has(name)) refs.set(name, new Set());
    if (key) refs.get(name)!.add(key);
  };
  for (const w of workloads(docs)) {
    if (!w.pod) continue;
    for (const c of [...(w.pod.initContainers ?? []), ...w.pod.containers]) {
      for (const e of c.env ?? []) if (e.valueFrom?.secretKeyRef) add(e.valueFrom.secretKeyRef.name, e.valueFrom.secretKeyRef.key);
      for (const e of c.envFrom ?? []) if (e.secretRef) add(e.secretRef.name);
    }
    for (const vol of w.pod.volumes ?? []) if (vol.secret) add(vol.secret.secretName);
    for (const s of w.pod.imagePullSecrets ?? []) add(s.name);
  }
  for (const o of docs) {
    if (o.kind === 'Ingress') for (const t of o.spec.tls ?? []) add(t.secretName, 'tls.crt'), add(t.secretName, 'tls.key');
    if (o.kind === 'CassandraDatacenter') {
      const users = [...(o.spec.users ?? []).map((u: any) => u.secretName), o.spec.superuserSecretName].filter(Boolean);
      for (const s of users) add(s, 'username'), add(s, 'password');
    }
  }
  return refs;
}

/** No Secret carries data in the manifests; every referenced Secret and key is documented. */
export function checkSecrets(docs: Obj[], documented: Map<string, Set<string>>): string[] {
  const v: string[] = [];
  for (const o of docs) {
    if (o.kind === 'Secret') v.push(`Secret/${o.metadata.name}: defined in the manifests${o.data || o.stringData ? ' with data' : ''}; create it out of band`);
    if (o.kind === 'ConfigMap') for (const k of Object.keys(o.data ?? {})) if (/SECRET|PASSWORD|SIGNING/i.test(k)) v.push(`ConfigMap/${o.metadata.name}: ${k} belongs in a Secret`);
  }
  for (const [name, keys] of referencedSecrets(docs)) {
    const doc = documented.get(name);
    if (!doc) { v.push(`Secret ${name} is referenced but not documented in k8s/README.md`); continue; }
    for (const k of keys) if (!doc.has(k)) v.push(`Secret ${name} key ${k} is referenced but not documented`);
  }
  return v;
}

function selects(np: Obj, w: Workload, type: 'Ingress' | 'Egress'): boolean {
  const types: string[] = np.spec.policyTypes ?? (type === 'Ingress' ? ['Ingress'] : np.spec.egress ? ['Egress'] : []);
  return types.includes(type) && matches(np.spec.podSelector, w.labels);
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** Default deny; who may reach subgraphs and Cassandra; who may leave the cluster. */
export function checkNetwork(docs: Obj[]): string[] {
  const v: string[] = [];
  const nps = docs.filter((o) => o.kind === 'NetworkPolicy');
  const ws = workloads(docs);
  if (!nps.some((np) => same(np.spec.podSelector, {}) && ['Ingress', 'Egress'].every((t) => np.spec.policyTypes?.includes(t)) && !np.spec.ingress && !np.spec.egress)) {
    v.push('no default-deny NetworkPolicy (podSelector {}, Ingress+Egress, no rules)');
  }
  // Every subgraph Service must resolve to pods that a policy covers.
  for (const name of ['payments', 'plugins']) {
    const svc = docs.find((o) => o.kind === 'Service' && o.metadata.name === name);
    if (!svc) { v.push(`Service/${name} missing`); continue; }
    const pods = ws.filter((w) => matches({ matchLabels: svc.spec.selector }, w.labels));
    if (!pods.length) v.push(`Service/${name} selects no workload`);
    for (const w of pods) if (!nps.some((np) => selects(np, w, 'Ingress') && np.spec.ingress?.length)) v.push(`Service/${name}: no NetworkPolicy admits callers to ${w.id}`);
  }
  for (const w of ws) {
    const app = w.labels[NAME];
    const allowed = INGRESS_ALLOWED[app];
    for (const np of nps.filter((p) => selects(p, w, 'Ingress'))) {
      for (const rule of np.spec.ingress ?? []) {
        const where = `NetworkPolicy/${np.metadata.name} -> ${w.id}`;
        if (!rule.from?.length) { if (app !== 'gateway') v.push(`${where}: admits every source`); continue; }
        for (const peer of rule.from) {
          if (EXTERNAL_PEERS_ALLOWED.some((e) => same(e.peer, peer))) continue;
          if (peer.ipBlock || peer.namespaceSelector) { if (app !== 'gateway') v.push(`${where}: admits callers from outside the namespace`); continue; }
          const callers = ws.filter((c) => matches(peer.podSelector, c.labels)).map((c) => c.labels[NAME]);
          const wrong = allowed ? callers.filter((c) => !allowed.includes(c)) : callers;
          if (wrong.length && app !== 'gateway') v.push(`${where}: admits ${[...new Set(wrong)].join(', ')}`);
        }
      }
    }
    for (const np of nps.filter((p) => selects(p, w, 'Egress'))) {
      for (const rule of np.spec.egress ?? []) {
        const where = `NetworkPolicy/${np.metadata.name} -> ${w.id}`;
        if (!rule.to?.length) v.push(`${where}: egress to every destination`);
        else if (rule.to.some((peer: any) => peer.ipBlock) && !INTERNET_EGRESS_ALLOWED.includes(app)) v.push(`${where}: egress to the internet`);
        if (rule.to?.some((peer: any) => peer.ipBlock) && !(rule.ports ?? []).every((p: any) => p.port === 443)) v.push(`${where}: internet egress beyond port 443`);
        if (rule.to?.some((peer: any) => peer.ipBlock) && !rule.ports?.length) v.push(`${where}: internet egress on every port`);
      }
    }
  }
  const gatewayAdmitted = (name: string) => nps.some((np) => ws.some((w) => w.labels[NAME] === name && selects(np, w, 'Ingress')
    && (np.spec.ingress ?? []).some((r: any) => (r.from ?? []).some((p: any) => p.podSelector && !p.namespaceSelector && matches(p.podSelector, { [NAME]: 'gateway' })))));
  for (const name of ['payments', 'plugins']) if (!gatewayAdmitted(name)) v.push(`${name}: the gateway is not admitted`);
  return v;
}
