import { BackendPanel } from './components/BackendPanel'
import { DataPanel } from './components/DataPanel'
import { SettingsPanel } from './components/SettingsPanel'
import { TrainingPanel } from './components/TrainingPanel'
import { LossChart } from './components/LossChart'
import { GeneratePanel } from './components/GeneratePanel'
import { AttentionPanel } from './components/AttentionPanel'
import { ModelFilePanel } from './components/ModelFilePanel'
import { RunsPanel } from './components/RunsPanel'
import { PairsPanel } from './components/PairsPanel'
import { AboutPanel } from './components/AboutPanel'
import { PositionsPanel } from './components/PositionsPanel'
import { AtlasPanel } from './components/AtlasPanel'
import { EmbeddingPanel } from './components/EmbeddingPanel'
import { LensPanel } from './components/LensPanel'
import { QkvPanel } from './components/QkvPanel'
import { ExperimentPanel } from './components/ExperimentPanel'

export function App() {
  return (
    <div className="app">
      <header className="app-header">
        <h1>GPT Playground</h1>
        <p className="tagline">Train a small GPT on your own text, right here in the tab. Watch the loss fall, watch attention form, and talk to the model while it learns.</p>
        <BackendPanel />
      </header>
      <main className="columns">
        <div className="column">
          <DataPanel />
          <SettingsPanel />
          <ModelFilePanel />
          <RunsPanel />
          <AboutPanel />
        </div>
        <div className="column">
          <TrainingPanel />
          <LossChart />
          <GeneratePanel />
          <PairsPanel />
          <AttentionPanel />
          <AtlasPanel />
          <PositionsPanel />
          <EmbeddingPanel />
          <LensPanel />
          <QkvPanel />
          <ExperimentPanel />
        </div>
      </main>
      <footer className="app-footer">
        The model is nanoGPT's GPT (token + position embeddings, pre-LayerNorm blocks with causal self-attention and a GELU MLP, tied LM head, AdamW), running on TensorFlow.js in a Web Worker. Nothing leaves your browser.
      </footer>
    </div>
  )
}
