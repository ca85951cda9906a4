import type { InputHTMLAttributes } from 'react'

/** A label and its short input, side by side in a row of settings: a number unless `type` says otherwise. */
export function ShortInput({
  id,
  label,
  onValue,
  ...input
}: { id: string; label: string; onValue: (value: string) => void } & Omit<
  InputHTMLAttributes<HTMLInputElement>,
  'id' | 'onChange' | 'className'
>) {
  return (
    <>
      <label htmlFor={id}>{label}</label>
      <input id={id} type="number" {...input} onChange={(e) => onValue(e.target.value)} className="short" />
    </>
  )
}
