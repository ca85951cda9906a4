// An error that carries a code and parameters besides its English message, so the page can say the problem in
// another language. The model file's, the safetensors reader's and the run store's errors are this, by name.
export class CodedError<Code extends string = string> extends Error {
  constructor(
    message: string,
    readonly code: Code,
    readonly params: Record<string, string | number> = {},
  ) {
    super(message)
  }
}
