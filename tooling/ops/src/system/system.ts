import { statfs } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

/** Free and total bytes on the filesystem holding `dir` (the nearest existing parent when `dir` is missing). */
export async function diskSpace(dir: string): Promise<{ path: string; freeBytes: number; totalBytes: number }> {
  let probe = path.resolve(dir);
  for (;;) {
    try {
      const s = await statfs(probe);
      return { path: probe, freeBytes: s.bavail * s.bsize, totalBytes: s.blocks * s.bsize };
    } catch (error) {
      const parent = path.dirname(probe);
      if (parent === probe) throw error;
      probe = parent;
    }
  }
}

/** Memory and CPU figures from the os module; `loadPerCore` is null where the OS has no load average (Windows). */
export function machineSummary() {
  const cpus = os.cpus();
  const cores = os.availableParallelism?.() ?? cpus.length;
  const load = os.loadavg();
  const hasLoad = os.platform() !== 'win32';
  return {
    platform: os.platform(),
    release: os.release(),
    arch: os.arch(),
    cpuModel: cpus[0]?.model ?? 'unknown',
    cores,
    loadAverage: hasLoad ? load : null,
    loadPerCore: hasLoad ? (load[0] ?? 0) / Math.max(1, cores) : null,
    totalMemoryBytes: os.totalmem(),
    freeMemoryBytes: os.freemem(),
    uptimeS: Math.round(os.uptime()),
  };
}
