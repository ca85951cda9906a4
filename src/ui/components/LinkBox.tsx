/** A link made to be copied: read-only, selected whole when focused. */
export function LinkBox({ label, value, testId }: { label: string; value: string; testId?: string }) {
  return (
    <input
      className="grow"
      readOnly
      aria-label={label}
      value={value}
      onFocus={(e) => e.target.select()}
      data-testid={testId}
    />
  )
}
