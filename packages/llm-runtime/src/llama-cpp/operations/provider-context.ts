import type { Llama } from 'node-llama-cpp';
import { ChatUnavailableError } from '../../errors/index.js';
import type { ProviderModel } from '../../provider/index.js';
import type { ScannedModel } from '../../registry/index.js';
import type { Embedder } from '../embedder.js';
import { notLoadedReason, type LoadedModel, type ModelLifecycle } from '../lifecycle/index.js';

/** Settings of the provider after defaults. */
export interface ProviderSettings {
  modelsDir: string;
  defaultMaxTokens: number;
  switchGraceMs: number;
  shiftFraction: number;
  preloadNextTurn: boolean;
  /** Sizing asked for; undefined fields follow the model's size. */
  sizing: { threads?: number; sequences?: number; contextSize?: number; flashAttention?: 'auto' | boolean };
}

/** What the provider's operations share: its settings, the load state machine, llama.cpp and the embedder. */
export interface ProviderContext {
  settings: ProviderSettings;
  lifecycle: ModelLifecycle<LoadedModel>;
  llama(): Promise<Llama>;
  embedder: Embedder;
}

/** The loaded model; ChatUnavailableError saying why when none is. */
export function loadedOrThrow(context: ProviderContext): LoadedModel {
  const current = context.lifecycle.current;
  if (!current) throw new ChatUnavailableError(notLoadedReason(context.lifecycle.loading));
  return current;
}

/** A scanned model as providers list it (without its path). */
export function stripPath(model: ScannedModel): ProviderModel {
  const { path: _path, ...rest } = model;
  return rest;
}
