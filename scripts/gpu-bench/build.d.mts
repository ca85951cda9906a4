// Types for build.mjs (the GPU bench's bundle), for src/model/gpuBench.test.ts.
export function buildBench(outDir?: string): Promise<string>
