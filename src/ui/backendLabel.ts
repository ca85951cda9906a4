// The backend in a few words for the page's chip — where the model computes (CPU or GPU), the library's backend,
// and the GPU's maker — from the worker's report. The adapter's own string (ANGLE's, WebGPU's) stays in the
// full report, one click away.
import type { BackendReport } from '../shared/protocol'

/** Makers whose names are written in capitals or otherwise not as the adapter spells them. */
const MAKERS: Record<string, string> = {
  nvidia: 'NVIDIA',
  amd: 'AMD',
  ati: 'AMD',
  intel: 'Intel',
  apple: 'Apple',
  google: 'Google',
  qualcomm: 'Qualcomm',
  arm: 'Arm',
  microsoft: 'Microsoft',
  mesa: 'Mesa',
  imagination: 'Imagination',
  samsung: 'Samsung',
}

/**
 * The GPU's maker, from an adapter description: ANGLE's "ANGLE (NVIDIA, NVIDIA GeForce …)" names it first in
 * the parentheses, WebGPU's "nvidia ada-lovelace" first of all. '' when there is none to read.
 */
export function adapterVendor(description: string): string {
  const angle = /^ANGLE \(([^,()]+)/.exec(description.trim())
  const word = (angle ? angle[1] : description).trim().split(/[\s,]+/)[0] ?? ''
  if (!word) return ''
  const known = MAKERS[word.toLowerCase().replace(/[^a-z]/g, '')]
  return known ?? word.charAt(0).toUpperCase() + word.slice(1)
}

/** What the chip says, as the catalogue's `backendChip` takes it. */
export function chipParts(report: BackendReport): [backend: string, software: boolean, vendor: string] {
  const gpu = report.backend === 'webgpu' || report.backend === 'webgl'
  const software = gpu && (report.adapter?.software ?? false)
  return [report.backend, software, gpu && !software ? adapterVendor(report.adapter?.description ?? '') : '']
}
