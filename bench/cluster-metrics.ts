// What the cluster benchmark reads besides the clock: the server's own `action` counter (the
// frontend counts billable Actions by action_type and namespace, on its Prometheus endpoint) and
// the CPU time of each process group (from /proc, so it covers PostgreSQL's backends too).
import { readdirSync, readFileSync } from 'node:fs';

/** action_type → count, for one namespace, from a Prometheus text page. */
export function parseActions(metrics: string, namespace: string): Map<string, number> {
  const totals = new Map<string, number>();
  for (const line of metrics.split('\n')) {
    // Tally's exporter names it `action`, OpenTelemetry's `action_total`.
    const m = /^action(?:_total)?\{([^}]*)\}\s+([0-9.eE+-]+)/.exec(line);
    if (!m) continue;
    const labels = Object.fromEntries([...m[1]!.matchAll(/(\w+)="([^"]*)"/g)].map((l) => [l[1]!, l[2]!]));
    if (labels.namespace !== namespace || !labels.action_type) continue;
    totals.set(labels.action_type, (totals.get(labels.action_type) ?? 0) + Number(m[2]));
  }
  return totals;
}

export async function scrapeActions(url: string, namespace: string): Promise<Map<string, number>> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`GET ${url}: ${res.status}`);
  return parseActions(await res.text(), namespace);
}

export function diffCounts(after: Map<string, number>, before: Map<string, number>): Map<string, number> {
  const diff = new Map<string, number>();
  for (const [k, v] of after) if (v - (before.get(k) ?? 0) > 0) diff.set(k, v - (before.get(k) ?? 0));
  return diff;
}

const TICKS_PER_SECOND = 100;

interface ProcStat {
  pid: number;
  ppid: number;
  /** utime + stime, in ticks */
  own: number;
  /** cutime + cstime: children that ended and were waited for */
  reaped: number;
}

function readStats(): ProcStat[] {
  const stats: ProcStat[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue;
    }
    // Fields after the command name (which may hold spaces) start with state, then ppid.
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    stats.push({ pid: Number(entry), ppid: Number(f[1]), own: Number(f[11]) + Number(f[12]), reaped: Number(f[13]) + Number(f[14]) });
  }
  return stats;
}

/**
 * user+system CPU seconds of a process and all its descendants, including those that already
 * ended. By process tree, not group: PostgreSQL's backends each start a session of their own.
 */
export function treeCpuSeconds(root: number): number {
  const stats = readStats();
  const children = new Map<number, ProcStat[]>();
  for (const s of stats) children.set(s.ppid, [...(children.get(s.ppid) ?? []), s]);
  const top = stats.find((s) => s.pid === root);
  if (!top) return 0;
  let ticks = top.reaped;
  const queue = [top];
  while (queue.length > 0) {
    const s = queue.pop()!;
    ticks += s.own;
    queue.push(...(children.get(s.pid) ?? []));
  }
  return ticks / TICKS_PER_SECOND;
}
