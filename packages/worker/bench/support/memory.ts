/** Highest RSS and V8 heap in use seen since the sampler started, in bytes. */
export interface MemoryPeak {
  rssBytes: number;
  heapUsedBytes: number;
}

export interface MemorySampler {
  /** Stops sampling and returns the peaks, including one last sample taken now. */
  stop(): MemoryPeak;
}

/**
 * Samples this process's memory on a timer. A timer cannot fire inside a long synchronous stretch, so a peak
 * reached and released between two samples is missed; every sample is taken while the work is suspended at an
 * await, which is where a streaming import holds its buffers.
 */
export function sampleMemory(intervalMs = 20): MemorySampler {
  const peak: MemoryPeak = { rssBytes: 0, heapUsedBytes: 0 };
  const sample = () => {
    const usage = process.memoryUsage();
    peak.rssBytes = Math.max(peak.rssBytes, usage.rss);
    peak.heapUsedBytes = Math.max(peak.heapUsedBytes, usage.heapUsed);
  };
  sample();
  const timer = setInterval(sample, intervalMs);
  timer.unref();
  return {
    stop: () => {
      clearInterval(timer);
      sample();
      return { ...peak };
    },
  };
}

export const mebibytes = (bytes: number) => bytes / 1_048_576;
