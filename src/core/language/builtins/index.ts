import { DATA_BUILTINS } from './data';
import { DETECTOR_BUILTINS } from './detector';
import { EMBEDDING_BUILTINS } from './embedding';
import { FIGURE_BUILTINS } from './figures';
import { HEADS_BUILTINS } from './heads';
import { HELPERS_BUILTINS } from './helpers';
import { LOSSES_BUILTINS } from './losses';
import { MARGIN_BUILTINS } from './margin';
import { METRIC_BUILTINS } from './metric';
import { MINING_BUILTINS } from './mining';
import type { Builtin, BuiltinRoom } from './types';

/** Every function a cell can call besides mathjs's own, room by room, in the order the docs list them. */
export const BUILTINS: readonly Builtin[] = [...LOSSES_BUILTINS, ...HEADS_BUILTINS, ...MARGIN_BUILTINS, ...MINING_BUILTINS, ...METRIC_BUILTINS, ...HELPERS_BUILTINS, ...DATA_BUILTINS, ...FIGURE_BUILTINS, ...DETECTOR_BUILTINS, ...EMBEDDING_BUILTINS];

export const BUILTINS_BY_NAME: ReadonlyMap<string, Builtin> = new Map(BUILTINS.map((builtin) => [builtin.name, builtin]));

/**
 * Whether a room's builtins draw figures. A session checks the others' argument counts and caps
 * what they return; a figure checks its own arguments (heatmap's two forms have their own message)
 * and returns a spec, which the cap does not concern.
 */
export const isFigureRoom = (room: BuiltinRoom): boolean => room === 'figures' || room === 'detector' || room === 'embedding';
