import { useState } from 'react'

/**
 * A text box whose value reaches `onCommit` only when it is text: while an input method composes (pinyin on
 * the way to 你好), keystrokes change the box but ask nothing of the model; the composed characters are
 * committed once, at compositionend. For boxes that send a request on every change (the probes).
 */
export function ComposedInput({
  id,
  className,
  placeholder,
  onCommit,
}: {
  id: string
  className?: string
  placeholder?: string
  onCommit: (value: string) => void
}) {
  const [draft, setDraft] = useState('')
  const [composing, setComposing] = useState(false)
  return (
    <input
      id={id}
      className={className}
      value={draft}
      placeholder={placeholder}
      onChange={(e) => {
        setDraft(e.target.value)
        if (!composing && !(e.nativeEvent as InputEvent).isComposing) onCommit(e.target.value)
      }}
      onCompositionStart={() => setComposing(true)}
      onCompositionEnd={(e) => {
        setComposing(false)
        onCommit((e.target as HTMLInputElement).value)
      }}
    />
  )
}
