/** Model registry: what is in the models folder, read without loading. */
export {
  scanModels,
  modelIdFromFile,
  parseSizeLabel,
  LLAMA_CPP_PROVIDER_ID,
  type ScannedModel,
} from './scan-models.js';
export {
  readGgufHeader,
  describeHeader,
  headerProblem,
  GgufFormatError,
  type GgufHeader,
  type GgufTensor,
  type GgufValue,
} from './gguf-header/index.js';
