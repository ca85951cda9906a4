// The Chinese catalogue as a chunk of its own: index.ts's loadCatalogue imports it when Chinese is first needed.
// In a build, messages.ts is imported here as a module of its own (vite.config.ts, catalogueChunks), so this
// chunk keeps only the Chinese half.
export { zhCN as messages } from './messages'
