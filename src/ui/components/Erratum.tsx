import { useT } from '../i18n'

/** "A correction to the tutorial: …" — where a card or a tour step meets one of the tutorial's wrong claims. */
export function Erratum({ text, testId }: { text?: string; testId: string }) {
  const t = useT()
  if (!text) return null
  return (
    <p data-testid={testId}>
      <strong>
        {t.erratum}
        {t.colon}
      </strong>
      {text}
    </p>
  )
}
