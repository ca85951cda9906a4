// TextEncoder and TextDecoder exist in every place this code runs (browsers, workers, Node), but the core
// projects compile without the DOM library: these are the parts of them the shared and model files use.
declare class TextEncoder {
  encode(input?: string): Uint8Array
}
declare class TextDecoder {
  constructor(label?: string, options?: { fatal?: boolean })
  decode(input?: Uint8Array, options?: { stream?: boolean }): string
}
