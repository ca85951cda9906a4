// An error that carries a code and parameters besides its English message, so the page can say the problem in
// another language. The model file's, the safetensors reader's and the run store's errors are this, by name;
// their codes are rows of src/shared/problems.ts, so a throw with an unknown code or a missing parameter does
// not compile.
import type { Coded, ProblemCode, ProblemParams } from './problems'

export class CodedError<C extends ProblemCode = ProblemCode> extends Error {
  readonly params: ProblemParams<C>
  constructor(
    message: string,
    readonly code: C,
    ...params: [keyof ProblemParams<C>] extends [string] ? [ProblemParams<C>?] : [ProblemParams<C>]
  ) {
    super(message)
    this.params = params[0] ?? ({} as ProblemParams<C>)
  }

  /** The code with its parameters, as a problem carries them. */
  coded(): Coded<C> {
    return { code: this.code, params: this.params } as Coded<C>
  }
}
