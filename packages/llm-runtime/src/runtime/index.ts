/** The runtime facade used by apps/api. */
export { createLlmRuntime, type LlmRuntime } from './create-llm-runtime.js';
export { displayModelsDir } from './display-models-dir.js';
export { pickModel, isChoice, type ModelChoice, type PickModelInput } from './pick-model.js';
export { unavailableReason, type Availability, type NoModelChosen, type UnavailableInput } from './availability.js';
export { createProviderSwitch, type ProviderSwitch, type ProviderSwitchOptions } from './provider-switch.js';
export { runtimeStatus, listedProviderStatus, type RuntimeStatusInput } from './runtime-status.js';
