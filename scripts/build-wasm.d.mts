export function compileWat(path: string): Promise<string>
export function plainSimd(text: string): string
export function gemmVariants(path: string): Promise<Record<string, string>>
export function gemmModuleText(variants: Record<string, string>): string
export function fusedVariants(path: string): Promise<{ FUSED_SHARED: string; FUSED_UNSHARED: string }>
export function fusedModuleText(variants: Record<string, string>): string
