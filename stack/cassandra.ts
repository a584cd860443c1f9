/**
 * A single-node Apache Cassandra 5.0 for dev and tests, run straight from the Maven Central jars
 * in `.cache/cassandra/lib` (fetched by `stack/cassandra/fetch.sh`) on JDK 17: no Docker, no
 * tarball, loopback only.
 *
 *   const cassandra = await startCassandra({ dataDir: '.run/cassandra-test', nativePort: 19042, storagePort: 17000, fast: true });
 *   new cassandraDriver.Client({ contactPoints: [cassandra.contactPoint], localDataCenter: cassandra.localDataCenter });
 *   await cassandra.stop();   // SIGTERM: Cassandra drains (flushes memtables) and exits
 *
 * Stopping and starting again on the same dataDir keeps the data (stop() sends SIGTERM and
 * Cassandra drains). Without `fast`, a SIGKILL of the JVM lost no acknowledged write when
 * tried (commit log replay; a machine crash may lose the last 10 s, commitlog_sync_period);
 * with `fast`, a SIGKILL loses everything since the last clean stop (see `fast`).
 *
 * CLI: `npx tsx stack/cassandra.ts --data .run/cassandra --port 9042 [--storage-port 7000]
 *       [--heap 768] [--log FILE] [--fast]` runs in the foreground until Ctrl-C.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, readlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Client } from 'cassandra-driver';
import { portOpen, spawnService, type ManagedService } from './lib/process';

/** Where fetch.sh puts the jars, relative to the repository root. */
export const CASSANDRA_LIB_DIR = '.cache/cassandra/lib';
/** The data center SimpleSnitch reports; the driver's `localDataCenter`. */
export const LOCAL_DATACENTER = 'datacenter1';
export const DEFAULT_NATIVE_PORT = 9042;
export const DEFAULT_STORAGE_PORT = 7000;
export const DEFAULT_HEAP_MB = 768;
const READY_TIMEOUT_MS = 180_000;
/** Drain on SIGTERM flushes every memtable; give it time before SIGKILL. */
const STOP_GRACE_MS = 60_000;

export interface StartCassandraOptions {
  /** Cassandra's storage dir (data, commitlog, hints, saved_caches) plus conf/ and logs/. */
  dataDir: string;
  /** CQL port (default 9042). */
  nativePort?: number;
  /** Inter-node port (default 7000); must differ between instances running side by side. */
  storagePort?: number;
  /** Max heap in MB (default 768). */
  heapMb?: number;
  /** The JVM's stdout/stderr (WARN and up, plus anything the JVM prints) are appended here;
   *  Cassandra's own INFO log, system.log, goes to the same directory.
   *  Default: <dataDir>/logs/stdout.log. */
  logFile?: string;
  /** Test-only speedups: no fsync at all (-Dcassandra.skip_sync), schema changes neither
   *  flushed nor written to the commit log (-Dcassandra.unsafesystem): DDL and TRUNCATE are
   *  ~4x faster. Data survives stop() and a restart (stop drains), but NOT a SIGKILL: after a
   *  kill -9 the keyspaces/tables created since the last clean stop are gone, and with them
   *  their rows. */
  fast?: boolean;
}

export interface CassandraService extends ManagedService {
  /** `127.0.0.1:<nativePort>`, usable as is in the driver's `contactPoints`. */
  readonly contactPoint: string;
  readonly nativePort: number;
  readonly storagePort: number;
  readonly localDataCenter: string;
  readonly dataDir: string;
  /** Cassandra's system.log. */
  readonly systemLog: string;
  /** Milliseconds from spawn to the first successful CQL query. */
  readonly startupMs: number;
}

/** The repository root: the nearest ancestor of this file holding stack/cassandra/pom.xml
 *  (works from the sources and from a compiled dist/ tree). */
