/**
 * The gateway serves the supergraph file it is given and swaps it, without dropping a request,
 * when the file changes or on SIGHUP; a bad file is logged and the old schema kept. Runs its own
 * gateway on a temp copy, so the stack's gateway (shared with other files) never changes schema.
 * The released baseline lacks Query.myPluginPayments, which the running payments subgraph serves:
 * moving between the baseline and the committed supergraph adds or removes a real field.
 */
import { mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { schemaFile } from '../../common/paths';
import { startGateway, type GatewayProcess } from '../helpers/gateway-process';
import { userWithToken } from '../helpers/stack';

const BASELINE = readFileSync(schemaFile('baseline/supergraph.graphql'), 'utf8');
const CURRENT = readFileSync(schemaFile('supergraph.graphql'), 'utf8');
const NEW_FIELD = '{ myPluginPayments { id } }';
const STEADY = '{ plugins { id name price { formatted } } }';

let dir: string;
let file: string;
let gateway: GatewayProcess;
let token: string;

beforeAll(async () => {
  expect(BASELINE).not.toContain('myPluginPayments');
  expect(CURRENT).toContain('myPluginPayments');
  dir = mkdtempSync(join(tmpdir(), 'jtm-supergraph-'));
  file = join(dir, 'supergraph.graphql');
  writeFileSync(file, BASELINE);
  gateway = await startGateway({ SUPERGRAPH_PATH: file });
  token = (await userWithToken('reload')).token;
});

afterAll(async () => {
  await gateway?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Replaces the file in one step (rename), as a deploy tool or a ConfigMap update does. */
function writeSupergraph(sdl: string): void {
  const tmp = join(dir, `.next-${Date.now()}`);
  writeFileSync(tmp, sdl);
  renameSync(tmp, file);
}

async function post(query: string): Promise<{ status: number; body: { data?: Record<string, unknown> | null; errors?: Array<{ message: string; extensions?: { code?: string } }> } }> {
  const res = await fetch(`${gateway.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query }),
    signal: AbortSignal.timeout(10_000),
  });
  return { status: res.status, body: (await res.json()) as never };
}

/** Whether the gateway's current schema has Query.myPluginPayments (it answers, or refuses to validate). */
async function servesNewField(): Promise<boolean> {
  const { status, body } = await post(NEW_FIELD);
  if (status === 200 && !body.errors && Array.isArray(body.data?.myPluginPayments)) return true;
  if (body.errors?.[0]?.extensions?.code === 'GRAPHQL_VALIDATION_FAILED') return false;
  throw new Error(`unexpected answer: ${status} ${JSON.stringify(body)}`);
}

/** Authenticated queries in a loop until stopped; every answer must be a full, error-free result. */
function steadyTraffic(workers = 3) {
  let running = true;
  const failures: string[] = [];
  let ok = 0;
  const loop = async () => {
    while (running) {
      try {
        const { status, body } = await post(STEADY);
        const plugins = body.data?.plugins;
        if (status === 200 && !body.errors && Array.isArray(plugins) && plugins.length > 0) ok++;
        else failures.push(`${status} ${JSON.stringify(body).slice(0, 300)}`);
      } catch (err) {
        failures.push(String(err));
      }
    }
  };
  const loops = Array.from({ length: workers }, loop);
  return {
    get ok() { return ok; },
    failures,
    async stop() { running = false; await Promise.all(loops); },
  };
}

async function until(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const logged = (msg: string, why: string) => gateway.logLines().filter((l) => l.msg === msg && l.why === why).length;
const REJECTED = 'new supergraph rejected; keeping the current schema';
const RELOADED = 'supergraph reloaded';

async function ready(): Promise<boolean> {
  const res = await fetch(`${gateway.url}/readyz`);
  await res.arrayBuffer();
  return res.ok;
}

test('reloads on SIGHUP and on file change without a failed request, and keeps serving through a bad file', async () => {
  expect(await servesNewField()).toBe(false);
  const traffic = steadyTraffic();
  try {
    await until('traffic flows', () => traffic.ok >= 10);

    // (a) a new supergraph, announced with SIGHUP: the new field is served.
    writeSupergraph(CURRENT);
    process.kill(gateway.pid, 'SIGHUP');
    await until('the new field is served', servesNewField);
    expect(logged(RELOADED, 'SIGHUP') + logged(RELOADED, 'file changed')).toBe(1);

    // (b) a truncated file, seen by the watcher alone: rejected and logged, old schema kept.
    writeSupergraph(CURRENT.slice(0, Math.floor(CURRENT.length / 2)));
    await until('the watcher rejects the bad file', () => logged(REJECTED, 'file changed') === 1);
    // The same bad file again on SIGHUP: only the signal can cause this second attempt.
    process.kill(gateway.pid, 'SIGHUP');
    await until('SIGHUP re-reads the file', () => logged(REJECTED, 'SIGHUP') === 1);
    // Well-formed GraphQL that is no supergraph (a subgraph's SDL): rejected the same way.
    writeSupergraph(readFileSync(schemaFile('plugins.graphql'), 'utf8'));
    await until('the watcher rejects a subgraph SDL', () => logged(REJECTED, 'file changed') === 2);
    expect(await servesNewField()).toBe(true);
    expect(await ready()).toBe(true);

    // (c) back to the baseline, seen by the watcher: the field is gone again.
    const watcherReloads = logged(RELOADED, 'file changed');
    writeSupergraph(BASELINE);
    await until('the watcher swaps the schema back', async () => !(await servesNewField()));
    expect(logged(RELOADED, 'file changed')).toBe(watcherReloads + 1);
    const afterLastReload = traffic.ok;
    await until('traffic flows on the last schema', () => traffic.ok >= afterLastReload + 10);
  } finally {
    await traffic.stop();
  }
  expect(traffic.failures).toEqual([]);
  expect(await ready()).toBe(true);
});
