export function satisfies(version: string, range: string): boolean
export function lowerBounds(range: string): string[]
export function promisedNode(dir?: URL): string
export function checkNode(): void
