// Bringing a view into sight, for the concept cards, the tour and lesson links (DOM only, no state).

/**
 * Brings the view a card (or a tour step) points at into sight, opening its <details> when `open` (its onToggle
 * starts the view's data, as a click would); the tour leaves opening to the learner when that is the task.
 */
export function showView(id: string, open = true) {
  const heading = document.getElementById(id)
  if (!heading) return
  const details = heading.closest('details')
  if (open && details && !details.open) details.open = true
  heading.scrollIntoView({ block: 'start' })
  const section = heading.closest('section')
  section?.classList.add('flash')
  setTimeout(() => section?.classList.remove('flash'), 1200)
}
