// Bringing a view into sight, for the concept cards, the tour and lesson links (DOM only, no state).

/**
 * showView once the view is on the page: a lesson link names its view before React has rendered, and how long
 * the first render takes depends on the machine (two animation frames were not always enough under load).
 */
export function showViewWhenRendered(id: string, giveUpMs = 30_000) {
  if (document.getElementById(id)) return showView(id)
  const seen = new MutationObserver(() => {
    if (!document.getElementById(id)) return
    seen.disconnect()
    showView(id)
  })
  seen.observe(document.body, { childList: true, subtree: true })
  setTimeout(() => seen.disconnect(), giveUpMs)
}

/**
 * Brings the view a card (or a tour step) points at into sight, opening its <details> when `open` (its onToggle
 * starts the view's data, as a click would); the tour leaves opening to the learner when that is the task.
 * `id` is a heading's (views/registry.tsx): the Panel puts it on the <h2>, inside the <summary> when folded.
 */
export function showView(id: string, open = true) {
  const heading = document.getElementById(id)
  if (!heading) return
  // a view in a tab that is not chosen (views/MoreTabs.tsx): its tab is chosen first
  const tabPanel = heading.closest('[role="tabpanel"]')
  if (tabPanel?.hasAttribute('hidden')) document.getElementById(tabPanel.getAttribute('aria-labelledby') ?? '')?.click()
  const details = heading.closest('details')
  if (open && details && !details.open) details.open = true
  const section = heading.closest('section')
  // in a column of the first screen that scrolls by itself (the side panel), only that column moves: the control
  // bar, the diagram and the chart stay where they are; elsewhere (a phone's one column) the page scrolls
  const column = heading.closest<HTMLElement>('.stage-col')
  if (column && column.scrollHeight > column.clientHeight && getComputedStyle(column).overflowY !== 'visible') {
    const top = (section ?? heading).getBoundingClientRect().top - column.getBoundingClientRect().top
    // the running tour stays at the column's top (sticky): the view goes just below it
    const tour = column.querySelector<HTMLElement>('.tour.active')
    const below = tour && !tour.contains(heading) ? tour.getBoundingClientRect().height + 8 : 0
    column.scrollTo({ top: column.scrollTop + top - below })
  } else heading.scrollIntoView({ block: 'start' })
  section?.classList.add('flash')
  setTimeout(() => section?.classList.remove('flash'), 1200)
}
