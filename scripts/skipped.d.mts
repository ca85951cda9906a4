export function skippedIn(file: string): string[]
export function judgeSkips(stage: string, file: string, ci: boolean): { message?: string; fail: boolean }
