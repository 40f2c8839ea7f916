import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { loadBytes } from '../../src/core/io/load';
import type { LoadedValue } from '../../src/core/io/types';

/**
 * docs/exporting.md tells a user which keys and shapes to save from a training step. The bundled
 * exports were written with those snippets' structure (scripts/fixtures/make_raw_head_exports.py,
 * from the fixture cases), so the tables' keys and shape rules are checked against them here: a
 * renamed key or a wrong shape formula in the doc fails.
 */
const doc = readFileSync('docs/exporting.md', 'utf8');

/** The keys of the table under a heading: the first cell of each row, in backticks. */
function tableKeys(heading: string): string[] {
  const section = doc.slice(doc.indexOf(heading));
  const table = section.slice(section.indexOf('| key |'), section.indexOf('\n\n', section.indexOf('| key |')));
  return [...table.matchAll(/^\| `(\w+)` \|/gm)].map((m) => m[1]);
}

function entries(file: string): Map<string, LoadedValue> {
  const loaded = loadBytes(new Uint8Array(readFileSync(file)), file);
  assert.ok(loaded.values !== undefined, `${file} holds no containers`);
  return new Map(loaded.values);
}

const shapesOf = (value: LoadedValue | undefined): number[][] => {
  assert.ok(typeof value === 'object' && value !== null && 'kind' in value && value.kind !== 'dict', 'a list');
  return value.items.map((item) => {
    assert.ok(typeof item === 'object' && item !== null && 'shape' in item, 'a tensor');
    return [...item.shape];
  });
};

const numbers = (value: LoadedValue | undefined): number[] => {
  assert.ok(typeof value === 'object' && value !== null && 'kind' in value && value.kind !== 'dict');
  return value.items.map((item) => item as number);
};

describe('docs/exporting.md against the bundled exports', () => {
  it('mmdetection: the keys of the table, five levels of (N, C, ⌈H/s⌉, ⌈W/s⌉) and (N, 68, …), a GT list per image', () => {
    const keys = tableKeys('## mmdetection');
    const file = entries('samples/data/raw-gfl-head.pt');
    assert.deepEqual(keys.sort(), [...file.keys()].sort());
    const [H, W] = numbers(file.get('img_shape'));
    const cls = shapesOf(file.get('cls_scores'));
    const reg = shapesOf(file.get('bbox_preds'));
    const strides = [8, 16, 32, 64, 128];
    assert.equal(cls.length, strides.length);
    const [N, C] = cls[0];
    strides.forEach((s, l) => {
      assert.deepEqual(cls[l], [N, C, Math.ceil(H / s), Math.ceil(W / s)], `cls_scores level ${l + 1}`);
      assert.deepEqual(reg[l], [N, 68, Math.ceil(H / s), Math.ceil(W / s)], `bbox_preds level ${l + 1}`);
    });
    const boxes = shapesOf(file.get('gt_bboxes'));
    const labels = shapesOf(file.get('gt_labels'));
    assert.equal(boxes.length, N);
    boxes.forEach((shape, i) => {
      assert.equal(shape[1], 4);
      assert.deepEqual(labels[i], [shape[0]]);
    });
  });

  it('ultralytics: the keys of the table, three levels of (N, 64 + C, H/s, W/s), the batch of batch_idx, cls (n, 1), bboxes (n, 4)', () => {
    const keys = tableKeys('## ultralytics');
    const file = entries('samples/data/raw-yolov8.pt');
    assert.deepEqual(keys.sort(), [...file.keys()].sort());
    const [H, W] = numbers(file.get('img_shape'));
    const feats = shapesOf(file.get('feats'));
    const [N, channels] = feats[0];
    assert.ok(channels > 64);
    [8, 16, 32].forEach((s, l) => assert.deepEqual(feats[l], [N, channels, H / s, W / s], `feats level ${l + 1}`));
    const batch = file.get('batch');
    assert.ok(typeof batch === 'object' && batch !== null && 'kind' in batch && batch.kind === 'dict');
    const shape = (key: string): number[] => {
      const value = batch.entries.get(key);
      assert.ok(typeof value === 'object' && value !== null && 'shape' in value, key);
      return [...value.shape];
    };
    const n = shape('batch_idx')[0];
    assert.deepEqual([shape('batch_idx'), shape('cls'), shape('bboxes')], [[n], [n, 1], [n, 4]]);
  });
});
