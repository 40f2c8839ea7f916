import assert from 'node:assert/strict';
import { it } from 'node:test';
import { lossnbNameBeside } from '../../../src/extension/commands/besideFile';

it('names the .lossnb beside a Jupyter notebook or a Python file, and nothing else', () => {
  assert.equal(lossnbNameBeside('model.ipynb'), 'model.lossnb');
  assert.equal(lossnbNameBeside('train.v2.py'), 'train.v2.lossnb');
  assert.equal(lossnbNameBeside('Model.IPYNB'), 'Model.lossnb');
  assert.equal(lossnbNameBeside('notes.lossnb'), undefined);
  assert.equal(lossnbNameBeside('.ipynb'), undefined);
  assert.equal(lossnbNameBeside('Untitled-1'), undefined);
});
