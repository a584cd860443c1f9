/**
 * What each process costs, read from /proc (Linux): CPU time (utime+stime), current and peak RSS,
 * and the whole machine's busy time, so CPU used by processes we did not start shows up as noise.
 */
import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';

let ticksPerSecond: number | undefined;
function clockTicks(): number {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
}

/** CPU milliseconds (user + system) the process has used so far; NaN if it is gone. */
export function cpuMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name "(...)", which may itself hold spaces.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const utime = Number(fields[11]);
    const stime = Number(fields[12]);
    return ((utime + stime) * 1000) / clockTicks();
  } catch {
    return Number.NaN;
  }
}

/** VmRSS and VmHWM (peak RSS since start) in MB; NaN if the process is gone. */
export function memoryMb(pid: number): { rss: number; peak: number } {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN);
    return { rss: kb('VmRSS') / 1024, peak: kb('VmHWM') / 1024 };
  } catch {
    return { rss: Number.NaN, peak: Number.NaN };
  }
}

/** Busy and total CPU milliseconds of the whole machine, summed over all cores. */
export function machineCpuMs(): { busy: number; total: number } {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0];
  const [user, nice, system, idle, iowait, irq, softirq, steal] = line.split(/\s+/).slice(1).map(Number);
  const ms = (t: number) => (t * 1000) / clockTicks();
  const busy = user + nice + system + irq + softirq + steal;
  return { busy: ms(busy), total: ms(busy + idle + iowait) };
}

/** Samples RSS of some processes every `everyMs` until stopped; returns the peak seen per pid. */
export function sampleRss(pids: number[], everyMs = 250): { stop(): Record<number, number> } {
  const peak: Record<number, number> = {};
  const take = () => {
    for (const pid of pids) {
      const { rss } = memoryMb(pid);
      if (Number.isFinite(rss)) peak[pid] = Math.max(peak[pid] ?? 0, rss);
    }
  };
  take();
  const timer = setInterval(take, everyMs);
  return {
    stop() {
      clearInterval(timer);
      take();
      return peak;
    },
  };
}
