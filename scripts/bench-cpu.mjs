// Where the machine's CPU time went during a bench run: every thread of this process's descendants (the
// browser, its renderer — the page's main thread and the training worker —, its GPU process, the preview
// server), read from /proc (Linux; elsewhere the sampler returns null). Threads are grouped by process kind
// (Chromium's --type, else the command) and thread name, so "renderer · DedicatedWorker" is the training worker
// and "renderer · chromium" the page's main thread.
import { readFileSync, readdirSync } from 'node:fs'

const TICK_MS = 10 // USER_HZ is 100 on Linux

function readStat(path) {
  // pid (comm) state ppid … utime stime: comm may hold spaces and parentheses, so split after the last ')'
  const s = readFileSync(path, 'utf8')
  const close = s.lastIndexOf(')')
  const comm = s.slice(s.indexOf('(') + 1, close)
  const f = s.slice(close + 2).split(' ')
  return { comm, ppid: Number(f[1]), cpuMs: (Number(f[11]) + Number(f[12])) * TICK_MS }
}

function descendants(root) {
  const children = new Map()
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue
    try {
      const { ppid } = readStat(`/proc/${d}/stat`)
      if (!children.has(ppid)) children.set(ppid, [])
      children.get(ppid).push(Number(d))
    } catch {
      /* gone meanwhile */
    }
  }
  const out = []
  const todo = [...(children.get(root) ?? [])]
  while (todo.length) {
    const pid = todo.pop()
    out.push(pid)
    todo.push(...(children.get(pid) ?? []))
  }
  return out
}

function kindOf(pid) {
  // Chromium rewrites its process title with spaces between the arguments
  const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split(/[\0 ]/)
  const type = cmd.find((a) => a.startsWith('--type='))?.slice(7)
  if (type)
    return type === 'utility'
      ? `utility ${cmd.find((a) => a.startsWith('--utility-sub-type='))?.slice(19) ?? ''}`.trim()
      : type
  const exe = (cmd[0] ?? '').split('/').at(-1)
  return /chrom/.test(exe) ? 'browser' : exe
}

/** CPU ms per "kind · thread" (threads of one name summed), keyed per thread id so a thread's start is kept. */
function snapshot() {
  const threads = new Map()
  for (const pid of descendants(process.pid)) {
    try {
      const kind = kindOf(pid)
      for (const tid of readdirSync(`/proc/${pid}/task`)) {
        const { comm, cpuMs } = readStat(`/proc/${pid}/task/${tid}/stat`)
        threads.set(`${pid}/${tid}`, { name: `${kind} · ${comm}`, cpuMs })
      }
    } catch {
      /* gone meanwhile */
    }
  }
  return threads
}

/** The whole machine's busy CPU ms so far (all cores, every process: other users of the machine included). */
function machineBusyMs() {
  const f = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number)
  const [user, nice, system, , , irq, softirq, steal] = f
  return (user + nice + system + irq + softirq + steal) * TICK_MS
}

/**
 * start() now; stop() later returns the CPU ms each kind · thread used in between (largest first), their total,
 * and the busy CPU ms of everything else on the machine in the same time.
 */
export function cpuSampler() {
  try {
    readdirSync('/proc/self/task')
  } catch {
    return null
  }
  let before
  let busyBefore
  return {
    start() {
      before = snapshot()
      busyBefore = machineBusyMs()
    },
    /** Since start(): [this run's CPU ms, the rest of the machine's busy CPU ms] (for a series over the run). */
    sample() {
      let ours = 0
      for (const [key, t] of snapshot()) ours += Math.max(0, t.cpuMs - (before.get(key)?.cpuMs ?? 0))
      return [ours, Math.max(0, machineBusyMs() - busyBefore - ours)]
    },
    stop() {
      const byName = new Map()
      for (const [key, t] of snapshot()) {
        const used = t.cpuMs - (before.get(key)?.cpuMs ?? 0)
        if (used > 0) byName.set(t.name, (byName.get(t.name) ?? 0) + used)
      }
      const rows = [...byName].sort((a, b) => b[1] - a[1])
      const totalMs = rows.reduce((a, [, ms]) => a + ms, 0)
      // what else the machine did meanwhile: other processes competing for the same cores
      return { totalMs, othersMs: Math.max(0, machineBusyMs() - busyBefore - totalMs), threads: rows }
    },
  }
}
