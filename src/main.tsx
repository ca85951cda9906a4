import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { App } from './ui/App'
import { startWorker } from './ui/trainerClient'
import { useStore } from './ui/store'
import './ui/app.css'

startWorker()
// Read-only access for scripts/bench.mjs (timings come from the worker's own step clock, not from the DOM).
;(window as unknown as { __playgroundStore: typeof useStore }).__playgroundStore = useStore
createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
)