export function repoRoot(): string {
  let dir = __dirname;
  while (true) {
    if (existsSync(join(dir, 'stack', 'cassandra', 'pom.xml'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`cannot find the repository root (stack/cassandra/pom.xml) above ${__dirname}`);
    dir = parent;
  }
}

/** The Cassandra version the pom pins (stack/cassandra/pom.xml, <cassandra.version>). */
export function cassandraVersion(): string {
  const pom = readFileSync(join(repoRoot(), 'stack', 'cassandra', 'pom.xml'), 'utf8');
  const m = /<cassandra\.version>\s*([^<\s]+)\s*<\/cassandra\.version>/.exec(pom);
  if (!m) throw new Error('stack/cassandra/pom.xml has no <cassandra.version>');
  return m[1]!;
}

/** Absolute path of the jar cache. */
export function cassandraLibDir(): string {
  return join(repoRoot(), CASSANDRA_LIB_DIR);
}

/** True when fetch.sh has completed (it moves the folder into place only when complete). */
export function cassandraLibReady(): boolean {
  return existsSync(join(cassandraLibDir(), `cassandra-all-${cassandraVersion()}.jar`));
}

/** JDK 17 module flags, from Cassandra 5.0's conf/jvm17-server.options. */
const JDK17_MODULE_FLAGS: string[] = [
  ['java.base/jdk.internal.misc', 'java.management.rmi/com.sun.jmx.remote.internal.rmi', 'java.rmi/sun.rmi.registry',
    'java.rmi/sun.rmi.server', 'java.sql/java.sql', 'java.base/java.lang.ref', 'jdk.unsupported/sun.misc',
    'jdk.compiler/com.sun.tools.javac.file', 'jdk.attach/sun.tools.attach'].map((p) => `--add-exports=${p}=ALL-UNNAMED`),
  ['java.base/java.lang.module', 'java.base/jdk.internal.loader', 'java.base/jdk.internal.ref',
    'java.base/jdk.internal.reflect', 'java.base/jdk.internal.math', 'java.base/jdk.internal.module',
    'java.base/jdk.internal.util.jar', 'jdk.management/com.sun.management.internal', 'java.base/sun.nio.ch',
    'java.base/java.io', 'java.base/java.lang.reflect', 'jdk.compiler/com.sun.tools.javac', 'java.base/java.lang',
    'java.base/java.util', 'java.base/java.nio'].map((p) => `--add-opens=${p}=ALL-UNNAMED`),
].flat();

/** `$JAVA_HOME/bin/java` when JAVA_HOME is set, else `java` from PATH; throws unless it is 17+. */
export function findJava(): { command: string; major: number } {
  const javaHome = process.env.JAVA_HOME;
  const command = javaHome ? join(javaHome, 'bin', 'java') : 'java';
  const where = javaHome ? `JAVA_HOME=${javaHome}` : 'PATH';
  const r = spawnSync(command, ['-version'], { encoding: 'utf8' });
  if (r.error) {
    throw new Error(`Cassandra needs a JDK 17 and no java was found (${command} from ${where}: ${r.error.message}). ` +
      'Install one (apt-get install openjdk-17-jdk-headless) or set JAVA_HOME.');
  }
  const out = `${r.stderr}${r.stdout}`;
  const m = /version "(\d+)(?:\.(\d+))?/.exec(out);
  if (!m) throw new Error(`cannot tell the version of ${command} (from ${where}); it printed: ${out.trim()}`);
  const major = m[1] === '1' ? Number(m[2]) : Number(m[1]);
  if (major < 17) {
    throw new Error(`Cassandra ${cassandraVersion()} is run here on JDK 17, but ${command} (from ${where}) is Java ${major}. ` +
      'Install JDK 17 or point JAVA_HOME at one.');
  }
  return { command, major };
}

export async function startCassandra(opts: StartCassandraOptions): Promise<CassandraService> {
  const nativePort = opts.nativePort ?? DEFAULT_NATIVE_PORT;
  const storagePort = opts.storagePort ?? DEFAULT_STORAGE_PORT;
  const heapMb = opts.heapMb ?? DEFAULT_HEAP_MB;
  if (nativePort === storagePort) throw new Error(`Cassandra nativePort and storagePort must differ (both ${nativePort})`);
  if (!Number.isInteger(heapMb) || heapMb < 256) throw new Error(`Cassandra heapMb must be an integer >= 256 (got ${heapMb})`);

  const root = repoRoot();
  const version = cassandraVersion();
  if (!cassandraLibReady()) {
    throw new Error(`Cassandra ${version} jars are not in ${CASSANDRA_LIB_DIR}; run stack/cassandra/fetch.sh first ` +
      '(one Maven download from Central).');
  }
  const java = findJava();
  if (java.major > 17) {
    process.stderr.write(`warning: Cassandra ${version} supports JDK 11 and 17; running it on Java ${java.major}.\n`);
  }

  const dataDir = resolve(opts.dataDir);
  const logFile = resolve(opts.logFile ?? join(dataDir, 'logs', 'stdout.log'));
  const logDir = dirname(logFile);
  const confDir = join(dataDir, 'conf');
  mkdirSync(confDir, { recursive: true });
  mkdirSync(logDir, { recursive: true });

  // Refuse to start a second JVM on the same data, or beside a leftover (e.g. an orphan of a
  // crashed test run) holding one of our ports: the readiness probe would answer for it.
  const sameDir = cassandraProcesses().find((p) => p.storageDir === dataDir);
  if (sameDir) {
    throw new Error(`a Cassandra (pid ${sameDir.pid}) is already running on ${dataDir}; stop it first (kill ${sameDir.pid})`);
  }
  for (const [what, port] of [['native (CQL)', nativePort], ['storage', storagePort]] as const) {
    if (await portOpen(port)) {
      throw new Error(`Cassandra ${what} port 127.0.0.1:${port} is already in use by ${describeListener(port)}; ` +
        'stop it (a leftover from an earlier run?) or choose other ports');
    }
  }

  const yaml = fillTemplate(readFileSync(join(root, 'stack', 'cassandra', 'cassandra.yaml'), 'utf8'), {
    CLUSTER_NAME: `jtm-local-${nativePort}`,
    NATIVE_PORT: String(nativePort),
    STORAGE_PORT: String(storagePort),
  });
  const yamlFile = join(confDir, 'cassandra.yaml');
  writeFileSync(yamlFile, yaml);

  const args = [
    `-Xms${Math.min(256, heapMb)}m`,
    `-Xmx${heapMb}m`,
    '-Xss256k',
    '-XX:+UseG1GC',
    '-XX:+ParallelRefProcEnabled',
    '-XX:MaxTenuringThreshold=1',
    '-XX:MaxGCPauseMillis=300',
    '-XX:+UseThreadPriorities',
    '-XX:+PerfDisableSharedMem',
    '-XX:+ExitOnOutOfMemoryError',
    '-ea',
    '-da:net.openhft...',
    ...JDK17_MODULE_FLAGS,
    '-Djdk.attach.allowAttachSelf=true',
    '-Djava.net.preferIPv4Stack=true',
    '-Dio.netty.tryReflectionSetAccessible=true',
    '-Dio.netty.allocator.useCacheForAllThreads=true',
    '-Dio.netty.allocator.maxOrder=11',
    `-Dcassandra.config=${pathToFileURL(yamlFile).href}`,
    '-Dcassandra-foreground=yes',
    `-Dcassandra.storagedir=${dataDir}`,
    `-Dcassandra.logdir=${logDir}`,
    `-Dlogback.configurationFile=${pathToFileURL(join(root, 'stack', 'cassandra', 'logback.xml')).href}`,
    // A one-node ring: nobody to wait for at startup, nobody to tell at shutdown.
    '-Dcassandra.skip_wait_for_gossip_to_settle=0',
    '-Dcassandra.shutdown_announce_in_ms=0',
    // Tests: no fsync, no system-table flushes, no 2 s messaging quiesce on stop.
    ...(opts.fast
      ? ['-Dcassandra.skip_sync=true', '-Dcassandra.unsafesystem=true', '-Dcassandra.test.messagingService.nonGracefulShutdown=true']
      : []),
    // Extra JVM flags for experiments, e.g. CASSANDRA_JVM_OPTS='-XX:+UnlockDiagnosticVMOptions ...'.
    ...(process.env.CASSANDRA_JVM_OPTS ?? '').split(/\s+/).filter(Boolean),
    '-cp', `${join(root, CASSANDRA_LIB_DIR)}/*`,
    'org.apache.cassandra.service.CassandraDaemon',
  ];

  const launcher = withoutMemlock([java.command, ...args]);
  const started = Date.now();
  let service: ManagedService;
  try {
    service = await spawnService({
      name: `cassandra:${nativePort}`,
      command: launcher[0]!,
      args: launcher.slice(1),
      cwd: dataDir,
      logFile,
      ready: () => cqlReady(nativePort),
      readyTimeoutMs: READY_TIMEOUT_MS,
    });
  } catch (err) {
    const tail = logTail(join(logDir, 'system.log')) || logTail(logFile);
    throw new Error(`${(err as Error).message}${tail ? `\nlast lines of the log:\n${tail}` : ''}`);
  }
  const startupMs = Date.now() - started;

  // A Cassandra we started must not outlive this process when it exits normally
  // (e.g. a test runner that forgot to stop it).
  const pid = service.pid;
  const killOnExit = (): void => {
    if (pid === undefined) return;
    try { process.kill(-pid, 'SIGKILL'); } catch { /* already gone */ }
  };
  process.once('exit', killOnExit);
  void service.exited.then(() => process.removeListener('exit', killOnExit));

  return {
    name: service.name,
    pid: service.pid,
    exited: service.exited,
    stop: (graceMs = STOP_GRACE_MS) => service.stop(graceMs),
    contactPoint: `127.0.0.1:${nativePort}`,
    nativePort,
    storagePort,
    localDataCenter: LOCAL_DATACENTER,
    dataDir,
    systemLog: join(logDir, 'system.log'),
    startupMs,
  };
}

/**
 * Run as root, Cassandra mlockall()s the JVM: every page mapped at that moment (the initial heap,
 * the class archive, mapped jars) stays resident, about 220 MB more RSS at idle (measured: 650 MB
 * instead of 430 MB). On a dev machine or CI box without swap that buys nothing, so when we are
 * root and `setpriv` may drop CAP_IPC_LOCK, the JVM is started without it; mlockall then fails
 * with ENOMEM and Cassandra logs one WARN and carries on. Non-root users are unaffected (their
 * RLIMIT_MEMLOCK already makes mlockall fail the same way).
 */
function withoutMemlock(command: string[]): string[] {
  if (process.getuid?.() !== 0) return command;
  const flags = ['--bounding-set=-ipc_lock', '--inh-caps=-ipc_lock'];
  const probe = spawnSync('setpriv', [...flags, 'true'], { stdio: 'ignore' });
  return probe.status === 0 ? ['setpriv', ...flags, ...command] : command;
}

/** Ready = the native port answers a real CQL query. */
async function cqlReady(nativePort: number): Promise<boolean> {
  if (!(await portOpen(nativePort))) return false;
  const client = new Client({
    contactPoints: [`127.0.0.1:${nativePort}`],
    localDataCenter: LOCAL_DATACENTER,
    socketOptions: { connectTimeout: 3_000, readTimeout: 5_000 },
  });
  try {
    const rs = await client.execute('SELECT release_version FROM system.local');
    return rs.rows.length === 1;
  } catch {
    return false;
  } finally {
    await client.shutdown().catch(() => undefined);
  }
}

function fillTemplate(template: string, values: Record<string, string>): string {
  const out = template.replace(/\{\{([A-Z_]+)\}\}/g, (whole, key: string) => {
    const v = values[key];
    if (v === undefined) throw new Error(`stack/cassandra/cassandra.yaml: no value for ${whole}`);
    return v;
  });
  return out;
}

function logTail(file: string, lines = 25): string {
  try {
    const all = readFileSync(file, 'utf8').trimEnd().split('\n');
    // Prefer errors and warnings; fall back to the last lines.
    const bad = all.filter((l) => /^(ERROR|WARN)|Exception|Error:/.test(l));
    return (bad.length ? bad : all).slice(-lines).join('\n');
  } catch {
    return '';
  }
}

interface JavaProcess { pid: number; cmdline: string[]; storageDir?: string }

/** CassandraDaemon JVMs visible in /proc (Linux; empty elsewhere). */
function cassandraProcesses(): JavaProcess[] {
  const found: JavaProcess[] = [];
  let entries: string[];
  try { entries = readdirSync('/proc'); } catch { return found; }
  for (const e of entries) {
    if (!/^\d+$/.test(e)) continue;
    let cmdline: string[];
    try { cmdline = readFileSync(`/proc/${e}/cmdline`, 'utf8').split('\0'); } catch { continue; }
    if (!cmdline.includes('org.apache.cassandra.service.CassandraDaemon')) continue;
    const sd = cmdline.find((a) => a.startsWith('-Dcassandra.storagedir='));
    found.push({ pid: Number(e), cmdline, storageDir: sd?.slice('-Dcassandra.storagedir='.length) });
  }
  return found;
}

/** "pid N (Cassandra on /dir)" for whoever listens on 127.0.0.1:port, as far as /proc tells. */
function describeListener(port: number): string {
  try {
    const inodes = new Set<string>();
    for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
      let text: string;
      try { text = readFileSync(table, 'utf8'); } catch { continue; }
      for (const line of text.split('\n').slice(1)) {
        const f = line.trim().split(/\s+/);
        if (f.length < 10 || f[3] !== '0A') continue; // 0A = LISTEN
        const localPort = parseInt(f[1]!.split(':')[1]!, 16);
        if (localPort === port) inodes.add(f[9]!);
      }
    }
    if (inodes.size === 0) return 'another process';
    for (const e of readdirSync('/proc')) {
      if (!/^\d+$/.test(e)) continue;
      let fds: string[];
      try { fds = readdirSync(`/proc/${e}/fd`); } catch { continue; }
      for (const fd of fds) {
        let target: string;
        try { target = readlinkSync(`/proc/${e}/fd/${fd}`); } catch { continue; }
        const m = /^socket:\[(\d+)\]$/.exec(target);
        if (m && inodes.has(m[1]!)) {
          const c = cassandraProcesses().find((p) => p.pid === Number(e));
          if (c) return `pid ${e} (a Cassandra on ${c.storageDir ?? 'an unknown dir'}; kill ${e})`;
          let comm = '';
          try { comm = readFileSync(`/proc/${e}/comm`, 'utf8').trim(); } catch { /* gone */ }
          return `pid ${e}${comm ? ` (${comm})` : ''}`;
        }
      }
    }
  } catch { /* best effort */ }
  return 'another process';
}

// ---- CLI ----------------------------------------------------------------------------------

function parseArgs(argv: string[]): StartCassandraOptions {
  const opts: StartCassandraOptions = { dataDir: '.run/cassandra' };
  const num = (flag: string, v: string | undefined): number => {
    const n = Number(v);
    if (v === undefined || !Number.isInteger(n) || n <= 0) throw new Error(`${flag} needs a positive integer`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    switch (a) {
      case '--data': opts.dataDir = argv[++i] ?? ''; break;
      case '--port': opts.nativePort = num(a, argv[++i]); break;
      case '--storage-port': opts.storagePort = num(a, argv[++i]); break;
      case '--heap': opts.heapMb = num(a, argv[++i]); break;
      case '--log': opts.logFile = argv[++i]; break;
      case '--fast': opts.fast = true; break;
      case '-h': case '--help':
        process.stdout.write('usage: npx tsx stack/cassandra.ts [--data DIR] [--port 9042] [--storage-port 7000] ' +
          '[--heap MB] [--log FILE] [--fast]\n');
        process.exit(0);
        break;
      default: throw new Error(`unknown argument ${a} (try --help)`);
    }
  }
  if (!opts.dataDir) throw new Error('--data needs a directory');
  return opts;
}

async function main(): Promise<void> {
  const opts = parseArgs(process.argv.slice(2));
  if (!cassandraLibReady()) {
    const r = spawnSync('bash', [join(repoRoot(), 'stack', 'cassandra', 'fetch.sh')], { stdio: 'inherit' });
    if (r.status !== 0) throw new Error('stack/cassandra/fetch.sh failed');
  }
  const port = opts.nativePort ?? DEFAULT_NATIVE_PORT;
  process.stdout.write(`Starting Cassandra ${cassandraVersion()} on 127.0.0.1:${port} (data ${resolve(opts.dataDir)}) ...\n`);

  // Ctrl-C during startup: spawnService has not handed us the process yet, so end its group
  // through /proc (it is the CassandraDaemon on our data dir).
  let service: CassandraService | undefined;
  let stopping = false;
  const onSignal = (sig: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    if (service) {
      process.stdout.write(`\n${sig}: stopping Cassandra (draining) ...\n`);
      const t0 = Date.now();
      void service.stop().then(() => {
        process.stdout.write(`Cassandra stopped in ${((Date.now() - t0) / 1000).toFixed(1)} s.\n`);
        process.exit(0);
      });
    } else {
      const dir = resolve(opts.dataDir);
      for (const p of cassandraProcesses().filter((c) => c.storageDir === dir)) {
        try { process.kill(-p.pid, 'SIGTERM'); } catch { try { process.kill(p.pid, 'SIGTERM'); } catch { /* gone */ } }
      }
      process.stdout.write(`\n${sig} during startup: Cassandra stopped.\n`);
      process.exit(130);
    }
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  service = await startCassandra(opts);
  process.stdout.write(`Cassandra ready on ${service.contactPoint} (pid ${service.pid}, local DC ${service.localDataCenter}) ` +
    `in ${(service.startupMs / 1000).toFixed(1)} s. Log: ${service.systemLog}. Ctrl-C stops it.\n`);
  const code = await service.exited;
  if (!stopping) {
    process.stderr.write(`Cassandra exited on its own (code ${code}); see ${service.systemLog}\n`);
    process.exit(1);
  }
}

if (require.main === module) {
  main().catch((err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
