import { describe, expect, it } from 'vitest';
import { ModelLoadError } from '../../errors/index.js';
import { createModelLifecycle, describeProviderStatus, notLoadedReason } from './index.js';

/** A fake model: a name and whether it was retired. */
interface FakeModel {
  id: string;
  retired: boolean;
}

function lifecycleWithLog() {
  const log: string[] = [];
  const lifecycle = createModelLifecycle<FakeModel>({
    async retire(model) {
      log.push(`retire ${model.id}`);
      model.retired = true;
    },
    toLoadError: (modelId, error) =>
      error instanceof ModelLoadError ? error : new ModelLoadError(modelId, String((error as Error).message)),
  });
  const open = (id: string) => async () => {
    log.push(`open ${id}`);
    return { id, retired: false };
  };
  return { lifecycle, log, open };
}

/** A promise with its resolve function, to hold a step open. */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { opened, open };
}

describe('createModelLifecycle', () => {
  it('goes from no model to loading to ready, reporting progress', async () => {
    const { lifecycle, open } = lifecycleWithLog();
    expect([lifecycle.current, lifecycle.loading, lifecycle.failure]).toEqual([null, null, null]);
    const held = gate();
    const load = lifecycle.load('a', async (step) => {
      step.report(0.5);
      await held.opened;
      return step.replace(open('a'));
    });
    expect(lifecycle.loading).toEqual({ modelId: 'a', progress: 0 });
    await new Promise((resolve) => setImmediate(resolve));
    expect(lifecycle.loading).toEqual({ modelId: 'a', progress: 0.5 });
    held.open();
    expect((await load).id).toBe('a');
    expect(lifecycle.loading).toBeNull();
    expect(lifecycle.current?.id).toBe('a');
  });

  it('retires the current model before opening the next, and runs loads one after another', async () => {
    const { lifecycle, log, open } = lifecycleWithLog();
    const first = lifecycle.load('a', (step) => step.replace(open('a')));
    const second = lifecycle.load('b', (step) => step.replace(open('b')));
    // The later call shows as loading at once, although the earlier one runs first.
    expect(lifecycle.loading?.modelId).toBe('b');
    const a = await first;
    await second;
    expect(log).toEqual(['open a', 'retire a', 'open b']);
    expect(a.retired).toBe(true);
    expect(lifecycle.current?.id).toBe('b');
  });

  it('records a failed open as the failure until the next load or unload', async () => {
    const { lifecycle, open } = lifecycleWithLog();
    const failing = lifecycle.load('bad', (step) =>
      step.replace(async () => {
        throw new Error('not enough memory');
      }),
    );
    await expect(failing).rejects.toBeInstanceOf(ModelLoadError);
    expect(lifecycle.failure).toEqual({ modelId: 'bad', reason: 'not enough memory' });
    expect(lifecycle.current).toBeNull();
    // A later load clears it; a failing step that never calls replace leaves it alone.
    await lifecycle.load('a', (step) => step.replace(open('a')));
    expect(lifecycle.failure).toBeNull();
    await expect(
      lifecycle.load('missing', async () => {
        throw new Error('not found');
      }),
    ).rejects.toThrow('not found');
    expect(lifecycle.current?.id).toBe('a');
    expect(lifecycle.failure).toBeNull();
  });

  it('keeps the current model when a step returns without replacing it', async () => {
    const { lifecycle, log, open } = lifecycleWithLog();
    await lifecycle.load('a', (step) => step.replace(open('a')));
    const same = await lifecycle.load('a', async (step) => step.current?.id);
    expect(same).toBe('a');
    expect(log).toEqual(['open a']);
  });

  it('unloads and closes after loads under way, retiring the model once', async () => {
    const { lifecycle, log, open } = lifecycleWithLog();
    const load = lifecycle.load('a', (step) => step.replace(open('a')));
    await lifecycle.unload();
    await load;
    expect(lifecycle.current).toBeNull();
    await lifecycle.load('b', (step) => step.replace(open('b')));
    const seen: string[] = [];
    await lifecycle.close((model) => seen.push(model.id));
    expect(seen).toEqual(['b']);
    expect(log).toEqual(['open a', 'retire a', 'open b', 'retire b']);
    await lifecycle.close();
    expect(log).toHaveLength(4);
  });
});

describe('describeProviderStatus', () => {
  const ready = { modelId: 'a', sequencesInUse: 1, sequencesTotal: 4, threads: 1, gpu: 'cpu' };

  it('shows loading over ready, ready over a failure, and no_model otherwise', () => {
    const failure = { modelId: 'x', reason: 'broken' };
    const loading = { modelId: 'b', progress: 0.25 };
    expect(describeProviderStatus({ loading, ready, failure })).toMatchObject({
      state: 'loading',
      model_id: 'b',
      load_progress: 0.25,
      gpu: 'cpu',
      sequences_total: 0,
    });
    expect(describeProviderStatus({ loading: null, ready, failure })).toMatchObject({
      state: 'ready',
      sequences_in_use: 1,
      sequences_total: 4,
      threads: 1,
      reason: null,
    });
    expect(describeProviderStatus({ loading: null, ready: null, failure })).toMatchObject({
      state: 'error',
      model_id: 'x',
      reason: 'broken',
    });
    expect(describeProviderStatus({ loading: null, ready: null, failure: null })).toMatchObject({
      state: 'no_model',
      model_id: null,
    });
  });

  it('says why a generation cannot start', () => {
    expect(notLoadedReason({ modelId: 'a', progress: 0.42 })).toBe('model is still loading (42%)');
    expect(notLoadedReason(null)).toBe('no model is loaded');
  });
});
