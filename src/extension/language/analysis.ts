/**
 * The cell analysis behind diagnostics, quick fixes, completion and parameter hints. It pulls in
 * mathjs (~570 KB of the ~940 KB host bundle), so it is its own bundle (dist/analysis.js, see
 * scripts/build.mjs) that the host requires on first use through `analysis()`: activation parses
 * none of it.
 */
export { validateCell } from '../../core/language/analysis/diagnostics';
export { NotebookMemo } from '../../core/language/analysis/checkMemo';
export { notebookDiagnostics } from '../../core/language/analysis/notebook';
export { completeAt } from '../../core/language/analysis/completion';
export { signatureHelpAt } from '../../core/language/analysis/signatureHelp';
