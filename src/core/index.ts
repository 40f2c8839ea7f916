/**
 * LossLab's numeric core: losses of the Generalized Focal Loss paper and of metric learning, with
 * exact gradients, as pure functions over typed arrays. No `vscode`, no Node built-ins: the same
 * module runs in the extension host, the kernel worker, the renderer webview and the CLI.
 */
export * from './errors';
export * from './tensor';
export * from './numerics';
export * from './reduction';
export * from './distributions';
export * from './boxes';
export * from './distances';
export * from './mining';
export * from './normalize';
export * from './matmul';
export * from './losses/types';
export * from './losses/focal';
export * from './losses/qfl';
export * from './losses/dfl';
export * from './losses/giou';
export * from './losses/gfl';
export * from './losses/arcface';
export * from './losses/triplet';
export * from './io';
