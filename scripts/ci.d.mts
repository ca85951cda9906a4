export const isCI: boolean
