/** Model registry: what is in the models folder, read without loading. */
export {
  scanModels,
  modelIdFromFile,
  describeGguf,
  parseSizeLabel,
  ggufProblem,
  LLAMA_CPP_PROVIDER_ID,
  type ScannedModel,
} from './scan-models.js';
