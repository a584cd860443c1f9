/**
 * The load generator, in its own process (forked by load.ts) so its CPU is measured apart and
 * it does not share an event loop with the Auth0 stand-in and the Stripe recorder. Closed loop:
 * autocannon keeps `connections` requests in flight, each answered request starts the next one,
 * rotating over many users so no gateway can get by with one cached token.
 */
import { randomBytes } from 'node:crypto';
import { parseSigningKeys, signIdentity, type SigningKey } from '../common/identity';
import { summarize } from './stats';
import { workloads, type Caller, type W1Mode, type Workload, type WorkloadId, type TargetKind } from './workloads';

// autocannon ships no types; this is the part used here.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const autocannon = require('autocannon') as (opts: Record<string, unknown>) => AutocannonInstance;
interface AutocannonInstance {
  on(event: 'response', fn: (client: unknown, status: number, bytes: number, ms: number) => void): void;
  on(event: 'done', fn: (result: AutocannonResult) => void): void;
  on(event: 'error', fn: (err: Error) => void): void;
}
interface AutocannonResult { errors: number; timeouts: number; non2xx: number; duration: number; resets: number }

export interface InitMessage { type: 'init'; users: Array<{ sub: string; token: string }>; identityKeys: string; w1Mode: W1Mode }
export interface RunMessage { type: 'run'; id: number; workload: WorkloadId; kind: TargetKind; url: string; connections: number; durationSec: number; validateEvery: number }
export interface RunResult {
  type: 'result';
  id: number;
  responses: number;
  elapsedSec: number;
  rps: number;
  latencyMs: ReturnType<typeof summarize>;
  non2xx: number;
  socketErrors: number;
  timeouts: number;
  badBodies: number;
  validated: number;
  firstProblem?: string;
}

let callers: Caller[] = [];
let key: SigningKey | undefined;
let w1Mode: W1Mode = 'catalog';
const runTag = randomBytes(4).toString('hex');
let sequence = 0;

async function refreshAssertions(): Promise<void> {
  if (!key) return;
  for (const caller of callers) caller.assertion = await signIdentity({ clientId: caller.sub, scopes: ['create:payment_intent'] }, key);
}

function run(msg: RunMessage): Promise<RunResult> {
  const workload: Workload = workloads(w1Mode)[msg.workload];
  const latencies: number[] = [];
  let responses = 0;
  let badBodies = 0;
  let validated = 0;
  let firstProblem: string | undefined;
  let next = 0;
  return new Promise((resolve, reject) => {
    const instance = autocannon({
      url: msg.url,
      connections: msg.connections,
      pipelining: 1,
      duration: msg.durationSec,
      timeout: 10,
      requests: [{
        method: 'POST',
        setupRequest: (req: Record<string, unknown>) => {
          const caller = callers[next++ % callers.length];
          const call = workload.request(msg.kind, caller, `bench-${runTag}-${++sequence}`);
          return { ...req, method: 'POST', path: call.path, headers: call.headers, body: call.body };
        },
        onResponse: (status: number, body: string) => {
          responses++;
          let problem: string | undefined;
          if (!workload.quickCheck(status, body)) problem = `HTTP ${status}: ${String(body).slice(0, 300)}`;
          else if (msg.validateEvery > 0 && responses % msg.validateEvery === 0) {
            validated++;
            problem = workload.validate(msg.kind, status, body);
          }
          if (problem) {
            badBodies++;
            firstProblem ??= problem;
          }
        },
      }],
    });
    instance.on('response', (_client, _status, _bytes, ms) => latencies.push(ms));
    instance.on('error', reject);
    instance.on('done', (result) => {
      const elapsedSec = result.duration;
      resolve({
        type: 'result',
        id: msg.id,
        responses: latencies.length,
        elapsedSec,
        rps: latencies.length / elapsedSec,
        latencyMs: summarize(latencies),
        non2xx: result.non2xx,
        socketErrors: result.errors,
        timeouts: result.timeouts,
        badBodies,
        validated,
        firstProblem,
      });
    });
  });
}

process.on('message', (msg: InitMessage | RunMessage) => {
  if (msg.type === 'init') {
    callers = msg.users.map((u) => ({ ...u }));
    key = parseSigningKeys(msg.identityKeys)[0];
    w1Mode = msg.w1Mode;
    // Assertions live 60 s: re-sign every 20 s so direct calls always carry a valid one.
    refreshAssertions().then(() => process.send?.({ type: 'ready' }));
    setInterval(() => void refreshAssertions(), 20_000).unref();
    return;
  }
  run(msg).then(
    (result) => process.send?.(result),
    (err: Error) => process.send?.({ type: 'error', id: msg.id, message: err.message }),
  );
});
process.on('disconnect', () => process.exit(0));
