import type { SliderSpec } from '../core/figures/spec';

/** The slider values of one figure, by variable name. */
export type SliderValues = Record<string, number>;

export interface SliderPanel {
  readonly element: HTMLElement;
  /** The values the inputs show now. */
  values(): SliderValues;
  /** Shows values without firing `onInput` (e.g. after a re-render restores a saved state). */
  set(values: Readonly<SliderValues>): void;
  dispose(): void;
}

export interface SliderPanelOptions {
  readonly sliders: readonly SliderSpec[];
  /**
   * Called at most once per animation frame while a slider moves, with the latest values: a drag
   * fires `input` far more often than a figure can be redrawn, and only the last position matters.
   */
  readonly onInput: (values: SliderValues) => void;
  /** Called when a slider is released (its `change` event), after the last `onInput`. */
  readonly onChange?: (values: SliderValues) => void;
  /** Offered as a button when given: writes the current values back into the cells' source. */
  readonly onWriteBack?: (values: SliderValues) => void;
  /** Schedules a frame; injectable so tests and non-browser hosts can drive it. */
  readonly requestFrame?: (callback: () => void) => number;
  readonly cancelFrame?: (handle: number) => void;
}

/** Shortest text for a slider value, without the float noise of `min + k·step`. */
export function formatSliderValue(value: number, step: number): string {
  const decimals = Math.min(10, Math.max(0, -Math.floor(Math.log10(Math.abs(step) || 1)) + 1));
  return String(Number(value.toFixed(decimals)));
}

/**
 * A row of labelled range inputs, one per slider. The DOM is built once; moving a slider only
 * updates its value label and schedules one `onInput` per frame.
 */
export function createSliderPanel(options: SliderPanelOptions): SliderPanel {
  const requestFrame = options.requestFrame ?? ((callback: () => void) => requestAnimationFrame(callback));
  const cancelFrame = options.cancelFrame ?? ((handle: number) => cancelAnimationFrame(handle));
  const element = document.createElement('div');
  element.className = 'losslab-sliders';
  const inputs = new Map<string, { input: HTMLInputElement; label: HTMLOutputElement; step: number }>();
  for (const slider of options.sliders) {
    const row = document.createElement('label');
    row.className = 'losslab-slider';
    row.dataset.name = slider.name;
    const name = document.createElement('span');
    name.className = 'losslab-slider-name';
    name.textContent = slider.name;
    const input = document.createElement('input');
    input.type = 'range';
    input.min = String(slider.min);
    input.max = String(slider.max);
    input.step = String(slider.step);
    input.value = String(slider.value);
    input.setAttribute('aria-label', slider.name);
    const label = document.createElement('output');
    label.className = 'losslab-slider-value';
    label.textContent = formatSliderValue(slider.value, slider.step);
    row.append(name, input, label);
    element.append(row);
    inputs.set(slider.name, { input, label, step: slider.step });
  }
  const values = (): SliderValues => {
    const result: SliderValues = {};
    for (const [name, { input }] of inputs) result[name] = Number(input.value);
    return result;
  };
  let frame: number | undefined;
  const onInput = (event: Event): void => {
    const target = event.target as HTMLInputElement;
    const entry = [...inputs.values()].find((item) => item.input === target);
    if (entry !== undefined) entry.label.textContent = formatSliderValue(Number(target.value), entry.step);
    if (frame !== undefined) return;
    frame = requestFrame(() => {
      frame = undefined;
      options.onInput(values());
    });
  };
  element.addEventListener('input', onInput);
  const onChange = (): void => {
    if (frame !== undefined) cancelFrame(frame);
    frame = undefined;
    options.onChange?.(values());
  };
  element.addEventListener('change', onChange);
  let writeBack: HTMLButtonElement | undefined;
  const onWriteBack = (): void => options.onWriteBack?.(values());
  if (options.onWriteBack !== undefined && options.sliders.length > 0) {
    writeBack = document.createElement('button');
    writeBack.type = 'button';
    writeBack.className = 'losslab-button losslab-write-back';
    writeBack.textContent = 'Write values to cells';
    writeBack.title = 'Replace the numbers assigned to these variables in the cells that define them';
    writeBack.addEventListener('click', onWriteBack);
    element.append(writeBack);
  }
  return {
    element,
    values,
    set(next) {
      for (const [name, value] of Object.entries(next)) {
        const entry = inputs.get(name);
        if (entry === undefined) continue;
        entry.input.value = String(value);
        entry.label.textContent = formatSliderValue(Number(entry.input.value), entry.step);
      }
    },
    dispose() {
      if (frame !== undefined) cancelFrame(frame);
      frame = undefined;
      element.removeEventListener('input', onInput);
      element.removeEventListener('change', onChange);
      writeBack?.removeEventListener('click', onWriteBack);
      element.remove();
    },
  };
}
