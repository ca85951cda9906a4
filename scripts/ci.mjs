// Whether this run is CI's: CI set to anything but empty, 0 or false (as CI services set it: CI=true).
export const isCI = Boolean(process.env.CI) && !/^(0|false)$/i.test(process.env.CI ?? '')
